"""Why a service refuses what it is asked: not found, forbidden, unauthorized, unprocessable (with the violations that
say why). Services raise these and know nothing of HTTP; `configurator/errors.py` maps them to statuses, problem+json
bodies and the shop's pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from catalog.errors import ConfiguratorError
from rules.selection import Violation


class NotFound(ConfiguratorError):
    """An unknown product or other resource."""


class Forbidden(ConfiguratorError):
    """A request its sender may not make (someone else's settings, say)."""


class Unauthorized(ConfiguratorError):
    """A missing or invalid API key."""


class Unprocessable(ConfiguratorError):
    """A well-formed request the domain cannot satisfy (inconsistent or incomplete selection), with the
    violations that say why."""

    def __init__(self, title: str, violations: Iterable[Violation] = ()) -> None:
        super().__init__(title)
        self.title = title
        self.violations = tuple(violations)


def violations_out(violations: Iterable[Violation]) -> list[dict[str, Any]]:
    """Violations as API data, each naming its rule and option where there is one."""
    return [{"rule": v.rule_id, "option": v.option, "message": v.message} for v in violations]

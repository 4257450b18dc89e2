"""Why a service refuses what it is asked, in the domain's words: something missing (or not the caller's), an act
not permitted to the one asking, a storefront key required, a request refused with the violations that say why.
Services raise these and know nothing of HTTP; `configurator/errors.py` maps them to statuses (404, 403, 401, 422),
problem+json bodies and the shop's pages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from catalog.errors import ConfiguratorError
from rules.selection import Violation


class Missing(ConfiguratorError):
    """An unknown product, quote, configuration or profile, or one that belongs to another key."""


class NotPermitted(ConfiguratorError):
    """An act its sender may not perform (changing someone else's settings, say)."""


class KeyRequired(ConfiguratorError):
    """A storefront's API key is needed and none valid was given."""


class Refused(ConfiguratorError):
    """A well-formed request the domain cannot satisfy (an inconsistent or incomplete selection), with the
    violations that say why."""

    def __init__(self, title: str, violations: Iterable[Violation] = ()) -> None:
        super().__init__(title)
        self.title = title
        self.violations = tuple(violations)


def violations_out(
    violations: Iterable[Violation], rule_messages: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Violations as API data, each naming its rule and option where there is one; a rule's message from
    `rule_messages` (its words in the language asked for) where it has one there."""
    said = rule_messages or {}
    return [{"rule": v.rule_id, "option": v.option, "message": said.get(v.rule_id or "", v.message)}
            for v in violations]

"""The transparent face: the firm customizes from what it knows of the customer.

Options marked `inferred_from: FIELD` take their default from a customer profile, through the engine: one at a
time in step order, each only where it still extends to a valid configuration, so an inference never makes a
selection inconsistent. A profile value is used where it is a value of the option; an option whose field is known
but whose value cannot be read off it (a dose from a household size) takes, through the engine, its default if
that fits, else the first value that does. The shopper's own choices always win.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog.kinds import ONE_VALUE, default_value, traits
from catalog.schema import AnyOption
from rules.engine import Engine
from rules.selection import parse_selection


def infer_defaults(engine: Engine, selection: Mapping[str, Any], profile: Mapping[str, Any]) -> dict[str, Any]:
    """The values inferred from `profile` for the options the selection leaves open (catalog values)."""
    chosen = dict(selection)
    inferred: dict[str, Any] = {}
    options = [o for o in engine.model.product.options() if o.customization.inferred_from in profile]
    direct = [(o, _read(engine, o, profile[o.customization.inferred_from or ""])) for o in options]
    # Values read straight off the profile first, then the options the engine fills around them.
    for option, value in sorted(direct, key=lambda item: item[1] is None):
        if option.id in chosen or traits(option).expression not in ONE_VALUE:
            continue
        domain = engine.valid_domains(chosen).domains.get(option.id)
        if domain is None or not domain.values:
            continue
        if value is None or value not in domain.values:
            value = _fallback(option, domain.values) if value is None else None
        if value is not None:
            chosen[option.id] = value
            inferred[option.id] = value
    return inferred


def _read(engine: Engine, option: AnyOption, raw: Any) -> Any:
    """The option's catalog value for a profile value, or None where the profile value is not one of its values."""
    parsed = parse_selection(engine.model, {option.id: raw})
    return None if parsed.violations else parsed.values.get(option.id)


def _fallback(option: AnyOption, possible: tuple[Any, ...]) -> Any:
    """The option's default where it fits, else its first possible value."""
    default = default_value(option)
    return default if default is not None and default in possible else possible[0]

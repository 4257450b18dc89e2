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
    read = {o.customization.inferred_from for o, value in direct if value is not None}
    # Values read straight off the profile first, then the options the engine fills around them (a field that
    # no option reads, such as "lemon" for a scent, fills nothing: the page says so).
    for option, value in sorted(direct, key=lambda item: item[1] is None):
        if option.id in chosen or traits(option).expression not in ONE_VALUE:
            continue
        if value is None and option.customization.inferred_from not in read:
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


def unusable(engine: Engine, profile: Mapping[str, Any]) -> dict[str, Any]:
    """Per option fed by a profile field that none of the product's options can read (a value it does not have),
    the profile's value: what the shop page tells the shopper it could not use."""
    fed = [o for o in engine.model.product.options() if o.customization.inferred_from in profile]
    read = {o.customization.inferred_from for o in fed
            if _read(engine, o, profile[o.customization.inferred_from or ""]) is not None}
    return {o.id: profile[field] for o in fed if (field := o.customization.inferred_from or "") not in read}


def _read(engine: Engine, option: AnyOption, raw: Any) -> Any:
    """The option's catalog value for a profile value, or None where the profile value is not one of its values."""
    parsed = parse_selection(engine.model, {option.id: raw})
    return None if parsed.violations else parsed.values.get(option.id)


def _fallback(option: AnyOption, possible: tuple[Any, ...]) -> Any:
    """The option's default where it fits, else its first possible value."""
    default = default_value(option)
    return default if default is not None and default in possible else possible[0]

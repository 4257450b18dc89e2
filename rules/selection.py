"""Shoppers' selections: parsed against a compiled model into fixed variable values, or violations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from catalog.errors import ConfiguratorError
from catalog.instances import flat_selection, with_absent
from catalog.kinds import coerce, expected_shape, quoted, traits, value_id
from catalog.wording import _
from rules.compile import CompiledModel


@dataclass(frozen=True)
class Violation:
    """Why a selection is not (or cannot become) a valid configuration."""

    message: str
    rule_id: str | None = None
    option: str | None = None


class SelectionError(ConfiguratorError):
    """A selection that names an unknown option or gives a value of the wrong kind."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option
        self.message = message


@dataclass(frozen=True)
class Parsed:
    """A selection as engine variable values, with the catalog values and any problems found: parsed once per
    request and handed to every operation (each takes a `Selection`, and a Parsed of its model is used as it is)."""

    fixed: Mapping[int, int]
    values: Mapping[str, Any]
    violations: tuple[Violation, ...]
    given: Mapping[str, Any]  # the selection as the shopper gave it
    model: str  # the content hash of the model it was parsed against


# What every operation takes: a shopper's selection as given, or already parsed against the model.
Selection = Mapping[str, Any] | Parsed


def parse_selection(model: CompiledModel, selections: Selection) -> Parsed:
    """Check each selected value against its option and map it onto variables (a selection parsed against this
    model already is returned as it is)."""
    if isinstance(selections, Parsed):
        if selections.model == model.content_hash:
            return selections
        selections = selections.given
    if model.product.components:  # instances as lists are their options; absent instances take their one value
        selections = flat_selection(model.product, selections)
    fixed: dict[int, int] = {}
    values: dict[str, Any] = {}
    violations: list[Violation] = []
    _parse_values(model, selections, fixed, values, violations)
    # An absent instance's options take their one value: in `values` (the configuration is complete without them,
    # and expressions read them) but not fixed as choices (the engine derives them, and may switch the number).
    absent = {k: v for k, v in with_absent(model.product, values).items() if k not in selections}
    _parse_values(model, absent, {}, values, violations)
    return Parsed(fixed, values, tuple(violations), selections, model.content_hash)


def _parse_values(model: CompiledModel, selections: Mapping[str, Any], fixed: dict[int, int],
                  values: dict[str, Any], violations: list[Violation]) -> None:
    """Parse each selected value into `fixed` and `values`, or a violation."""
    for option_id, raw in selections.items():
        option = model.options.get(option_id)
        if option is None:
            unknown = _("unknown option %(option)s") % {"option": quoted(option_id)}
            violations.append(Violation(unknown, option=option_id))
            continue
        try:
            value = coerce(option, raw)
        except ValueError as exc:
            said = {"option": option.label or option_id, "problem": exc}
            violations.append(Violation(_("%(option)s: %(problem)s") % said, option=option_id))
            continue
        variables = model.option_vars[option_id]
        if traits(option).many:
            for var in variables:
                fixed[var] = int(model.variables[var].member in value)
        elif variables:
            var = variables[0]
            key = bool(value) if model.refs[option_id].kind == "filled" else value
            index = model.value_index[var].get(key)
            if index is None:
                # Checked against the option above, so this is a compiler/option disagreement: refuse, never crash.
                label = option.label or option_id
                said = {"option": label, "value": quoted(raw)}
                violations.append(Violation(_("%(option)s: %(value)s is not offered") % said, option=option_id))
                continue
            fixed[var] = index
        values[option_id] = value


def without(model: CompiledModel, selection: Selection, option_id: str) -> Parsed:
    """The selection with one option's choice left out, from its parse (never parsed again)."""
    parsed = parse_selection(model, selection)
    if option_id not in parsed.given:
        return parsed
    dropped = set(model.option_vars.get(option_id, ()))
    return Parsed(
        {var: index for var, index in parsed.fixed.items() if var not in dropped},
        {name: value for name, value in parsed.values.items() if name != option_id},
        tuple(v for v in parsed.violations if v.option != option_id),
        {name: value for name, value in parsed.given.items() if name != option_id},
        parsed.model,
    )


def misshapen(model: CompiledModel, selections: Mapping[str, Any]) -> list[Violation]:
    """The values whose JSON shape no value of their option has (a list for a single choice, text for a
    quantity...), each naming its option: a malformed request, not a configuration the rules refuse."""
    found = []
    for option_id, raw in flat_selection(model.product, selections).items():
        option = model.options.get(option_id)
        expected = None if option is None or raw is None else expected_shape(option, raw)
        if option is not None and expected is not None:
            said = {"option": option.label or option_id, "value": quoted(raw), "shape": _(expected)}
            found.append(Violation(_("%(option)s: %(value)s is not %(shape)s") % said, option=option_id))
    return found


def parse_value(model: CompiledModel, option_id: str, raw: Any) -> Any:
    """One value asked about (a member id for a multi-choice option), checked by its option's type as a selection
    is: SelectionError naming the option if it is not one of its values."""
    option = model.options.get(option_id)
    if option is None:
        raise SelectionError(option_id, _("unknown option %(option)s") % {"option": quoted(option_id)})
    try:
        return value_id(option, raw) if traits(option).many else coerce(option, raw)
    except ValueError as exc:
        raise SelectionError(option_id, str(exc)) from None


def plain(value: Any) -> Any:
    """A catalog value as JSON-ready data: integral Decimals as ints, others as strings; sets as sorted lists."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value

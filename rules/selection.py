"""Shoppers' selections: parsed against a compiled model into fixed variable values, or violations."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext
from typing import Any, assert_never

from catalog.errors import ConfiguratorError
from catalog.patterns import pattern_matches
from catalog.schema import (
    AnyOption,
    BooleanOption,
    MultiOption,
    NumberOption,
    QuantityOption,
    SingleOption,
    TextOption,
)
from rules.compile import CompiledModel

# Decimal strings a number option accepts: plain ASCII digits, no exponent, underscores or other scripts' digits.
_DECIMAL_TEXT = re.compile(r"-?[0-9]{1,40}(\.[0-9]{1,40})?", re.ASCII)
_HUGE = 10**40
# Wide enough for an 80-digit number minus a catalog bound (catalog amounts are bounded in size and scale).
_EXACT_DIGITS = 100


class JsonNumber(Decimal):
    """A number as a client's JSON wrote it with a fraction or an exponent, read exactly (never through a float):
    a number option takes it as it takes a decimal string; a quantity refuses it, as it refuses 3.0."""


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
    fixed: dict[int, int] = {}
    values: dict[str, Any] = {}
    violations: list[Violation] = []
    for option_id, raw in selections.items():
        option = model.options.get(option_id)
        if option is None:
            violations.append(Violation(f"unknown option {_show(option_id)}", option=option_id))
            continue
        try:
            value = _coerce(option, raw)
        except ValueError as exc:
            violations.append(Violation(f"{option.label or option_id}: {exc}", option=option_id))
            continue
        variables = model.option_vars[option_id]
        if isinstance(option, MultiOption):
            for var in variables:
                fixed[var] = int(model.variables[var].member in value)
        elif variables:
            var = variables[0]
            key = bool(value) if isinstance(option, TextOption) else value
            index = model.value_index[var].get(key)
            if index is None:
                # Checked against the option above, so this is a compiler/option disagreement: refuse, never crash.
                label = option.label or option_id
                violations.append(Violation(f"{label}: {_show(raw)} is not offered", option=option_id))
                continue
            fixed[var] = index
        values[option_id] = value
    return Parsed(fixed, values, tuple(violations), selections, model.content_hash)


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
    for option_id, raw in selections.items():
        option = model.options.get(option_id)
        expected = None if option is None or raw is None else _expected_shape(option, raw)
        if option is not None and expected is not None:
            found.append(Violation(f"{option.label or option_id}: {_show(raw)} is not {expected}", option=option_id))
    return found


def _expected_shape(option: AnyOption, raw: Any) -> str | None:
    """The shape the option's values have, where `raw` does not have it; None where it does."""
    number = isinstance(raw, int | float | Decimal) and not isinstance(raw, bool)
    match option:
        case SingleOption():
            fits = isinstance(raw, str) or (isinstance(raw, int) and not isinstance(raw, bool))
            return None if fits else "a value id"
        case MultiOption():
            return None if isinstance(raw, list | tuple | set | frozenset) else "a list of value ids"
        case BooleanOption():
            return None if isinstance(raw, bool) or raw in ("true", "false") else "true or false"
        case NumberOption():
            return None if number or isinstance(raw, str) else "a number or a decimal string"
        case QuantityOption():
            return None if number else "a whole number"
        case TextOption():
            return None if isinstance(raw, str) else "text"
        case _:
            assert_never(option)


def parse_value(model: CompiledModel, option_id: str, raw: Any) -> Any:
    """One value asked about (a member id for a multi-choice option), checked by its option's type as a selection
    is: SelectionError naming the option if it is not one of its values."""
    option = model.options.get(option_id)
    if option is None:
        raise SelectionError(option_id, f"unknown option {_show(option_id)}")
    try:
        return _value_id(option, raw) if isinstance(option, MultiOption) else _coerce(option, raw)
    except ValueError as exc:
        raise SelectionError(option_id, str(exc)) from None


def _coerce(option: AnyOption, raw: Any) -> Any:
    if raw is None:
        raise ValueError("no value given (null); leave the option out to keep it open")
    match option:
        case SingleOption():
            return _value_id(option, raw)
        case BooleanOption():
            if isinstance(raw, bool):
                return raw
            if raw in ("true", "false"):
                return raw == "true"
            raise ValueError(f"{_show(raw)} is not true or false")
        case MultiOption():
            if not isinstance(raw, (list, tuple, set, frozenset)) or len(raw) > len(option.values):
                raise ValueError(f"expected a list of at most {len(option.values)} of its values")
            return frozenset(_value_id(option, item) for item in raw)
        case NumberOption():
            return _on_grid(_decimal(raw), option.min, option.max, option.step)
        case QuantityOption():
            catalog_value = isinstance(raw, Decimal) and not isinstance(raw, JsonNumber) and raw.is_finite()
            if catalog_value and raw == raw.to_integral_value():
                raw = int(raw)  # a catalog value (a default, a completion), never JSON
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError(f"{_show(raw)} is not a whole number (a JSON integer)")
            return _on_grid(Decimal(raw), Decimal(option.min), Decimal(option.max), Decimal(option.step))
        case TextOption():
            return _text(option, raw)
        case _:
            assert_never(option)


def _value_id(option: SingleOption | MultiOption, raw: Any) -> str:
    text = str(raw) if isinstance(raw, str) or (isinstance(raw, int) and not isinstance(raw, bool)) else None
    if text is None or text not in option.value_ids:
        raise ValueError(f"{_show(raw)} is not one of {', '.join(value.id for value in option.values)}")
    return text


def _decimal(raw: Any) -> Decimal:
    """A JSON number (int or finite float) or a plain decimal string, such as "12.5", as an exact Decimal."""
    if isinstance(raw, bool):
        raise ValueError(f"{_show(raw)} is not a number")
    if isinstance(raw, int):
        if abs(raw) > _HUGE:
            raise ValueError("is far out of range")
        return Decimal(raw)
    if isinstance(raw, Decimal):  # a catalog value (a default, a completion) or a JsonNumber
        if not raw.is_finite():
            raise ValueError("expected a finite number")
        if raw.adjusted() > 40:
            raise ValueError("is far out of range")
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError("expected a finite number")
        return Decimal(repr(raw))
    if isinstance(raw, str) and _DECIMAL_TEXT.fullmatch(raw):
        return Decimal(raw)
    raise ValueError(f"{_show(raw)} is not a number")


def _on_grid(number: Decimal, low: Decimal, high: Decimal, step: Decimal) -> Decimal:
    """`number` if it is low + k * step within low..high, checked exactly (no rounding can make it fit)."""
    if not low <= number <= high:
        raise ValueError(f"{_show(number)} is not in {low}..{high}")
    # Inside the bounds every operand has a bounded number of digits, so a wide context keeps this exact;
    # a number with more digits than that is not on the grid, which the Inexact trap reports.
    with localcontext() as ctx:
        ctx.prec = _EXACT_DIGITS
        ctx.traps[Inexact] = True
        try:
            on_grid = (number - low) % step == 0
        except Inexact:
            on_grid = False
    if not on_grid:
        raise ValueError(f"{_show(number)} is not in {low}..{high} in steps of {step}")
    return number


def _text(option: TextOption, raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValueError("expected text")
    if len(raw) > option.max_length:
        raise ValueError(f"at most {option.max_length} characters")
    if any(unicodedata.category(char) in ("Cc", "Cs") and char not in "\t\n" for char in raw):
        raise ValueError("contains control characters or broken Unicode")
    if raw and option.pattern is not None and not pattern_matches(option.pattern, raw):
        raise ValueError("contains characters that are not allowed")
    return raw


def _show(raw: Any) -> str:
    """A shopper's value as JSON would write it, cut short."""
    text = json.dumps(raw, default=str) if isinstance(raw, str | bool | int | float) else str(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def plain(value: Any) -> Any:
    """A catalog value as JSON-ready data: integral Decimals as ints, others as strings; sets as sorted lists."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value

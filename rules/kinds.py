"""Each option kind's behaviour in the engine, in one place, one `match` per aspect (ending in `assert_never`, so a
new kind fails mypy wherever it is not handled): how its values are read from a shopper (`coerce`, and the JSON
shape they have), where it starts (`default_value`), whether a complete configuration needs it, its values when no
rule holds it, how far it moves a price, and its values in words (`value_label`). How a kind maps onto engine
variables is `rules/compile.py`'s `declare`; the catalog language checks each kind in `catalog/`."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, Inexact, localcontext
from typing import Any, assert_never

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
from rules.display import NOTHING, show_value, written, yes_no

# Decimal strings a number option accepts: plain ASCII digits, no exponent, underscores or other scripts' digits.
_DECIMAL_TEXT = re.compile(r"-?[0-9]{1,40}(\.[0-9]{1,40})?", re.ASCII)
_HUGE = 10**40
# Wide enough for an 80-digit number minus a catalog bound (catalog amounts are bounded in size and scale).
_EXACT_DIGITS = 100


class JsonNumber(Decimal):
    """A number as a client's JSON wrote it with a fraction or an exponent, read exactly (never through a float):
    a number option takes it as it takes a decimal string; a quantity refuses it, as it refuses 3.0."""


def coerce(option: AnyOption, raw: Any) -> Any:
    """The catalog value a shopper's raw value stands for (ValueError saying why it is none of the option's)."""
    if raw is None:
        raise ValueError("no value given (null); leave the option out to keep it open")
    match option:
        case SingleOption():
            return value_id(option, raw)
        case BooleanOption():
            if isinstance(raw, bool):
                return raw
            if raw in ("true", "false"):
                return raw == "true"
            raise ValueError(f"{quoted(raw)} is not true or false")
        case MultiOption():
            if not isinstance(raw, (list, tuple, set, frozenset)) or len(raw) > len(option.values):
                raise ValueError(f"expected a list of at most {len(option.values)} of its values")
            return frozenset(value_id(option, item) for item in raw)
        case NumberOption():
            return _on_grid(_decimal(raw), option.min, option.max, option.step)
        case QuantityOption():
            catalog_value = isinstance(raw, Decimal) and not isinstance(raw, JsonNumber) and raw.is_finite()
            if catalog_value and raw == raw.to_integral_value():
                raw = int(raw)  # a catalog value (a default, a completion), never JSON
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError(f"{quoted(raw)} is not a whole number (a JSON integer)")
            return _on_grid(Decimal(raw), Decimal(option.min), Decimal(option.max), Decimal(option.step))
        case TextOption():
            return _text(option, raw)
        case _:
            assert_never(option)


def value_id(option: SingleOption | MultiOption, raw: Any) -> str:
    """One of a choice's value ids (ValueError otherwise)."""
    text = str(raw) if isinstance(raw, str) or (isinstance(raw, int) and not isinstance(raw, bool)) else None
    if text is None or text not in option.value_ids:
        raise ValueError(f"{quoted(raw)} is not one of {', '.join(value.id for value in option.values)}")
    return text


def _decimal(raw: Any) -> Decimal:
    """A JSON number (int or finite float) or a plain decimal string, such as "12.5", as an exact Decimal."""
    if isinstance(raw, bool):
        raise ValueError(f"{quoted(raw)} is not a number")
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
    raise ValueError(f"{quoted(raw)} is not a number")


def _on_grid(number: Decimal, low: Decimal, high: Decimal, step: Decimal) -> Decimal:
    """`number` if it is low + k * step within low..high, checked exactly (no rounding can make it fit)."""
    if not low <= number <= high:
        raise ValueError(f"{quoted(number)} is not in {low}..{high}")
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
        raise ValueError(f"{quoted(number)} is not in {low}..{high} in steps of {step}")
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


def quoted(raw: Any) -> str:
    """A shopper's value as JSON would write it, cut short (for messages)."""
    text = json.dumps(raw, default=str) if isinstance(raw, str | bool | int | float) else str(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def from_text(option: AnyOption, texts: list[str]) -> Any:
    """An option's raw value from its text form (a form's fields, the command line's OPTION=VALUE pairs), to be
    read by `coerce` like any shopper's value: a multi option's non-empty texts as a list (none: none of them), a
    quantity's digits as a whole number (as JSON would carry it), anything else its first text ("" for none)."""
    first = texts[0] if texts else ""
    match option:
        case MultiOption():
            return [text for text in texts if text]
        case QuantityOption():
            return int(first) if first.isascii() and first.isdigit() and len(first) < 10 else first
        case SingleOption() | BooleanOption() | NumberOption() | TextOption():
            return first
        case _:
            assert_never(option)


def expected_shape(option: AnyOption, raw: Any) -> str | None:
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


def needs_value(option: AnyOption) -> bool:
    """Whether a complete configuration must give this option a value (quantities and optional texts need not)."""
    match option:
        case TextOption():
            return option.required
        case QuantityOption():
            return False
        case SingleOption() | MultiOption() | BooleanOption() | NumberOption():
            return True
        case _:
            assert_never(option)


def free_values(option: AnyOption) -> tuple[Any, ...]:
    """The values of an option no rule constrains (it has no variable)."""
    match option:
        case NumberOption() | QuantityOption():
            return tuple(option.grid())
        case SingleOption() | MultiOption() | BooleanOption() | TextOption():
            return ()
        case _:
            assert_never(option)


def default_value(option: AnyOption) -> Any:
    """The value an option starts from: its default, else its values marked default (None where it has none)."""
    match option:
        case MultiOption():
            return option.default or [v.id for v in option.values if v.default]
        case SingleOption():
            marked = [v.id for v in option.values if v.default]
            return option.default if option.default is not None else (marked[0] if marked else None)
        case QuantityOption():
            return option.default if option.default is not None else option.min
        case NumberOption() | BooleanOption() | TextOption():
            return option.default
        case _:
            assert_never(option)


def price_spread(option: AnyOption, amounts: Mapping[str | bool, Decimal]) -> Decimal:
    """How far the option's own amounts can move a price: from its cheapest value to its dearest."""
    match option:
        case SingleOption():
            each = [amounts.get(value.id, Decimal(0)) for value in option.values]
            return max(each) - min(each)
        case MultiOption():
            each = [amounts.get(value.id, Decimal(0)) for value in option.values]
            return sum((a for a in each if a > 0), Decimal(0)) - sum((a for a in each if a < 0), Decimal(0))
        case BooleanOption() | TextOption():
            return abs(amounts.get(True, Decimal(0)))
        case NumberOption() | QuantityOption():
            return Decimal(0)  # numbers move the price through price rules, not amounts of their own
        case _:
            assert_never(option)


def value_label(option: AnyOption | None, value: Any) -> str:
    """A value of an option in words: a value's label (its id where it has none), several joined by commas, Yes or
    No, a number as written with its unit; NOTHING for no value; without an option, the value as written."""
    if value is None:
        return NOTHING
    match option:
        case SingleOption() | MultiOption():
            names = {v.id: v.label or v.id for v in option.values}
            chosen = sorted(value) if isinstance(value, frozenset | set) else value
            ids = [str(v) for v in chosen] if isinstance(chosen, list | tuple) else [str(chosen)]
            return ", ".join(names.get(v, v) for v in ids) or NOTHING
        case BooleanOption():
            return yes_no(value)
        case NumberOption():
            return f"{written(value)} {option.unit}" if option.unit else written(value)
        case QuantityOption():
            return written(value)
        case TextOption():
            return str(value)
        case None:
            return show_value(value)
        case _:
            assert_never(option)

"""Values as shoppers read them: the one wording of every option kind's values, used by every page, message and
command (a yes is "Yes" everywhere, a value is its label, a number carries its unit)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, assert_never

from catalog.schema import (
    AnyOption,
    BooleanOption,
    MultiOption,
    NumberOption,
    QuantityOption,
    SingleOption,
    TextOption,
)

YES = "Yes"
NO = "No"
NOTHING = "(none)"
# A yes/no option's two values: the catalog value, its id in forms and URLs, and its wording.
YES_NO: tuple[tuple[bool, str, str], ...] = ((True, "true", YES), (False, "false", NO))


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
            return _yes_no(value)
        case NumberOption():
            return f"{_number(value)} {option.unit}" if option.unit else _number(value)
        case QuantityOption():
            return _number(value)
        case TextOption():
            return str(value)
        case None:
            return show_value(value)
        case _:
            assert_never(option)


def show_value(value: Any) -> str:
    """A catalog value in words where its option is not at hand: Yes or No, [a, b] for several values."""
    if isinstance(value, frozenset | set):
        return "[" + ", ".join(sorted(map(str, value))) + "]"
    if isinstance(value, bool):
        return _yes_no(value)
    return _number(value) if isinstance(value, Decimal) else str(value)


def choice_phrase(label: str, value: Any) -> str:
    """A choice in words: the label alone for a yes, 'no label' for a no, else the label and the value."""
    if isinstance(value, bool):
        return label if value else f"no {label}"
    return f"{label} {show_value(value)}"


def _yes_no(value: Any) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    return {"true": YES, "false": NO}.get(str(value), str(value))


def _number(value: Any) -> str:
    """A number as written: integral decimals without a fraction."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)

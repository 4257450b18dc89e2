"""Each option kind's behaviour, in one place: one `match` per aspect, each ending in `assert_never`, so a new kind
fails strict mypy here and nowhere else. What the catalog checks of its fields, its type in expressions, how a
table cell or a price-list key names its values, how the engine represents it (`traits`), how a shopper's raw
value is read (`coerce`), where it starts, whether a complete configuration needs it, how far it moves a price,
its values in words, and the widget a form shows for it. The layers above ask these functions and dispatch on
what they return (a variable kind, a widget), never on the option's class."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, assert_never

from catalog.display import NOTHING, choice_phrase, show_value, written, yes_no
from catalog.errors import suggest
from catalog.patterns import compile_pattern, pattern_matches, pattern_words
from catalog.schema import (
    ABSENT,
    MAX_NUMBER_VALUES,
    AnyOption,
    BooleanOption,
    MultiOption,
    NumberOption,
    QuantityOption,
    SingleOption,
    TextOption,
    Value,
)
from catalog.values import JsonNumber, decimal_of, on_grid, quoted, text_of, typed_decimal, whole_of
from catalog.wording import N_, _

__all__ = ["JsonNumber", "quoted"]

Path = tuple[str | int, ...]
# The engine's kinds of variables (rules/tables.py's RefKind): "constant" for an option no rule mentions that
# needs no variable to be left open.
VariableKind = Literal["choice", "boolean", "number", "multi", "filled", "constant"]
ExpressionType = Literal["choice", "set", "bool", "number", "text"]
# The expression types of kinds that hold one value a shopper picks (not a set, not free text).
ONE_VALUE: frozenset[ExpressionType] = frozenset({"choice", "bool", "number"})


@dataclass(frozen=True)
class Traits:
    """What the layers above ask of a kind, stated once per kind."""

    expression: ExpressionType  # its type in rule expressions
    variables: VariableKind  # how the engine represents it where a rule mentions it
    declared: bool  # whether it has variables even where no rule mentions it
    in_tables: bool  # whether a table rule may have it as a column
    order_quantity: bool  # the number of units ordered: it multiplies the price, it is not a property of the product

    @property
    def many(self) -> bool:
        """Whether a value of it is a set of its values."""
        return self.expression == "set"


_CHOICE = Traits("choice", "choice", True, True, False)
_SET = Traits("set", "multi", True, False, False)
_FLAG = Traits("bool", "boolean", True, True, False)
_NUMBER = Traits("number", "number", True, True, False)
_UNITS = Traits("number", "number", False, True, True)
_TEXT = Traits("text", "filled", False, False, False)


def traits(option: AnyOption) -> Traits:
    """The kind's traits."""
    match option:
        case SingleOption():
            return _CHOICE
        case MultiOption():
            return _SET
        case BooleanOption():
            return _FLAG
        case NumberOption():
            return _NUMBER
        case QuantityOption():
            return _UNITS
        case TextOption():
            return _TEXT
        case _:
            assert_never(option)


def variable_kind(option: AnyOption, mentioned: bool) -> VariableKind:
    """How the engine represents the option: as its traits say, or a constant where it needs no variable."""
    kind = traits(option)
    return kind.variables if kind.declared or mentioned else "constant"


def count_limits(option: AnyOption) -> tuple[int, int] | None:
    """How few and how many values a set-valued option takes (None: a kind with one value at a time)."""
    match option:
        case MultiOption():
            return option.min, len(option.values) if option.max is None else option.max
        case SingleOption() | BooleanOption() | NumberOption() | QuantityOption() | TextOption():
            return None
        case _:
            assert_never(option)


def problems(option: AnyOption) -> list[tuple[Path, str]]:
    """What is wrong with the option's own fields, each at its path under the option."""
    match option:
        case SingleOption() | MultiOption():
            return _choice_problems(option)
        case NumberOption() | QuantityOption():
            return _range_problems(option)
        case TextOption():
            return _text_problems(option)
        case BooleanOption():
            return []
        case _:
            assert_never(option)


def _choice_problems(option: SingleOption | MultiOption) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    ids = [value.id for value in option.values]
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            found.append((("values", i, "id"), f"duplicate value id '{ident}'"))
        seen.add(ident)
    single = isinstance(option, SingleOption)
    defaults = [option.default] if isinstance(option, SingleOption) else list(option.default)
    for d, default in enumerate(defaults):
        if default is not None and default not in ids:
            found.append(((("default",) if single else ("default", d)),
                          f"default '{default}' is not a value of '{option.id}'{suggest(default, ids)}"))
    marked = [i for i, value in enumerate(option.values) if value.default]
    if isinstance(option, SingleOption) and len(marked) + (option.default is not None) > 1:
        found.append((("values", marked[-1], "default"), f"'{option.id}' has more than one default"))
    if isinstance(option, MultiOption):
        if option.max is not None and option.min > option.max:
            found.append((("min",), f"min ({option.min}) is greater than max ({option.max})"))
        elif option.min > len(option.values):
            found.append((("min",), f"min ({option.min}) is more than the {len(option.values)} values"))
    return found


def _range_problems(option: NumberOption | QuantityOption) -> list[tuple[Path, str]]:
    if option.min > option.max:
        return [(("min",), f"min ({option.min}) is greater than max ({option.max})")]
    if option.step <= 0:
        return [(("step",), "step must be positive")]
    if (Decimal(option.max) - Decimal(option.min)) / Decimal(option.step) >= MAX_NUMBER_VALUES:
        return [(("step",), f"'{option.id}' would have more than {MAX_NUMBER_VALUES} values; use a coarser step")]
    if option.default is not None and not cell_matches(option, option.default):
        return [(("default",), f"default {option.default} is outside {option.min}..{option.max} "
                               f"in steps of {option.step}")]
    return []


def _text_problems(option: TextOption) -> list[tuple[Path, str]]:
    if option.pattern is not None:
        try:
            compile_pattern(option.pattern)
        except ValueError as exc:
            return [(("pattern",), f"invalid pattern (RE2 syntax, matched in linear time): {exc}")]
    if len(option.default) > option.max_length:
        return [(("default",), f"default is longer than max_length ({option.max_length})")]
    if option.pattern is not None and option.default and not pattern_matches(option.pattern, option.default):
        return [(("default",), "default does not match the pattern")]
    return []


def own_words(option: AnyOption) -> dict[str, str | None]:
    """The kind's own shopper-facing fields, by name (a number's unit, a text's pattern hint): what a translation
    gives beside every option's label and description."""
    match option:
        case NumberOption():
            return {"unit": option.unit}
        case TextOption():
            return {"pattern_hint": option.pattern_hint}
        case SingleOption() | MultiOption() | BooleanOption() | QuantityOption():
            return {}
        case _:
            assert_never(option)


def listed_values(option: AnyOption) -> tuple[Value, ...]:
    """A choice's values (with their labels, prices, images); nothing for the other kinds."""
    match option:
        case SingleOption() | MultiOption():
            return tuple(option.values)
        case BooleanOption() | NumberOption() | QuantityOption() | TextOption():
            return ()
        case _:
            assert_never(option)


def domain_values(option: AnyOption) -> tuple[Any, ...]:
    """The values a variable of the option ranges over: value ids, the number grid, or no and yes."""
    match option:
        case SingleOption() | MultiOption():
            return tuple(value.id for value in option.values)
        case NumberOption() | QuantityOption():
            return tuple(option.grid())
        case BooleanOption() | TextOption():
            return (False, True)
        case _:
            assert_never(option)


def value_set(option: AnyOption) -> frozenset[Any]:
    """The values a table cell, a default or an answer may name (ids, Decimals), for fast membership tests."""
    match option:
        case SingleOption() | MultiOption():
            return option.value_ids
        case NumberOption() | QuantityOption():
            return frozenset(option.grid())
        case BooleanOption() | TextOption():
            return frozenset()
        case _:
            assert_never(option)


def cell_matches(option: AnyOption, cell: Any, values: frozenset[Any] | None = None) -> bool:
    """Whether a table cell or default is a value of the option (`values`: its value_set, if at hand)."""
    known = value_set(option) if values is None else values
    match option:
        case BooleanOption():
            return isinstance(cell, bool)
        case SingleOption() | MultiOption():
            return not isinstance(cell, bool) and str(cell) in known
        case NumberOption() | QuantityOption():
            return isinstance(cell, int | Decimal) and not isinstance(cell, bool) and Decimal(cell) in known
        case TextOption():
            return False  # a text is never a table cell or a listed value
        case _:
            assert_never(option)


def guess_value(cell: Any, option: AnyOption) -> str:
    """A did-you-mean suffix for a cell that is not one of a choice's value ids."""
    listed = [value.id for value in listed_values(option)]
    return suggest(cell, listed) if isinstance(cell, str) and listed else ""


def cell_from_text(cell: str, option: AnyOption) -> Any:
    """A CSV cell as the option's kind of value (left as text where it is not one: the check reports it)."""
    match option:
        case BooleanOption():
            return {"true": True, "false": False}.get(cell, cell)
        case NumberOption() | QuantityOption():
            try:
                return Decimal(cell)
            except InvalidOperation:
                return cell
        case SingleOption() | MultiOption() | TextOption():
            return cell
        case _:
            assert_never(option)


def option_amounts(option: AnyOption) -> list[tuple[str, str | bool, Decimal]]:
    """An option's own amounts: (price-list key, the value it is for, amount in the product's currency); the
    value is a value id for a choice, True for a chosen boolean or a filled text; numbers have none."""
    match option:
        case SingleOption() | MultiOption():
            return [(f"{option.id}.{value.id}", value.id, value.price) for value in option.values]
        case BooleanOption() | TextOption():
            return [(option.id, True, option.price)]
        case NumberOption() | QuantityOption():
            return []
        case _:
            assert_never(option)


def coerce(option: AnyOption, raw: Any) -> Any:
    """The catalog value a shopper's raw value stands for (ValueError saying why it is none of the option's)."""
    if raw is None:
        raise ValueError(_("no value given (null); leave the option out to keep it open"))
    match option:
        case SingleOption():
            return value_id(option, raw)
        case BooleanOption():
            if isinstance(raw, bool):
                return raw
            if raw in ("true", "false"):
                return raw == "true"
            raise ValueError(_("%(value)s is not true or false") % {"value": quoted(raw)})
        case MultiOption():
            if not isinstance(raw, (list, tuple, set, frozenset)) or len(raw) > len(option.values):
                count = {"count": len(option.values)}
                raise ValueError(_("expected a list of at most %(count)s of its values") % count)
            return frozenset(value_id(option, item) for item in raw)
        case NumberOption():
            return on_grid(decimal_of(raw), option.min, option.max, option.step)
        case QuantityOption():
            whole = Decimal(whole_of(raw))
            return on_grid(whole, Decimal(option.min), Decimal(option.max), Decimal(option.step))
        case TextOption():
            return text_of(raw, option.max_length, option.pattern, allowed_words(option))
        case _:
            assert_never(option)


def allowed_words(option: TextOption) -> str | None:
    """What a text option's pattern allows, in the shopper's words (None: it has no pattern, or none said)."""
    if option.pattern is None:
        return None
    return option.pattern_hint or pattern_words(option.pattern)


def value_id(option: AnyOption, raw: Any) -> str:
    """One of a choice's value ids (ValueError otherwise)."""
    text = str(raw) if isinstance(raw, str) or (isinstance(raw, int) and not isinstance(raw, bool)) else None
    listed = listed_values(option)
    if text is not None:
        for value in listed:
            if value.id == text:
                return text
    raise ValueError(_("%(value)s is not one of %(values)s") % {
        "value": quoted(raw), "values": ", ".join(value.id for value in listed)})


MAX_QUANTITY_DIGITS = 40  # a typed count read as a number (far out of range, and said so); longer, as text


def from_text(option: AnyOption, texts: list[str]) -> Any:
    """An option's raw value from its text form (a form's fields, the command line's OPTION=VALUE pairs), to be
    read by `coerce` like any shopper's value: a multi option's non-empty texts as a list (none: none of them), a
    quantity's digits as a whole number (as JSON would carry it), anything else its first text ("" for none)."""
    first = texts[0] if texts else ""
    match option:
        case MultiOption():
            return [text for text in texts if text]
        case QuantityOption():
            digits = first.removeprefix("-")  # a negative count is a whole number, out of range: said so
            whole = digits.isascii() and digits.isdigit() and len(digits) <= MAX_QUANTITY_DIGITS
            return int(first) if whole else first
        case NumberOption():
            return typed_decimal(first)
        case SingleOption() | BooleanOption() | TextOption():
            return first
        case _:
            assert_never(option)


def expected_shape(option: AnyOption, raw: Any) -> str | None:
    """The shape the option's values have, where `raw` does not have it (untranslated: say it with `_`); None where
    it does."""
    number = isinstance(raw, int | float | Decimal) and not isinstance(raw, bool)
    match option:
        case SingleOption():
            fits = isinstance(raw, str) or (isinstance(raw, int) and not isinstance(raw, bool))
            return None if fits else N_("a value id")
        case MultiOption():
            return None if isinstance(raw, list | tuple | set | frozenset) else N_("a list of value ids")
        case BooleanOption():
            return None if isinstance(raw, bool) or raw in ("true", "false") else N_("true or false")
        case NumberOption():
            return None if number or isinstance(raw, str) else N_("a number or a decimal string")
        case QuantityOption():
            return None if number else N_("a whole number")
        case TextOption():
            return None if isinstance(raw, str) else N_("text")
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
            return Decimal(option.default if option.default is not None else option.min)
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
        return _(NOTHING)
    match option:
        case SingleOption() | MultiOption():
            names = {v.id: v.label or v.id for v in option.values}
            chosen = sorted(value) if isinstance(value, frozenset | set) else value
            ids = [str(v) for v in chosen] if isinstance(chosen, list | tuple) else [str(chosen)]
            return ", ".join(names.get(v, v) for v in ids) or _(NOTHING)
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


def choice_words(option: AnyOption | None, value: Any, name: str = "") -> str:
    """A choice in words: the option's label alone for a yes, "no" and the label for a no, else the label and
    the value's own label ("Frame size Small (49 cm)"); `name` stands for an option that is not at hand."""
    label = (option.label or option.id) if option is not None else name
    if isinstance(value, bool):
        return choice_phrase(label, value)
    return f"{label} {value_label(option, value)}"


@dataclass(frozen=True)
class Choices:
    """Radio buttons (one value) or checkboxes (several)."""

    values: tuple[Value, ...]
    many: bool
    none_allowed: bool = False  # checkboxes of which none may be ticked ("None of these" is a choice)


@dataclass(frozen=True)
class YesNo:
    """A yes and a no."""


@dataclass(frozen=True)
class NumberField:
    """A number input on a grid."""

    low: Decimal
    high: Decimal
    step: Decimal
    unit: str


@dataclass(frozen=True)
class TextField:
    """A text input."""

    max_length: int
    pattern: str | None
    allowed: str | None  # what the pattern allows, in words


Widget = Choices | YesNo | NumberField | TextField


def widget(option: AnyOption) -> Widget:
    """The input a form shows for the option (a page's view and a settings card read it their own way)."""
    match option:
        case SingleOption() | MultiOption():
            many = isinstance(option, MultiOption)
            shown = tuple(value for value in option.values if value.id != ABSENT)  # an absent instance's: not offered
            return Choices(shown, many, many and (count_limits(option) or (1, 1))[0] == 0)
        case BooleanOption():
            return YesNo()
        case NumberOption():
            return NumberField(option.min, option.max, option.step, option.unit or "")
        case QuantityOption():
            return NumberField(Decimal(option.min), Decimal(option.max), Decimal(option.step), "")
        case TextOption():
            return TextField(option.max_length, option.pattern, allowed_words(option))
        case _:
            assert_never(option)


def absent_value(option: AnyOption) -> Any:
    """The one value the option takes in a component's instance that is not there (catalog/components.py)."""
    match option:
        case SingleOption():
            return ABSENT
        case BooleanOption():
            return False
        case NumberOption():
            return option.min
        case MultiOption():
            return frozenset()
        case TextOption():
            return ""
        case QuantityOption():  # refused in components by the checker: an order's quantity belongs to the product
            raise ValueError("a component has no quantity option")
        case _:
            assert_never(option)


def absent_capable(option: AnyOption) -> AnyOption:
    """The option as an instance that may be absent has it: its absent value one of its values, and limits that
    the absent value would break (a multi's minimum, a required text) left to a rule held while it is there."""
    match option:
        case SingleOption():
            return option.model_copy(update={"values": [*option.values, Value(id=ABSENT, label="—")]})
        case MultiOption():
            return option.model_copy(update={"min": 0})
        case TextOption():
            return option.model_copy(update={"required": False})
        case BooleanOption() | NumberOption() | QuantityOption():
            return option
        case _:
            assert_never(option)

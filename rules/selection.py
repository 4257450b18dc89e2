"""Shoppers' selections: parsed against a compiled model into fixed variable values, or violations."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from catalog.schema import (
    BooleanOption,
    MultiOption,
    NumberOption,
    QuantityOption,
    SingleOption,
    TextOption,
)
from rules.compile import CompiledModel


@dataclass(frozen=True)
class Violation:
    """Why a selection is not (or cannot become) a valid configuration."""

    message: str
    rule_id: str | None = None
    option: str | None = None


@dataclass
class Parsed:
    """A selection as engine variable values, with the catalog values and any problems found."""

    fixed: dict[int, int] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)


def parse_selection(model: CompiledModel, selections: Mapping[str, Any]) -> Parsed:
    """Check each selected value against its option and map it onto variables."""
    parsed = Parsed()
    for option_id, raw in selections.items():
        option = model.options.get(option_id)
        if option is None:
            parsed.violations.append(Violation(f"unknown option '{option_id}'", option=option_id))
            continue
        if raw is None:
            continue
        try:
            value = _coerce(option, raw)
        except ValueError as exc:
            parsed.violations.append(Violation(f"{option.label or option_id}: {exc}", option=option_id))
            continue
        parsed.values[option_id] = value
        variables = model.option_vars[option_id]
        if isinstance(option, MultiOption):
            for var in variables:
                parsed.fixed[var] = int(model.variables[var].member in value)
        elif variables:
            var = variables[0]
            key = bool(value) if isinstance(option, TextOption) else value
            parsed.fixed[var] = model.value_index[var][key]
    return parsed


def _coerce(option: Any, raw: Any) -> Any:
    if isinstance(option, SingleOption):
        text = str(raw) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
        ids = [v.id for v in option.values]
        if text not in ids:
            raise ValueError(f"{_show(raw)} is not one of {', '.join(ids)}")
        return text
    if isinstance(option, BooleanOption):
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "false"):
            return raw == "true"
        raise ValueError(f"{_show(raw)} is not true or false")
    if isinstance(option, MultiOption):
        if not isinstance(raw, (list, tuple, set, frozenset)):
            raise ValueError("expected a list of values")
        known = {v.id for v in option.values}
        chosen = frozenset(str(item) for item in raw)
        unknown = sorted(chosen - known)
        if unknown:
            raise ValueError(f"{', '.join(unknown)} not among the values")
        return chosen
    if isinstance(option, (NumberOption, QuantityOption)):
        number = _number(raw)
        low, high, step = Decimal(option.min), Decimal(option.max), Decimal(option.step)
        if not low <= number <= high or (number - low) % step != 0:
            raise ValueError(f"{_show(raw)} is not in {option.min}..{option.max} in steps of {option.step}")
        return number
    assert isinstance(option, TextOption)
    if not isinstance(raw, str):
        raise ValueError("expected text")
    if len(raw) > option.max_length:
        raise ValueError(f"at most {option.max_length} characters")
    if raw and option.pattern is not None and not re.fullmatch(option.pattern, raw):
        raise ValueError("contains characters that are not allowed")
    return raw


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError("expected a number")
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"{_show(raw)} is not a number") from None
    if not value.is_finite():
        raise ValueError("expected a finite number")
    return value


def _show(raw: Any) -> str:
    return f"'{raw}'" if isinstance(raw, str) else str(raw)

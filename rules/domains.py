"""The state of a selection: whether it is consistent and complete, and what each option can still take."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
from rules.compile import CompiledModel
from rules.selection import Parsed, Violation
from rules.tables import Array


@dataclass(frozen=True)
class OptionDomain:
    """The values of one option that still extend to a valid configuration."""

    option: str
    type: str
    values: tuple[Any, ...]  # multi: the values that can still be included
    excludable: tuple[Any, ...] = ()  # multi: the values that can still be left out
    selected: Any = None

    @property
    def low(self) -> Any:
        """The smallest possible value of a number option."""
        return min(self.values) if self.values else None

    @property
    def high(self) -> Any:
        """The largest possible value of a number option."""
        return max(self.values) if self.values else None


@dataclass(frozen=True)
class Domains:
    """The state of a selection: consistent, complete, and what each option may still take."""

    consistent: bool
    complete: bool
    domains: Mapping[str, OptionDomain]
    violations: tuple[Violation, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)  # the selection as catalog values


def option_domains(model: CompiledModel, parsed: Parsed, possible: Sequence[Array] | None) -> Domains:
    """The state of a parsed selection given each variable's possible values (None: no valid completion)."""
    domains = {option.id: option_domain(model, option, parsed, possible) for option in model.options.values()}
    complete = possible is not None and not missing(model, parsed.values)
    return Domains(possible is not None, complete, domains, tuple(parsed.violations), parsed.values)


def missing(model: CompiledModel, values: Mapping[str, Any]) -> list[AnyOption]:
    """The options a complete configuration needs that have no value yet, in step order."""
    return [option for option in model.options.values() if option.id not in values and needs_value(option)]


def option_domain(
    model: CompiledModel, option: AnyOption, parsed: Parsed, possible: Sequence[Array] | None
) -> OptionDomain:
    """What one option can still take, given each variable's possible values (None: nothing)."""
    variables = model.option_vars[option.id]
    selected = parsed.values.get(option.id)
    if possible is None:
        return OptionDomain(option.id, option.type, (), (), selected)
    match option:
        case MultiOption():
            include = tuple(model.variables[v].member for v in variables if possible[v][1])
            exclude = tuple(model.variables[v].member for v in variables if possible[v][0])
            return OptionDomain(option.id, option.type, include, exclude, selected)
        case TextOption():
            return OptionDomain(option.id, option.type, (), (), selected)
        case SingleOption() | BooleanOption() | NumberOption() | QuantityOption():
            if not variables:  # no rule mentions it: every value of its own stays possible
                return OptionDomain(option.id, option.type, _free_values(option), (), selected)
            var = variables[0]
            values = tuple(itertools.compress(model.variables[var].values, possible[var].tolist()))
            return OptionDomain(option.id, option.type, values, (), selected)
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


def _free_values(option: AnyOption) -> tuple[Any, ...]:
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

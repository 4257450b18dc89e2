"""The state of a selection: whether it is consistent and complete, and what each option can still take."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, assert_never

import numpy as np

from catalog.kinds import free_values, needs_value, traits
from catalog.schema import (
    AnyOption,
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
    many: bool = False  # a value of the option is a set of its values (`values` and `excludable` say which)

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
    if possible is None:
        domains = {option.id: option_domain(model, option, parsed, None) for option in model.options.values()}
    else:
        domains = _plan(model).domains(model, parsed, possible)  # memoised per value code
    plan = _plan(model)
    complete = possible is not None and plan.needed_ids <= parsed.values.keys()  # what missing() lists is empty
    return Domains(possible is not None, complete, domains, tuple(parsed.violations), parsed.values)


def missing(model: CompiledModel, values: Mapping[str, Any]) -> list[AnyOption]:
    """The options a complete configuration needs that have no value yet, in step order."""
    return [option for option in _plan(model).needed if option.id not in values]


class _Plan:
    """Per model, what option_domains repeats for every selection: the options a configuration needs, and the
    options over one variable of a few values, whose domain follows from a small code (bit k: value k possible)
    and is kept per code once made."""

    def __init__(self, model: CompiledModel) -> None:
        self.needed = tuple(option for option in model.options.values() if needs_value(option))
        sizes = [len(var.values) for var in model.variables]
        coded = [
            (option, variables[0])
            for option in model.options.values()
            if model.refs[option.id].kind in ("choice", "boolean", "number")
            and (variables := model.option_vars[option.id])
            and sizes[variables[0]] <= CODED_VALUES
        ]
        self.coded: tuple[AnyOption, ...] = tuple(option for option, _ in coded)
        self.coded_ids = [option.id for option in self.coded]
        coded_ids = set(self.coded_ids)
        self.rest = tuple(option for option in model.options.values() if option.id not in coded_ids)
        width = max((sizes[var] for _, var in coded), default=0)
        starts = np.cumsum([0, *sizes])
        # Each coded option's values in the flat array of all values; past its last value, a position always false.
        self.index = np.full((len(coded), width), starts[-1], dtype=np.int64)
        for row, (_, var) in enumerate(coded):
            self.index[row, : sizes[var]] = np.arange(starts[var], starts[var + 1])
        self.weights = 1 << np.arange(width, dtype=np.int64)
        self.made = np.full((len(coded), 1 << width), None, dtype=object)  # the domain per option and code
        self.filled = np.zeros(self.made.shape, dtype=bool)
        self.needed_ids = frozenset(option.id for option in self.needed)

    def domains(self, model: CompiledModel, parsed: Parsed, possible: Sequence[Array]) -> dict[str, OptionDomain]:
        """Every option's domain, in the model's order."""
        flat = np.concatenate([*possible, np.zeros(1, dtype=bool)])
        codes = flat[self.index].astype(np.int64) @ self.weights
        rows = np.arange(len(self.coded))
        found = self.made[rows, codes]
        for row in np.flatnonzero(~self.filled[rows, codes]).tolist():
            found[row] = self.made[row, codes[row]] = _domain(model, self.coded[row], None, possible)
            self.filled[row, codes[row]] = True
        out: dict[str, Any] = dict.fromkeys(model.options)
        out.update(zip(self.coded_ids, found.tolist()))
        out.update((option.id, option_domain(model, option, parsed, possible)) for option in self.rest)
        for option_id in parsed.values.keys() & out.keys():
            out[option_id] = option_domain(model, model.options[option_id], parsed, possible)
        return out


# Options over one variable of at most this many values have their domains kept by code (2 ** 8 codes at most).
CODED_VALUES = 8
_PLANS: weakref.WeakKeyDictionary[CompiledModel, _Plan] = weakref.WeakKeyDictionary()


def _plan(model: CompiledModel) -> _Plan:
    plan = _PLANS.get(model)
    if plan is None:
        plan = _PLANS[model] = _Plan(model)
    return plan


def option_domain(
    model: CompiledModel, option: AnyOption, parsed: Parsed, possible: Sequence[Array] | None
) -> OptionDomain:
    """What one option can still take, given each variable's possible values (None: nothing)."""
    return _domain(model, option, parsed.values.get(option.id), possible)


def _domain(model: CompiledModel, option: AnyOption, selected: Any, possible: Sequence[Array] | None) -> OptionDomain:
    """The option's values still possible, read off its variables by how it maps onto them (so an option type
    that declares existing kinds of variables needs nothing here)."""
    many = traits(option).many
    if possible is None:
        return OptionDomain(option.id, option.type, (), (), selected, many)
    ref = model.refs[option.id]
    match ref.kind:
        case "multi":
            members = (ref.members or {}).items()
            include = tuple(member for member, var in members if possible[var][1])
            exclude = tuple(member for member, var in members if possible[var][0])
            return OptionDomain(option.id, option.type, include, exclude, selected, many)
        case "filled":
            return OptionDomain(option.id, option.type, (), (), selected, many)
        case "choice" | "boolean" | "number":
            values = tuple(itertools.compress(model.variables[ref.var].values, possible[ref.var].tolist()))
            return OptionDomain(option.id, option.type, values, (), selected, many)
        case "constant":  # no rule mentions it: every value of its own stays possible
            return OptionDomain(option.id, option.type, free_values(option), (), selected, many)
        case _:
            assert_never(ref.kind)



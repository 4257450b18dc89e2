"""What stands in each value's way: the values each option could switch to, and for every other value the fewest
of the shopper's other choices that rule it out, from one least-changes pass (rules/changes.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, assert_never

import numpy as np

from catalog.schema import (
    AnyOption,
)
from rules.changes import LeastChanges
from rules.compile import CompiledModel
from rules.domains import OptionDomain, option_domains
from rules.selection import Parsed
from rules.tables import Array

# The other choices in a value's way, in selection order; None where the rules alone rule the value out.
InTheWay = tuple[str, ...] | None


@dataclass(frozen=True)
class Obstacles:
    """Per option, the values it could take with every other choice kept, and why each other value cannot."""

    alternatives: Mapping[str, OptionDomain]
    blocking: Mapping[tuple[str, Any], InTheWay]  # (option, value id or boolean) -> the choices in its way
    values: frozenset[tuple[str, Any]]  # every value picked one by one (choices, booleans, multi members)


# The valid domains with every fixed variable kept but these (a backend's domains call); None if nothing fits.
FreedDomains = Callable[[frozenset[int]], list[Array] | None]
# The least-changes pass with every fixed variable kept but these.
FreedChanges = Callable[[frozenset[int]], LeastChanges | None]


def obstacles_of(
    model: CompiledModel, parsed: Parsed, changes: LeastChanges, freed: FreedDomains, freed_changes: FreedChanges
) -> Obstacles:
    """Alternatives and blocking choices from a least-changes pass over the parsed selection."""
    order = {name: i for i, name in enumerate(parsed.values)}
    # Every variable's possible values, as long as its domain (a partial sum of a chain is never shown: none).
    possible: list[Array] = [np.zeros(len(var.values), dtype=bool) for var in model.variables]
    blocked: dict[tuple[str, Any], tuple[int, int, frozenset[int]]] = {}
    values = []
    for option in model.options.values():
        own = frozenset(model.option_vars[option.id])
        if len(own) > 1 and own & parsed.fixed.keys():
            # An option over several variables (a multi): the fewest frees for one of its values may include other
            # choices even where freeing its own variables alone would do (a tie, or a dearer own-only way), so
            # the pass cannot tell; the domains with its own choice freed can.
            without = freed(own)
            for var in own:
                possible[var] = without[var] if without is not None else np.zeros(len(changes.costs[var]), bool)
        else:
            for var in own:
                possible[var] = _switchable(changes, var, parsed.fixed.get(var))
        for key, var, index in _shown_values(model, option):
            values.append(key)
            if not possible[var][index]:
                blocked[key] = (var, index, own)
    domains = option_domains(model, parsed, possible).domains
    return Obstacles(domains, _Blocking(model, changes, freed_changes, blocked, order), frozenset(values))


class _Blocking(Mapping[tuple[str, Any], InTheWay]):
    """The choices in each blocked value's way, read off the least-changes pass when asked (a page asks for few)."""

    def __init__(
        self,
        model: CompiledModel,
        changes: LeastChanges,
        freed_changes: FreedChanges,
        blocked: Mapping[tuple[str, Any], tuple[int, int, frozenset[int]]],
        order: Mapping[str, int],
    ) -> None:
        self.model, self.changes, self.blocked, self.order = model, changes, blocked, order
        self.freed_changes = freed_changes
        self.without: dict[frozenset[int], LeastChanges | None] = {}  # per multi: the pass with its choice freed

    def __getitem__(self, key: tuple[str, Any]) -> InTheWay:
        var, index, own = self.blocked[key]
        changes: LeastChanges | None = self.changes
        if len(own) > 1:
            # A multi's own members change with the value ticked anyway: they must cost nothing, or freeing them
            # ties with freeing another choice and the tie may name that choice. A pass with them freed cannot.
            if own not in self.without:
                self.without[own] = self.freed_changes(own)
            changes = self.without[own]
        freed = None if changes is None else changes.freed(var, index)
        return None if freed is None else _options(self.model, freed, own, self.order)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self.blocked)

    def __len__(self) -> int:
        return len(self.blocked)


def _switchable(changes: LeastChanges, var: int, chosen: int | None) -> Array:
    """Which values of `var` need no change but to the option's own choice (a single variable's, or none)."""
    costs = changes.costs[var]
    # A single variable's own choice costs exactly one wherever the value differs from it.
    mine = np.zeros(len(costs), dtype=np.int64) if chosen is None else np.arange(len(costs)) != chosen
    switchable: Array = (costs >= 0) & (costs == mine)
    return switchable


def _shown_values(model: CompiledModel, option: AnyOption) -> list[tuple[tuple[str, Any], int, int]]:
    """The values a shopper picks one by one, as (key, variable, value index), by how the option maps onto
    variables: a choice's or a yes/no's values, a multi option's members; numbers and texts have none."""
    ref = model.refs[option.id]
    match ref.kind:
        case "choice" | "boolean":
            return [((option.id, value), ref.var, i) for i, value in enumerate(model.variables[ref.var].values)]
        case "multi":
            return [((option.id, member), var, 1) for member, var in (ref.members or {}).items()]
        case "number" | "filled" | "constant":
            return []
        case _:
            assert_never(ref.kind)


def _options(
    model: CompiledModel, freed: tuple[int, ...], own: frozenset[int], order: Mapping[str, int]
) -> InTheWay:
    names = {model.variables[var].option for var in freed if var not in own}
    return tuple(sorted(names, key=lambda name: order.get(name, len(order))))

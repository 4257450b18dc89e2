"""Backends: the join tree and incremental SAT behind one protocol, chosen once per compiled model.

Each answers, for fixed variable values, the valid domains, whether a completion exists, a completion leaning
towards preferred values, the exact count and the cheapest completion. The join tree answers all of them in time
linear in its size; SAT answers where the tree would be too large, with an exact model counter on its clauses.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Literal, Protocol

import numpy as np

from rules.changes import ChangeTree, LeastChanges
from rules.compile import CompiledModel
from rules.cost import Cost
from rules.counter import count_models
from rules.errors import EngineLimitError, TimeBudgetError
from rules.jointree import JoinTree
from rules.optimum import cheapest_assignment, cheapest_by_maxsat
from rules.sat import SatModel
from rules.tables import Array

BackendName = Literal["tree", "sat"]
Fixed = Mapping[int, int]
# Preferred value per variable, given the values fixed so far (conditional defaults depend on earlier values).
Prefer = Callable[[Fixed], Mapping[int, int]]


# How many preferred values a completion first tries together (the batch then doubles or halves).
COMPLETION_BATCH = 8


class Backend(Protocol):
    """What the engine asks of a backend; every method takes fixed variable values (variable -> value index)."""

    name: BackendName

    def domains(self, fixed: Fixed) -> list[Array] | None:
        """Per variable, which values still extend to a complete valid configuration; None if none does."""

    def check(self, fixed: Fixed) -> bool:
        """Whether some complete valid assignment extends `fixed` (cheaper than its domains)."""

    def complete(self, fixed: Fixed, prefer: Prefer, seconds: float | None = None) -> dict[int, int] | None:
        """A full valid assignment extending `fixed`, leaning towards preferred values; None if there is none;
        TimeBudgetError where it has not been found within `seconds`."""

    def count(self, fixed: Fixed, seconds: float | None = None) -> int:
        """The exact number of complete valid assignments extending `fixed`; CountTimeoutError if a method that
        can take long has not answered within `seconds`."""

    def cheapest(self, fixed: Fixed, cost: Cost) -> list[int] | None:
        """The cheapest full assignment extending `fixed` (price rules included where the method can hold them)."""

    def least_changes(self, fixed: Fixed) -> LeastChanges | None:
        """Per value of every variable, the fewest fixed variables to free for it, all in one pass; None where
        the backend has no such pass (callers then ask value by value)."""


class TreeBackend:
    """The join tree (bucket elimination): semi-join passes, exact counts and min-sum."""

    name: BackendName = "tree"

    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        self.tree = JoinTree(model)  # EngineLimitError where the tree would be too large

    def domains(self, fixed: Fixed) -> list[Array] | None:
        """Domains by one propagation over the tree."""
        alive = self.tree.propagate(fixed)
        return None if alive is None else self.tree.domains(alive)

    def check(self, fixed: Fixed) -> bool:
        """One propagation over the tree."""
        return self.tree.propagate(fixed) is not None

    def complete(self, fixed: Fixed, prefer: Prefer, seconds: float | None = None) -> dict[int, int] | None:
        """Variable by variable in model order: the preferred value where it is still possible, else the first.

        After a propagation every value left in a domain extends (the tree is globally consistent), so one
        variable never needs a second try; several preferred values are tried together, in a batch that doubles
        while they fit and halves when they do not, which gives exactly the one-by-one result: if the batch fits,
        each of its values was possible after the ones before it."""
        deadline = None if seconds is None else time.monotonic() + seconds
        chosen = dict(fixed)
        alive = self.tree.propagate(chosen)
        if alive is None:
            return None
        pending = [var for variables in self.model.option_vars.values() for var in variables if var not in chosen]
        batch = COMPLETION_BATCH
        while pending:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeBudgetError("completing the configuration", seconds or 0.0)
            possible = self.tree.domains(alive)
            tentative, taken = self._preferred_run(chosen, pending[:batch], possible, prefer)
            if taken > 1:
                tried = self.tree.propagate(tentative)
                if tried is not None:
                    chosen, alive, pending, batch = tentative, tried, pending[taken:], batch * 2
                    continue
                batch = taken // 2
                continue
            var = pending.pop(0)
            wanted = prefer(chosen).get(var)
            first = int(np.flatnonzero(possible[var])[0])
            chosen[var] = wanted if wanted is not None and possible[var][wanted] else first
            alive = self.tree.propagate(chosen)
            assert alive is not None, "a value from a valid domain always extends"
            batch = 2  # and grow again from there
        return chosen

    @staticmethod
    def _preferred_run(
        chosen: dict[int, int], variables: list[int], possible: list[Array], prefer: Prefer
    ) -> tuple[dict[int, int], int]:
        """The values the one-by-one completion would give `variables` if each were possible after the ones before
        it: the preferred value, else the first one possible. Where the whole run is possible, each of them is, and
        no earlier value possible alone was passed over (the domains only shrink), so it is the same completion."""
        tentative = dict(chosen)
        for var in variables:
            wanted = prefer(tentative).get(var)
            fits = wanted is not None and bool(possible[var][wanted])
            tentative[var] = wanted if wanted is not None and fits else int(np.flatnonzero(possible[var])[0])
        return tentative, len(variables)

    def count(self, fixed: Fixed, seconds: float | None = None) -> int:
        """Exact count by sum-product over the tree (linear in its size, so never cut short)."""
        return self.tree.count(fixed)

    def cheapest(self, fixed: Fixed, cost: Cost) -> list[int] | None:
        """Min-sum over a tree holding the price rules; by option prices alone where that tree is too large."""
        exact = cheapest_assignment(self.model, fixed, cost, self.tree)
        if exact is not None:
            return exact
        found = self.tree.cheapest(fixed, cost.value_costs(self.model))
        return None if found is None else found[0]

    def least_changes(self, fixed: Fixed) -> LeastChanges:
        """One two-way min-sum pass over the tree (rules/changes.py)."""
        return self._changes.least_changes(fixed)

    @functools.cached_property
    def _changes(self) -> ChangeTree:
        return ChangeTree(self.tree)


class SatBackend:
    """One incremental SAT solver with every rule on; its calls are serialised by a lock."""

    name: BackendName = "sat"

    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        self._sat: SatModel | None = None
        self._lock = threading.Lock()
        self._slices = value_slices(model)

    @property
    def sat(self) -> SatModel:
        """The solver, built on first use."""
        if self._sat is None:
            self._sat = SatModel(self.model, guarded=False)
        return self._sat

    def domains(self, fixed: Fixed) -> list[Array] | None:
        """Domains block by block (rules/blocks.py): a new choice recomputes the one block it falls in."""
        with self._lock:
            found = self.sat.fast_domains(fixed)
        return None if found is None else [found[part] for part in self._slices]

    def check(self, fixed: Fixed) -> bool:
        """One solver call."""
        with self._lock:
            return self.sat.solve(self.sat.choice_lits(fixed) + self.sat.all_rules)

    def complete(self, fixed: Fixed, prefer: Prefer, seconds: float | None = None) -> dict[int, int] | None:
        """One solver call, its phases set to the preferred values (interrupted at `seconds`)."""
        with self._lock:
            assignment = self.sat.complete(fixed, prefer(fixed), seconds)
        return None if assignment is None else dict(enumerate(assignment))

    def count(self, fixed: Fixed, seconds: float | None = None) -> int:
        """Exact count by an exact model counter on the model's clauses (rules/counter.py)."""
        with self._lock:
            return count_models(self.sat, fixed, seconds)

    def cheapest(self, fixed: Fixed, cost: Cost) -> list[int] | None:
        """MaxSAT with the price rules as soft clauses where it can hold them, else by option prices alone."""
        with self._lock:
            exact = cheapest_by_maxsat(self.model, self.sat, fixed, cost)
            if exact is not None:
                return exact
            return cheapest_by_maxsat(self.model, self.sat, fixed, cost, with_rules=False)

    def least_changes(self, fixed: Fixed) -> None:
        """None: on SAT, minimal corrections are found value by value (rules/explain.py)."""
        return None


def value_slices(model: CompiledModel) -> list[slice]:
    """Where each variable's values lie in a flat array over all values."""
    sizes = [len(v.values) for v in model.variables]
    ends = np.cumsum(sizes).tolist() if sizes else []
    return [slice(end - size, end) for size, end in zip(sizes, ends)]


def split(model: CompiledModel, flat: Array) -> list[Array]:
    """A flat array over all values, cut into one array per variable."""
    return [flat[part] for part in value_slices(model)]


def make_backend(model: CompiledModel, name: BackendName | None = None) -> Backend:
    """The join tree where the model's tree stays small, else SAT; `name` asks for one (tests compare them)."""
    if name == "sat":
        return SatBackend(model)
    if name == "tree":
        return TreeBackend(model)
    try:
        return TreeBackend(model)
    except EngineLimitError:
        return SatBackend(model)


def quick_count(model: CompiledModel) -> int | None:
    """The exact number of valid configurations where the join tree takes the model, with no solver call; None
    where it is too large (for checks that compare the counts of variants of a model: lint, revisions)."""
    try:
        return JoinTree(model).count({})
    except EngineLimitError:
        return None


def solutions(model: CompiledModel, limit: int) -> Iterator[list[int]]:
    """Complete valid assignments (value indices), by SAT enumeration, up to `limit` of them."""
    yield from SatModel(model, guarded=False).solutions({}, limit)


def sat_solver(backend: Backend, model: CompiledModel) -> SatModel:
    """The model as an incremental SAT solver: the backend's own where it is SAT (the bench's baseline method)."""
    return backend.sat if isinstance(backend, SatBackend) else SatModel(model, guarded=False)

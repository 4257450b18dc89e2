"""Clauses kept compact: every literal in one int32 array, with each clause's length.

As Python lists of lists, a large table model's clauses (BR4CP big: 1.3 M clauses, 4 M literals) took 238 MB, more
than the solver holding them; compact they take 21 MB. Lists are made a chunk at a time, only for a solver or a
counter to read.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
from pysat.solvers import Solver

from rules.errors import SolverBudgetError, TimeBudgetError
from rules.tables import Array

# Clauses gathered as lists before they are packed, and handed to a solver per call.
CHUNK = 65_536


class Clauses:
    """A growing set of clauses, packed into arrays as it grows."""

    def __init__(self, lits: Array | None = None, sizes: Array | None = None) -> None:
        self._pending: list[Sequence[int]] = []
        self._lits: list[Array] = [] if lits is None else [lits.astype(np.int32)]
        self._sizes: list[Array] = [] if sizes is None else [sizes.astype(np.int32)]

    def append(self, clause: Sequence[int]) -> None:
        """Add one clause."""
        self._pending.append(clause)
        if len(self._pending) >= CHUNK:
            self._pack()

    def extend(self, clauses: Iterable[Sequence[int]]) -> None:
        """Add clauses."""
        for clause in clauses:
            self.append(clause)

    def _pack(self) -> None:
        if not self._pending:
            return
        sizes = np.fromiter(map(len, self._pending), dtype=np.int32, count=len(self._pending))
        count = int(sizes.sum())
        self._lits.append(np.fromiter(itertools.chain.from_iterable(self._pending), dtype=np.int32, count=count))
        self._sizes.append(sizes)
        self._pending = []

    def arrays(self) -> tuple[Array, Array]:
        """Every literal in one array, and each clause's length."""
        self._pack()
        if len(self._lits) != 1:
            self._lits = [np.concatenate(self._lits) if self._lits else np.zeros(0, dtype=np.int32)]
            self._sizes = [np.concatenate(self._sizes) if self._sizes else np.zeros(0, dtype=np.int32)]
        return self._lits[0], self._sizes[0]

    def chunks(self) -> Iterator[list[list[int]]]:
        """The clauses as lists, a chunk at a time."""
        lits, sizes = self.arrays()
        ends = np.cumsum(sizes, dtype=np.int64)
        for first in range(0, len(sizes), CHUNK):
            last = min(first + CHUNK, len(sizes))
            start = int(ends[first - 1]) if first else 0
            flat = lits[start : int(ends[last - 1])].tolist() if last > first else []
            cuts = (ends[first:last] - start).tolist()
            yield [flat[a:b] for a, b in zip([0, *cuts], cuts)]

    def __iter__(self) -> Iterator[list[int]]:
        for chunk in self.chunks():
            yield from chunk

    def __len__(self) -> int:
        return len(self._pending) + sum(len(sizes) for sizes in self._sizes)


# Far more than any call on a configuration model needs (the industrial models in shared/ need a few thousand at
# most); a call past it is a pathological model (a pigeonhole, say), which stops here instead of never answering.
MAX_CONFLICTS = 100_000


def bounded_solve(
    solver: Solver, assumptions: Sequence[int], seconds: float | None = None, operation: str = "a solver call"
) -> bool:
    """Whether the assumptions are satisfiable: SolverBudgetError past MAX_CONFLICTS, and TimeBudgetError (naming
    the `operation`) where `seconds` pass first."""
    solver.conf_budget(MAX_CONFLICTS)
    if seconds is None:
        found = solver.solve_limited(assumptions=list(assumptions))
    else:
        fired = threading.Event()

        def interrupt() -> None:
            fired.set()
            solver.interrupt()

        timer = threading.Timer(seconds, interrupt)
        timer.start()
        try:
            found = solver.solve_limited(assumptions=list(assumptions), expect_interrupt=True)
        finally:
            timer.cancel()
            solver.clear_interrupt()
        if found is None and fired.is_set():
            raise TimeBudgetError(operation, seconds)
    if found is None:
        raise SolverBudgetError(MAX_CONFLICTS)
    return bool(found)


def solver_for(name: str, clauses: Clauses) -> Solver:
    """A solver holding the clauses, read a chunk at a time."""
    solver = Solver(name=name)
    for chunk in clauses.chunks():
        solver.append_formula(chunk)
    return solver


class SolverCell:
    """One solver over fixed clauses, built on first use and rebuilt on demand; whoever holds the cell shares it."""

    def __init__(self, name: str, clauses: Clauses) -> None:
        self.name = name
        self.clauses = clauses
        self._solver: Solver | None = None
        self.rebuilds = 0

    @property
    def solver(self) -> Solver:
        """The solver, built on first use."""
        if self._solver is None:
            self._solver = solver_for(self.name, self.clauses)
        return self._solver

    def rebuild(self) -> None:
        """Drop the solver and whatever was added to it; the next use builds it again from the clauses."""
        if self._solver is not None:
            self._solver.delete()
            self._solver = None
            self.rebuilds += 1

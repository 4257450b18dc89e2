"""The model as an incremental SAT problem (pysat): explanations, repairs, and the fallback for wide models.

Each variable is one-hot encoded; each table gets a selector literal, so a rule can be switched off by leaving its
selector unassumed: minimal conflicts over choices *and* rules come out of assumption-based solving.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence

from pysat.card import CardEnc, EncType
from pysat.formula import IDPool
from pysat.solvers import Solver

from rules.compile import CompiledModel

SOLVER = "g4"


class SatModel:
    """One incremental solver over the whole model, every rule guarded by its selector."""

    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        pool = IDPool()
        self.lits = [[pool.id(("x", v, i)) for i in range(len(var.values))] for v, var in enumerate(model.variables)]
        self.selectors = {rule: pool.id(("rule", rule)) for rule in {t.rule_id for t in model.tables}}
        clauses: list[list[int]] = []
        for lits in self.lits:
            clauses.append(lits)
            if len(lits) <= 6:
                clauses.extend([-a, -b] for a, b in itertools.combinations(lits, 2))
            else:
                clauses.extend(CardEnc.atmost(lits, 1, vpool=pool, encoding=EncType.ladder).clauses)
        for table in model.tables:
            guard = self.selectors[table.rule_id]
            rows = table.rows.tolist()
            tuples = [pool.id(("t", id(table), r)) for r in range(len(rows))]
            clauses.append([-guard, *tuples])
            supports: dict[tuple[int, int], list[int]] = {}
            for t, row in zip(tuples, rows):
                for var, value in zip(table.scope, row):
                    clauses.append([-t, self.lits[var][value]])
                    supports.setdefault((var, value), []).append(t)
            # Support clauses: a value is only possible with a tuple that has it (arc consistency by propagation).
            for var in table.scope:
                for value, lit in enumerate(self.lits[var]):
                    clauses.append([-guard, -lit, *supports.get((var, value), [])])
        self.solver = Solver(name=SOLVER, bootstrap_with=clauses)
        self.all_rules = list(self.selectors.values())

    def choice_lits(self, fixed: Mapping[int, int]) -> list[int]:
        """The literals of fixed variable values."""
        return [self.lits[var][value] for var, value in fixed.items()]

    def solve(self, assumptions: Iterable[int]) -> bool:
        """Whether the assumptions are satisfiable."""
        return bool(self.solver.solve(assumptions=list(assumptions)))

    def model_values(self) -> list[int]:
        """The value index of every variable in the last model."""
        model = self.solver.get_model() or []
        true = {lit for lit in model if lit > 0}
        return [next((i for i, lit in enumerate(lits) if lit in true), 0) for lits in self.lits]

    def domains(self, fixed: Mapping[int, int]) -> list[list[bool]] | None:
        """Valid domains by one SAT call per value not yet seen in a model (the straightforward method)."""
        base = self.choice_lits(fixed) + self.all_rules
        if not self.solve(base):
            return None
        possible = [[False] * len(lits) for lits in self.lits]
        self._mark(possible)
        for var, lits in enumerate(self.lits):
            for value, lit in enumerate(lits):
                if not possible[var][value] and self.solve([*base, lit]):
                    self._mark(possible)
        return possible

    def _mark(self, possible: list[list[bool]]) -> None:
        for var, value in enumerate(self.model_values()):
            possible[var][value] = True

    def complete(self, fixed: Mapping[int, int], preferred: Mapping[int, int]) -> list[int] | None:
        """A full assignment extending `fixed`, leaning towards `preferred` values."""
        self.solver.set_phases([self.lits[var][value] for var, value in preferred.items()])
        if not self.solve(self.choice_lits(fixed) + self.all_rules):
            return None
        return self.model_values()

    def conflict(self, elements: Sequence[int], background: Sequence[int]) -> list[int] | None:
        """A minimal subset of `elements` inconsistent with `background`, or None if all of them are consistent."""
        if self.solve([*background, *elements]):
            return None
        core = [lit for lit in (self.solver.get_core() or elements) if lit in set(elements)]
        index = 0
        while index < len(core):
            trial = core[:index] + core[index + 1 :]
            if self.solve([*background, *trial]):
                index += 1
            else:
                shrunk = set(self.solver.get_core() or trial)
                core = [lit for lit in trial if lit in shrunk]
        return core

    def correction(self, elements: Sequence[int], background: Sequence[int]) -> list[int] | None:
        """A smallest subset of `elements` to drop so the rest fits `background` (implicit hitting sets)."""
        if not self.solve(background):
            return None
        cores: list[set[int]] = []
        while True:
            drop = _minimum_hitting_set(cores)
            kept = [lit for lit in elements if lit not in drop]
            core = self.conflict(kept, background)
            if core is None:
                return [lit for lit in elements if lit in drop]
            cores.append(set(core))


def _minimum_hitting_set(cores: Sequence[set[int]]) -> set[int]:
    if not cores:
        return set()
    universe = sorted(set().union(*cores))
    for size in range(1, len(universe) + 1):
        for combo in itertools.combinations(universe, size):
            chosen = set(combo)
            if all(core & chosen for core in cores):
                return chosen
    return set(universe)

"""The model as an incremental SAT problem (pysat): explanations, repairs, and the fallback for wide models.

Each variable is one-hot encoded; each table gets a selector literal, so a rule can be switched off by leaving its
selector unassumed: minimal conflicts over choices *and* rules come out of assumption-based solving.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np
from pysat.card import CardEnc, EncType
from pysat.formula import IDPool
from pysat.solvers import Solver

from rules.blocks import Blocks
from rules.cnf import Clauses, SolverCell, bounded_solve, solver_for
from rules.compile import CompiledModel
from rules.formula import encode
from rules.tables import Array

SOLVER = "g4"
# Tables over at most this many combinations are encoded as clauses forbidding the missing ones.
DIRECT_GRID = 256


class SatModel:
    """One incremental solver over the whole model; if `guarded`, every rule is guarded by its selector."""

    def __init__(self, model: CompiledModel, guarded: bool = True) -> None:
        self.model = model
        pool = IDPool()
        # The value literals come first and in order, so literal k is flat value index k - 1.
        self.lits = [[pool.id(("x", v, i)) for i in range(len(var.values))] for v, var in enumerate(model.variables)]
        self.values = sum(len(lits) for lits in self.lits)
        self.var_of = np.repeat(np.arange(len(self.lits)), [len(lits) for lits in self.lits])
        rule_ids = [t.rule_id for t in model.tables] + [f.rule_id for f in model.formulas]
        self.selectors = {rule: pool.id(("rule", rule)) for rule in dict.fromkeys(rule_ids)} if guarded else {}
        self.guarded = guarded
        self.ids = pool
        self.clauses = self._clauses()  # kept (compact) for other solvers: making them again costs more
        self.model_top = pool.top  # every id the model's own clauses use is at most this
        self.cell = SolverCell(SOLVER, self.clauses)  # shared with the blocks where the model is one block
        self.all_rules = list(self.selectors.values())

    @property
    def solver(self) -> Solver:
        """The incremental solver over the whole model, built on first use."""
        return self.cell.solver

    @functools.cached_property
    def blocks(self) -> Blocks:
        """The model cut into independent blocks with their own solvers (rules/blocks.py)."""
        assert not self.guarded, "a rule switched off would join what the blocks keep apart"
        return Blocks(self.cell, self.values, self.var_of, self.model_top)

    def _clauses(self) -> Clauses:
        """The model's clauses."""
        model, pool, guarded = self.model, self.ids, self.guarded
        clauses = Clauses()
        for lits in self.lits:
            clauses.append(lits)
            if len(lits) <= 6:
                clauses.extend([-a, -b] for a, b in itertools.combinations(lits, 2))
            else:
                clauses.extend(CardEnc.atmost(lits, 1, vpool=pool, encoding=EncType.ladder).clauses)
        as_formula = {f.rule_id for f in model.formulas}
        for table in model.tables:
            if table.rule_id in as_formula and not table.link:
                continue
            guard = [-self.selectors[table.rule_id]] if guarded else []
            sizes = [len(self.lits[var]) for var in table.scope]
            if math.prod(sizes) <= DIRECT_GRID:
                # Small tables: one clause per forbidden combination, no auxiliary variables.
                allowed = np.zeros(math.prod(sizes), dtype=bool)
                if len(table.rows):
                    allowed[np.ravel_multi_index(table.rows.T, sizes)] = True
                for flat in np.flatnonzero(~allowed).tolist():
                    combo = np.unravel_index(flat, sizes)
                    clauses.append([*guard, *(-self.lits[var][int(i)] for var, i in zip(table.scope, combo))])
                continue
            rows = table.rows.tolist()
            tuples = [pool.id() for _ in rows]  # unnamed: a name per tuple took memory and was never looked up
            clauses.append([*guard, *tuples])
            supports: dict[tuple[int, int], list[int]] = {}
            for t, row in zip(tuples, rows):
                for var, value in zip(table.scope, row):
                    clauses.append([-t, self.lits[var][value]])
                    supports.setdefault((var, value), []).append(t)
            # Support clauses: a value is only possible with a tuple that has it (arc consistency by propagation).
            for var in table.scope:
                for value, lit in enumerate(self.lits[var]):
                    clauses.append([*guard, -lit, *supports.get((var, value), [])])
        for formula in model.formulas:
            root = encode(formula.node, self.lits, pool, clauses)
            clauses.append([-self.selectors[formula.rule_id], root] if guarded else [root])
        return clauses

    def fresh(self) -> int:
        """A new variable for clauses added later (such as choice guards)."""
        return int(self.ids.id())

    def choice_lits(self, fixed: Mapping[int, int]) -> list[int]:
        """The literals of fixed variable values."""
        return [self.lits[var][value] for var, value in fixed.items()]

    def solve(self, assumptions: Iterable[int]) -> bool:
        """Whether the assumptions are satisfiable (SolverBudgetError where the rules are too hard to tell)."""
        return bounded_solve(self.solver, list(assumptions))

    def _last_model(self) -> Array:
        """The value literals of the last model, as a flat boolean array over all values."""
        return np.fromiter(self.solver.get_model()[: self.values], dtype=np.int64, count=self.values) > 0

    def model_values(self) -> list[int]:
        """The value index of every variable in the last model."""
        return self._indices(np.flatnonzero(self._last_model()))

    def _indices(self, true: Array) -> list[int]:
        """The value index of every variable, from the flat indices of the value literals that are true."""
        index = {int(self.var_of[k]): int(k) - (self.lits[int(self.var_of[k])][0] - 1) for k in true}
        return [index.get(var, 0) for var in range(len(self.lits))]

    def solutions(self, fixed: Mapping[int, int], limit: int) -> Iterator[list[int]]:
        """Complete valid assignments extending `fixed` (a value index per variable), each once, up to `limit`: a
        solver of their own, every model found blocked on its value literals."""
        with solver_for(SOLVER, self.clauses) as solver:
            assumptions = self.choice_lits(fixed)
            for _ in range(limit):
                if not bounded_solve(solver, assumptions):
                    return
                found = solver.get_model()[: self.values]
                solver.add_clause([-lit for lit in found if lit > 0])
                yield self._indices(np.flatnonzero(np.asarray(found) > 0))

    def domains(self, fixed: Mapping[int, int]) -> Array | None:
        """Valid domains by one SAT call per value not yet seen in a model (the straightforward method)."""
        base = self.choice_lits(fixed) + self.all_rules
        if not self.solve(base):
            return None
        possible = np.zeros(self.values, dtype=bool)
        possible |= self._last_model()
        for k in range(self.values):
            if not possible[k] and self.solve([*base, k + 1]):
                possible |= self._last_model()
        return possible

    def fast_domains(self, fixed: Mapping[int, int]) -> Array | None:
        """Valid domains block by block: each block's own propagation, witnesses and covering calls."""
        return self.blocks.domains(self.choice_lits(fixed))

    def complete(
        self, fixed: Mapping[int, int], preferred: Mapping[int, int], seconds: float | None = None
    ) -> list[int] | None:
        """A full assignment extending `fixed`, leaning towards `preferred` values; TimeBudgetError where the solver
        has not answered within `seconds`."""
        self.solver.set_phases([self.lits[var][value] for var, value in preferred.items()])
        assumptions = self.choice_lits(fixed) + self.all_rules
        found = bounded_solve(self.solver, assumptions, seconds, "completing the configuration")
        return self.model_values() if found else None

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

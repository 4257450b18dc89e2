"""The model's clauses cut into independent blocks, each with its own solver: valid domains at scale.

Unit propagation at the root settles the literals every configuration shares; the clauses left often fall apart into
components that share no variable (a feature model's subtrees below its mandatory core, for instance). A value is
possible iff its component's clauses allow it together with the choices made *in that component*: models of
separate components combine into a model of the whole. So components are packed into blocks of a bounded size,
each with a small solver, a pool of witnesses and its recent domains. A new choice recomputes one block, and that
block's solver calls cost in proportion to the block rather than to the model.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence

import numpy as np
from pysat.solvers import Solver

from rules.cnf import Clauses, SolverCell, bounded_solve
from rules.tables import Array

# Components are packed into blocks of about this many solver variables: a block's calls cost in proportion to its
# size, and fewer, larger blocks cost less bookkeeping per step.
BLOCK_VARS = 2000
# Models kept per block as witnesses: a stored model that agrees with a later selection proves its values possible.
POOL_SIZE = 1024
# Recent domains kept per block: choices that add to one of them start from its domains (a further choice only
# takes values away), and the same choices asked again are answered at once.
RECENT_DOMAINS = 16
# Spent covering clauses (each with a trigger variable) kept before a block's solver is rebuilt without them, so
# that long sessions stay as fast and as small as short ones. A spent clause is satisfied for good, so what stays is
# one variable each: a rebuild costs about as much as a few dozen calls.
REBUILD_AFTER = 2000


class Block:
    """Components with their own incremental solver; local literal k + 1 is the block's value k."""

    def __init__(self, values: Array, owner: Array, cell: SolverCell, top: int) -> None:
        self.values = values  # flat (model-wide) index of each of the block's values
        self.owner = owner  # the block's own index of the variable each value belongs to (rivals share one)
        self.cell = cell  # the block's solver, or the whole model's where the model is one block
        self.top = top
        self.next_id = top
        self.witnesses = np.zeros((POOL_SIZE, len(values)), dtype=bool)
        self.stored = 0
        self.temporary = 0  # covering clauses added since the solver was built
        self.recent: collections.deque[tuple[frozenset[int], Array | None]] = collections.deque(maxlen=RECENT_DOMAINS)

    def domains(self, choices: frozenset[int]) -> Array | None:
        """Which of the block's values extend the choices (local literals); None if the choices do not."""
        best: Array | None = None
        for seen, found in self.recent:
            if not seen <= choices:
                continue
            if found is None or len(seen) == len(choices):
                return found  # choices adding to an inconsistent set are inconsistent
            if best is None or found.sum() < best.sum():
                best = found
        found = self._cover(sorted(choices), best)
        if found is not None:
            found.setflags(write=False)  # shared with later calls through the recent domains
        self.recent.append((choices, found))
        return found

    def _cover(self, choices: list[int], bound: Array | None) -> Array | None:
        """Unit propagation prunes, stored models witness, covering calls settle the rest; `bound`, the domains of
        a subset of these choices, is an upper bound: what it rules out needs no proof again."""
        if self.temporary >= REBUILD_AFTER:
            self.rebuild()
        size = len(self.values)
        ok, implied = self.solver.propagate(assumptions=choices)
        if not ok:
            return None
        candidates = np.ones(size, dtype=bool) if bound is None else bound.copy()
        dead = np.array([-lit - 1 for lit in implied or [] if lit < 0 and -lit <= size], dtype=np.int64)
        candidates[dead] = False
        possible = np.zeros(size, dtype=bool)
        pool = self.witnesses[: min(self.stored, POOL_SIZE)]
        agreeing = pool[:, np.array(choices, dtype=np.int64) - 1].all(axis=1)
        satisfiable = bool(agreeing.any())
        if satisfiable:
            possible |= pool[agreeing].any(axis=0)
        open_values = np.flatnonzero(candidates & ~possible)
        while len(open_values):
            # One call asks for a model with at least one value still unproven; leaning towards those values,
            # each model settles many at once. Unsatisfiable: none of them extends, and we are done.
            lits = (open_values + 1).tolist()
            self.next_id += 1
            trigger = self.next_id
            self.solver.add_clause([-trigger, *lits])
            self.solver.set_phases(lits + self._rival_phases(open_values))
            try:
                found = bounded_solve(self.solver, [*choices, trigger])
            finally:
                self.solver.add_clause([-trigger])  # the trigger retired even where the solver gave up
            self.temporary += 1
            if not found:
                break
            satisfiable = True
            possible |= self._witness()
            open_values = open_values[~possible[open_values]]
        if not satisfiable:  # no model seen yet: one plain call settles whether the choices extend at all
            if not bounded_solve(self.solver, choices):
                return None
            possible |= self._witness()
        return possible

    def _witness(self) -> Array:
        """The last model's values, kept in the pool."""
        size = len(self.values)
        model = np.fromiter(self.solver.get_model()[:size], dtype=np.int64, count=size) > 0
        self.witnesses[self.stored % POOL_SIZE] = model
        self.stored += 1
        return model

    def _rival_phases(self, open_values: Array) -> list[int]:
        """The other values of each variable with an unproven value, leaning false: one-hot literals are separate
        solver variables, and a rival's saved phase (true in the last model) would otherwise win the decision."""
        has_open = np.zeros(int(self.owner[-1]) + 1, dtype=bool)
        has_open[self.owner[open_values]] = True
        rivals = has_open[self.owner]
        rivals[open_values] = False
        return (-(np.flatnonzero(rivals) + 1)).tolist()

    @property
    def solver(self) -> Solver:
        """The block's solver."""
        return self.cell.solver

    def rebuild(self) -> None:
        """A new solver with the block's clauses alone: the covering calls' spent clauses and triggers dropped."""
        self.cell.rebuild()
        self.next_id = self.top
        self.temporary = 0


class Blocks:
    """The values settled at the root, and the blocks the rest of the clauses fall into."""

    def __init__(self, cell: SolverCell, values: int, var_of: Array, top: int) -> None:
        flat, sizes = cell.clauses.arrays()
        starts = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)[:-1])).astype(np.int64)
        root = _propagate(flat, starts, sizes, top)
        self.consistent = root is not None
        self.root = np.zeros(top + 1, dtype=np.int8) if root is None else root
        # Values true at the root are possible whatever is chosen, false ones never; open ones are settled by their
        # block, or by none if no clause left mentions them (then either way is fine).
        self.settled = self.root[1 : values + 1] >= 0
        self.blocks: list[Block] = []
        self.whole: Block | None = None  # the one block, where the clauses do not fall apart
        self.block_of = np.full(top + 1, -1, dtype=np.int64)
        self.local = np.zeros(top + 1, dtype=np.int64)
        if root is not None and len(sizes):
            self._split(flat, starts, sizes, values, var_of, cell)

    def _split(self, flat: Array, starts: Array, sizes: Array, values: int, var_of: Array, cell: SolverCell) -> None:
        """Label components and pack them into blocks; if there is more than one, renumber each block's variables
        and give it a solver of its own, else the one block is the whole model and shares its solver."""
        var = np.abs(flat)
        clause_of = np.repeat(np.arange(len(sizes)), sizes)
        lit = self.root[var] * np.sign(flat)
        live = ~np.logical_or.reduceat(lit > 0, starts)
        keep = (lit == 0) & live[clause_of]
        open_var, open_clause, open_sign = var[keep], clause_of[keep], np.sign(flat[keep])
        if not len(open_var):  # every clause satisfied at the root
            return
        label = _components(open_var, open_clause, len(self.root))
        used = np.unique(open_var)
        self.block_of[used] = _pack(label[used])
        if not self.block_of[used].any():
            self.block_of[used] = -1
            self.whole = Block(np.arange(values), np.asarray(var_of), cell, len(self.root) - 1)
            return
        # Within a block, value variables come first and in order, so local literal k + 1 is the block's value k.
        order = np.lexsort((used, used > values, self.block_of[used]))
        ranked = used[order]
        block_ids = self.block_of[ranked]
        self.local[ranked] = np.arange(len(ranked)) - np.searchsorted(block_ids, block_ids, side="left") + 1
        local_lits = (open_sign * self.local[open_var]).astype(np.int32)
        # Each live clause's open literals, grouped by block (every literal of a clause is in the clause's block).
        firsts = np.concatenate(([0], np.flatnonzero(np.diff(open_clause)) + 1))
        sizes = np.diff(np.append(firsts, len(open_var)))
        clause_block = self.block_of[open_var[firsts]]
        by_block = np.argsort(np.repeat(clause_block, sizes), kind="stable")
        clause_order = np.argsort(clause_block, kind="stable")
        blocks = int(block_ids[-1]) + 1
        lit_cuts = np.searchsorted(np.sort(np.repeat(clause_block, sizes)), np.arange(blocks + 1))
        clause_cuts = np.searchsorted(clause_block[clause_order], np.arange(blocks + 1))
        block_lits, block_sizes = local_lits[by_block], sizes[clause_order]
        member_cuts = np.searchsorted(block_ids, np.arange(blocks + 1))
        for block in range(blocks):
            members = ranked[member_cuts[block] : member_cuts[block + 1]]
            value_vars = members[members <= values]
            _, owner = np.unique(var_of[value_vars - 1], return_inverse=True)
            lits = block_lits[lit_cuts[block] : lit_cuts[block + 1]]
            counts = block_sizes[clause_cuts[block] : clause_cuts[block + 1]]
            own = SolverCell(cell.name, Clauses(lits, counts))
            self.blocks.append(Block(value_vars - 1, owner, own, len(members)))

    def all(self) -> list[Block]:
        """Every block."""
        return [self.whole] if self.whole is not None else list(self.blocks)

    def domains(self, choices: Sequence[int]) -> Array | None:
        """Which values extend the choices (value literals), as a flat array; None if the choices do not."""
        if not self.consistent:
            return None
        if self.whole is not None:  # numbered as the model: a choice's literal is its own
            return self.whole.domains(frozenset(choices))
        per_block: dict[int, list[int]] = {}
        for lit in choices:
            at_root = self.root[lit]
            if at_root < 0:
                return None
            if at_root == 0:
                per_block.setdefault(int(self.block_of[lit]), []).append(int(self.local[lit]))
        possible = self.settled.copy()
        for index, block in enumerate(self.blocks):
            found = block.domains(frozenset(per_block.get(index, ())))
            if found is None:
                return None
            possible[block.values] = found
        return possible


def _propagate(flat: Array, starts: Array, sizes: Array, top: int) -> Array | None:
    """Unit propagation at the root: +1 / -1 per variable settled, 0 if open; None if the clauses conflict."""
    value = np.zeros(top + 1, dtype=np.int8)
    if not len(sizes):
        return value
    if (sizes == 0).any():
        return None
    clause_of = np.repeat(np.arange(len(sizes)), sizes)
    var, sign = np.abs(flat), np.sign(flat).astype(np.int8)
    while True:
        lit = value[var] * sign
        satisfied = np.logical_or.reduceat(lit > 0, starts)
        unassigned = np.add.reduceat(lit == 0, starts)
        if (~satisfied & (unassigned == 0)).any():
            return None
        unit = ~satisfied & (unassigned == 1)
        if not unit.any():
            return value
        # Both polarities of one variable forced at once: one wins, and the next round finds a clause false.
        forced = flat[(lit == 0) & unit[clause_of]]
        value[np.abs(forced)] = np.sign(forced)


def _components(open_var: Array, open_clause: Array, size: int) -> Array:
    """A component label per variable: variables sharing a clause share a label (label spreading by minimum)."""
    same = open_clause[1:] == open_clause[:-1]
    left, right = open_var[:-1][same], open_var[1:][same]
    label = np.arange(size)
    while True:
        low = np.minimum(label[left], label[right])
        spread = label.copy()
        np.minimum.at(spread, left, low)
        np.minimum.at(spread, right, low)
        while True:  # pointer jumping: a label's own label is smaller still and in the same component
            jumped = spread[spread]
            if np.array_equal(jumped, spread):
                break
            spread = jumped
        if np.array_equal(spread, label):
            return label
        label = spread


def _pack(labels: Array) -> Array:
    """A block index per variable: whole components, packed in order into blocks of about BLOCK_VARS variables."""
    components, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    block_of_component = np.zeros(len(components), dtype=np.int64)
    block, filled = 0, 0
    for index, count in enumerate(counts.tolist()):
        if filled and filled + count > BLOCK_VARS:
            block, filled = block + 1, 0
        block_of_component[index] = block
        filled += count
    return block_of_component[inverse]

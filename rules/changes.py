"""Least changes: for every value of every variable, the fewest fixed values to give up for it to become possible.

One min-sum pass over the join tree answers every value at once. A row costs one for each fixed variable (counted
in that variable's home bag) whose value it does not take, and carries which ones as a bitset. Messages go both
ways, Shenoy-Shafer style (the message to a bag leaves out what that bag sent), so every bag ends up holding, per
row, the cheapest full solution through it. Bits of different bags' variables never overlap, so a message's bits
are removed by exclusive or. The cheapest row with a value gives that value's fewest changes and which they are: a
minimum set of choices in its way, the repair that makes it possible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rules.jointree import Groups, JoinTree
from rules.tables import Array

# A cost no solution reaches (costs count variables); sums of several stay far below 2**31.
INFINITE = 1 << 20
_ROW_BITS = np.int64(32)
_ROW_MASK = np.int64((1 << 32) - 1)


@dataclass(frozen=True)
class LeastChanges:
    """Per variable and value: the fewest fixed variables to free for it (-1: the rules alone forbid it)."""

    fixed: tuple[int, ...]  # the fixed variables, in the order of their bits
    costs: tuple[Array, ...]  # per variable: int64 per value
    bits: tuple[Array, ...]  # per variable: (words, values) uint64, which of `fixed` to free

    def freed(self, var: int, index: int) -> tuple[int, ...] | None:
        """The fixed variables to free so that `var` can take value `index`; None if nothing would do."""
        if self.costs[var][index] < 0:
            return None
        out = []
        for w, word in enumerate(self.bits[var][:, index].tolist()):
            while word:
                low = word & -word
                out.append(self.fixed[64 * w + low.bit_length() - 1])
                word ^= low
        return tuple(out)


def _best(groups: Groups, cost: Array, size: int) -> tuple[Array, Array]:
    """Per key in range(size): the least cost among its rows and one row that has it (INFINITE, 0 if none)."""
    if groups.dense and len(groups.keys) == size and size:
        found = np.minimum.reduceat((cost.take(groups.order) << _ROW_BITS) | groups.order, groups.starts)
        return found >> _ROW_BITS, found & _ROW_MASK
    least = np.full(size, INFINITE, dtype=np.int64)
    rows = np.zeros(size, dtype=np.int64)
    if len(groups.starts):
        found = np.minimum.reduceat((cost[groups.order] << _ROW_BITS) | groups.order, groups.starts)
        least[groups.keys] = found >> _ROW_BITS
        rows[groups.keys] = found & _ROW_MASK
    return least, rows


@dataclass(frozen=True)
class _Port:
    """A bag's rows grouped by one separator scope, shared by the children that join it on that scope.

    Bucket elimination hangs many children on one bag through the same few variables; grouping once per scope
    keeps each pass linear in the bag's rows rather than in its rows times its children.
    """

    groups: Groups  # the bag's rows by group (keys 0 .. size - 1)
    row_group: Array  # each row's group
    size: int
    children: tuple[tuple[int, Array], ...]  # each child, with its separator ids' groups (size where none)


def _ports(tree: JoinTree, b: int, children: Sequence[int]) -> tuple[_Port, ...]:
    bag = tree.bags[b]
    by_scope: dict[tuple[int, ...], list[int]] = {}
    for child in children:
        shared = tuple(c for c, var in enumerate(bag.vars) if var in tree.bags[child].vars)
        by_scope.setdefault(shared, []).append(child)
    ports = []
    for shared, members in by_scope.items():
        if bag.size and shared:
            stacked = np.stack([bag.columns[c] for c in shared], axis=1)
            _, row_group = np.unique(stacked, axis=0, return_inverse=True)
        else:
            row_group = np.zeros(bag.size, dtype=np.int64)
        row_group = row_group.reshape(-1).astype(np.int64)
        size = int(row_group.max()) + 1 if bag.size else 0
        linked = []
        for child in members:
            to_port = np.full(tree.bags[child].separators, size, dtype=np.int64)
            to_port[tree.bags[child].down_ids] = row_group
            linked.append((child, to_port))
        ports.append(_Port(Groups.of(row_group), row_group, size, tuple(linked)))
    return tuple(ports)


class ChangeTree:
    """The groupings of a join tree's rows that the least-changes pass needs, made once per tree."""

    def __init__(self, tree: JoinTree) -> None:
        self.tree = tree
        self.up = tree.groups  # a bag's rows by separator, to its parent
        self.values = [Groups.of(tree.bags[b].columns[c]) for b, c in tree.home]
        children: list[list[int]] = [[] for _ in tree.bags]
        for b, bag in enumerate(tree.bags):
            if bag.parent >= 0:
                children[bag.parent].append(b)
        self.ports = [_ports(tree, b, kids) for b, kids in enumerate(children)]
        self.root = list(range(len(tree.bags)))  # the root of each bag's tree (the model may be a forest)
        for b in reversed(tree.order):
            if tree.bags[b].parent >= 0:
                self.root[b] = self.root[tree.bags[b].parent]

    def least_changes(self, fixed: Mapping[int, int]) -> LeastChanges:
        """Every variable's values with the fewest fixed variables to free for each, in one two-way pass."""
        run = _Pass(self, fixed)
        for b in self.tree.order:
            run.gather(b)
        for b in reversed(self.tree.order):
            run.scatter(b)
        # Separate trees are independent: each value also pays for the cheapest solution of every other tree.
        roots = {r: _cheapest(run.cost[r], run.bits[r]) for r in set(self.root)}
        total = sum(cost for cost, _ in roots.values())
        words = max(1, -(-len(run.chosen) // 64))
        every = np.zeros(words, dtype=np.uint64)  # a model with no variables has no trees at all
        for _, bits in roots.values():
            every ^= bits
        costs, freed = [], []
        for var, (b, _) in enumerate(self.tree.home):
            least, rows = _best(self.values[var], run.cost[b], self.tree.sizes[var])
            mine_cost, mine_bits = roots[self.root[b]]
            least = least + (total - mine_cost)
            costs.append(np.where(least >= INFINITE, -1, least))
            freed.append(_take(run.bits[b], rows) | (every ^ mine_bits)[:, None])
        return LeastChanges(run.chosen, tuple(costs), tuple(freed))


def _take(bits: Array, rows: Array) -> Array:
    """The bits of the given rows (none where the bag is empty: a model with no solution)."""
    return bits.take(rows, axis=1) if bits.shape[1] else np.zeros((bits.shape[0], len(rows)), dtype=np.uint64)


def _cheapest(cost: Array, bits: Array) -> tuple[int, Array]:
    """The least cost of a root's rows and that row's bits."""
    if len(cost) == 0:
        return INFINITE, np.zeros(bits.shape[0], dtype=np.uint64)
    row = int(np.argmin(cost))
    return int(cost[row]), bits[:, row]


class _Pass:
    """One least-changes pass: per row of every bag, the cheapest solution through it and the bits it frees."""

    def __init__(self, changes: ChangeTree, fixed: Mapping[int, int]) -> None:
        self.changes, self.tree = changes, changes.tree
        self.chosen = tuple(sorted(fixed))
        words = max(1, -(-len(self.chosen) // 64))
        self.cost = [np.zeros(bag.size, dtype=np.int64) for bag in self.tree.bags]
        self.bits = [np.zeros((words, bag.size), dtype=np.uint64) for bag in self.tree.bags]
        for i, var in enumerate(self.chosen):
            b, c = self.tree.home[var]
            differs = self.tree.bags[b].columns[c] != fixed[var]
            self.cost[b] += differs
            self.bits[b][i // 64] |= differs.astype(np.uint64) << np.uint64(i % 64)
        self.sent: dict[int, tuple[Array, Array]] = {}  # each bag's message to its parent: cost and bits

    def gather(self, b: int) -> None:
        """Add the children's messages to the bag's rows, then send its own up (children come first)."""
        cost, bits = self.cost[b], self.bits[b]
        for port in self.changes.ports[b]:
            if len(port.children) == 1:  # most ports: the child's message read straight through its separator
                child = port.children[0][0]
                down = self.tree.bags[child].down_ids
                cost += self.sent[child][0].take(down)
                bits |= self.sent[child][1].take(down, axis=1)
                continue
            least = np.zeros(port.size + 1, dtype=np.int64)
            freed = np.zeros((bits.shape[0], port.size + 1), dtype=np.uint64)
            for child, to_port in port.children:
                least[to_port] += self.sent[child][0]
                freed[:, to_port] |= self.sent[child][1]
            cost += least.take(port.row_group)
            bits |= freed.take(port.row_group, axis=1)
        bag = self.tree.bags[b]
        if bag.parent >= 0:
            least, rows = _best(self.changes.up[b], cost, bag.separators)
            self.sent[b] = (least, _take(bits, rows))

    def scatter(self, b: int) -> None:
        """Send each child the cheapest solutions of everything but its own subtree (the bag is complete)."""
        cost, bits = self.cost[b], self.bits[b]
        for port in self.changes.ports[b]:
            least, rows = _best(port.groups, cost, port.size)
            least = np.append(least, INFINITE)
            freed = np.concatenate([_take(bits, rows), np.zeros((bits.shape[0], 1), dtype=np.uint64)], axis=1)
            for child, to_port in port.children:
                up_least, up_bits = self.sent[child]
                up_ids = self.tree.bags[child].up_ids
                self.cost[child] += (least.take(to_port) - up_least).take(up_ids)
                self.bits[child] |= (freed.take(to_port, axis=1) ^ up_bits).take(up_ids, axis=1)

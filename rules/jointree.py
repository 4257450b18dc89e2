"""Tree clustering: the model compiled into a join tree of bag relations, reduced by semi-join message passing.

After the two passes every bag holds exactly the projection of the solutions that extend the current choices, so
valid domains are sound and complete (backtrack-free), and solutions can be counted exactly by sum-product.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rules.compile import CompiledModel
from rules.errors import EngineLimitError
from rules.tables import Array

MAX_BAG_ROWS = 2_000_000
MAX_TOTAL_ROWS = 8_000_000
MAX_WIDTH = 24


@dataclass
class _Relation:
    vars: list[int]
    rows: Array  # (n, len(vars)) int32


@dataclass(frozen=True, eq=False)
class Bag:
    """One cluster of the tree: its variables, its rows, and how it joins its parent."""

    vars: tuple[int, ...]
    columns: tuple[Array, ...]  # one int32 array of value indices per variable
    size: int
    parent: int  # -1 for a root
    up_ids: Array  # dense separator id of each row, towards the parent
    down_ids: Array  # dense separator id of each parent row
    separators: int  # how many distinct separator ids


class JoinTree:
    """A compiled join tree over a model's variables."""

    def __init__(self, model: CompiledModel) -> None:
        if any(not f.tabulated for f in model.formulas):
            raise EngineLimitError("rules kept as formulas are solved with SAT, not in a join tree")
        self.sizes = [len(v.values) for v in model.variables]
        relations, parents = _buckets(model, self.sizes)
        if sum(len(r.rows) for r in relations) > MAX_TOTAL_ROWS:
            raise EngineLimitError("the join tree would hold too many rows")
        self.order = _postorder(parents)
        self.bags = _link(relations, parents, self.sizes)
        self.home = _homes(self.bags, len(self.sizes))
        # Remove rows that take part in no solution at all, once, so every later step works on less.
        alive = self._reduce(self._masks({}))
        if alive is not None:
            keep = [np.flatnonzero(mask) for mask in alive]
            relations = [_Relation(r.vars, r.rows[k]) for r, k in zip(relations, keep)]
            self.bags = _link(relations, parents, self.sizes)
            self.home = _homes(self.bags, len(self.sizes))

    def _masks(self, fixed: Mapping[int, int]) -> list[Array]:
        # Restricting each variable in one bag is enough: the two passes carry it to every other bag.
        masks = [np.ones(bag.size, dtype=bool) for bag in self.bags]
        for var, value in fixed.items():
            b, c = self.home[var]
            masks[b] &= self.bags[b].columns[c] == value
        return masks

    def _reduce(self, alive: list[Array]) -> list[Array] | None:
        bags = self.bags
        for b in self.order:
            bag = bags[b]
            if bag.parent < 0:
                if not alive[b].any():
                    return None
                continue
            message = np.zeros(bag.separators, dtype=bool)
            message[bag.up_ids[alive[b]]] = True
            alive[bag.parent] &= message[bag.down_ids]
        for b in reversed(self.order):
            bag = bags[b]
            if bag.parent < 0:
                continue
            message = np.zeros(bag.separators, dtype=bool)
            message[bag.down_ids[alive[bag.parent]]] = True
            alive[b] &= message[bag.up_ids]
        return alive

    def propagate(self, fixed: Mapping[int, int]) -> list[Array] | None:
        """Rows of each bag that extend to a solution with the fixed values, or None if there is none."""
        return self._reduce(self._masks(fixed))

    def domains(self, alive: Sequence[Array]) -> list[Array]:
        """For each variable, a boolean array over its values: still possible or not."""
        out = []
        for var, (b, c) in enumerate(self.home):
            possible = np.zeros(self.sizes[var], dtype=bool)
            possible[self.bags[b].columns[c][alive[b]]] = True
            out.append(possible)
        return out

    def count(self, fixed: Mapping[int, int]) -> int:
        """The exact number of solutions extending the fixed values."""
        alive = self._masks(fixed)
        weights: list[Array] = [np.where(mask, 1, 0).astype(object) for mask in alive]
        total = 1
        for b in self.order:
            bag = self.bags[b]
            if bag.parent < 0:
                total *= int(weights[b].sum())
                continue
            sums = np.zeros(bag.separators, dtype=object)
            np.add.at(sums, bag.up_ids, weights[b])
            weights[bag.parent] = weights[bag.parent] * sums[bag.down_ids]
        return total

    def cheapest(
        self, fixed: Mapping[int, int], costs: Sequence[Array], row_costs: Mapping[int, Array] | None = None
    ) -> tuple[list[int], float] | None:
        """A solution extending `fixed` with the least total cost, and that cost (min-sum over the tree).

        `costs` gives each variable a cost per value; `row_costs` adds a cost per row of some bags, for terms over
        several variables (infinite where a row is not wanted). A fixed value is an infinite cost on the other rows
        of its home bag: min-sum carries it everywhere, so no propagation comes first.
        """
        totals = [np.zeros(bag.size) for bag in self.bags]
        for var, (b, c) in enumerate(self.home):
            column = self.bags[b].columns[c]
            totals[b] += costs[var].take(column)
            if var in fixed:
                totals[b][column != fixed[var]] = np.inf
        for b, extra in (row_costs or {}).items():
            totals[b] += extra
        for b in self.order:
            bag = self.bags[b]
            if bag.parent >= 0:
                totals[bag.parent] += self.groups[b].least(totals[b], bag.separators).take(bag.down_ids)
        chosen = [-1] * len(self.bags)
        value = 0.0
        for b in reversed(self.order):
            bag = self.bags[b]
            rows = np.arange(bag.size) if bag.parent < 0 else self.groups[b].rows(bag.down_ids[chosen[bag.parent]])
            if not len(rows):
                return None
            chosen[b] = int(rows[np.argmin(totals[b][rows])])
            if bag.parent < 0:
                value += float(totals[b][chosen[b]])
        if not np.isfinite(value):
            return None
        return [int(self.bags[b].columns[c][chosen[b]]) for b, c in self.home], value

    @functools.cached_property
    def groups(self) -> list[Groups]:
        """Each bag's rows grouped by their separator towards the parent."""
        return [Groups.of(bag.up_ids) for bag in self.bags]


@dataclass(frozen=True)
class Groups:
    """Rows of one bag grouped by a key that never changes: rows in key order, where each group starts, its key."""

    order: Array
    starts: Array
    keys: Array
    dense: bool  # the keys are exactly range(len(keys))

    @classmethod
    def of(cls, ids: Array) -> Groups:
        """The grouping of rows by `ids`."""
        order = np.argsort(ids, kind="stable")
        ordered = ids[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ids) else np.zeros(0, np.int64)
        keys = ordered[starts]
        return cls(order, starts, keys, bool(len(keys) == 0 or keys[-1] == len(keys) - 1))

    def least(self, values: Array, size: int) -> Array:
        """Per key in range(size), the least of its rows' values (infinite where it has none)."""
        found = np.minimum.reduceat(values.take(self.order), self.starts) if len(self.starts) else values[:0]
        if self.dense and len(self.keys) == size:
            return found
        out = np.full(size, np.inf)
        out[self.keys] = found
        return out

    def rows(self, key: int) -> Array:
        """The rows with this key."""
        at = int(np.searchsorted(self.keys, key))
        if at == len(self.keys) or self.keys[at] != key:
            return self.order[:0]
        end = self.starts[at + 1] if at + 1 < len(self.starts) else len(self.order)
        return self.order[self.starts[at] : end]


def _homes(bags: Sequence[Bag], count: int) -> list[tuple[int, int]]:
    """For each variable, the smallest bag holding it, and its column there."""
    best: list[tuple[int, int, int]] = [(-1, -1, -1)] * count
    for b, bag in enumerate(bags):
        for c, var in enumerate(bag.vars):
            if best[var][0] < 0 or bag.size < best[var][2]:
                best[var] = (b, c, bag.size)
    return [(b, c) for b, c, _ in best]


def _elimination_order(count: int, scopes: Sequence[tuple[int, ...]]) -> list[int]:
    """A min-fill elimination order of the primal graph."""
    graph: list[set[int]] = [set() for _ in range(count)]
    for scope in scopes:
        for a in scope:
            graph[a].update(scope)
            graph[a].discard(a)
    remaining = set(range(count))
    order: list[int] = []

    def fill(v: int) -> int:
        around = list(graph[v])
        return sum(1 for i, a in enumerate(around) for b in around[i + 1 :] if b not in graph[a])

    while remaining:
        v = min(remaining, key=lambda x: (fill(x), len(graph[x]), x))
        around = graph[v]
        if len(around) > MAX_WIDTH:
            raise EngineLimitError("the model's constraint graph is too wide for a join tree")
        for a in around:
            graph[a].update(around)
            graph[a].discard(a)
            graph[a].discard(v)
        remaining.discard(v)
        order.append(v)
    return order


def _buckets(model: CompiledModel, sizes: Sequence[int]) -> tuple[list[_Relation], list[int]]:
    """Bucket elimination: each variable's bucket joins its tables and its children's messages.

    A message is the projection of a bucket's relation without the eliminated variable: an implied constraint, so
    the buckets form a join tree whose relations are already consistent with everything below them.
    """
    order = _elimination_order(len(sizes), [t.scope for t in model.tables])
    position = {v: i for i, v in enumerate(order)}
    pending: list[list[_Relation]] = [[] for _ in sizes]
    children: list[list[int]] = [[] for _ in sizes]
    for table in model.tables:
        if table.scope:
            first = min(table.scope, key=position.__getitem__)
            pending[first].append(_Relation(list(table.scope), table.rows))
    relations: dict[int, _Relation] = {}
    parent_var: dict[int, int] = {}
    for v in order:
        current = _join_all(pending[v], sizes)
        if current is None or v not in current.vars:
            domain = _Relation([v], np.arange(sizes[v], dtype=np.int32).reshape(-1, 1))
            current = domain if current is None else _join(current, domain, sizes)
        relations[v] = current
        rest = [u for u in current.vars if u != v]
        if rest:
            target = min(rest, key=position.__getitem__)
            pending[target].append(_project(current, rest, sizes))
            parent_var[v] = target
            children[target].append(v)
    index = {v: i for i, v in enumerate(order)}
    bags = [relations[v] for v in order]
    parents = [index[parent_var[v]] if v in parent_var else -1 for v in order]
    return bags, parents


def _join_all(relations: list[_Relation], sizes: Sequence[int]) -> _Relation | None:
    """Join relations greedily: filters first, then the join sharing the most variables, smallest first."""
    candidates = sorted(relations, key=lambda r: len(r.rows))
    if not candidates:
        return None
    current = candidates.pop(0)
    while candidates:
        have = set(current.vars)
        best = min(
            range(len(candidates)),
            key=lambda i: (
                not set(candidates[i].vars) <= have,
                -len(have & set(candidates[i].vars)),
                len(candidates[i].rows),
            ),
        )
        current = _join(current, candidates.pop(best), sizes)
    return current


def _postorder(parents: Sequence[int]) -> list[int]:
    children: list[list[int]] = [[] for _ in parents]
    roots: list[int] = []
    for b, p in enumerate(parents):
        (children[p] if p >= 0 else roots).append(b)
    order: list[int] = []
    stack = [(r, False) for r in roots]
    while stack:
        b, done = stack.pop()
        if done:
            order.append(b)
            continue
        stack.append((b, True))
        stack.extend((c, False) for c in children[b])
    return order


def _keys(rows: Array, columns: Sequence[int], sizes: Sequence[int]) -> Array:
    """One int64 key per row for the values in `columns` (mixed radix)."""
    key = np.zeros(len(rows), dtype=np.int64)
    for column, size in zip(columns, sizes):
        key = key * size + rows[:, column]
    return key


def _join(left: _Relation, right: _Relation, sizes: Sequence[int]) -> _Relation:
    common = [v for v in left.vars if v in right.vars]
    lk = _keys(left.rows, [left.vars.index(v) for v in common], [sizes[v] for v in common])
    rk = _keys(right.rows, [right.vars.index(v) for v in common], [sizes[v] for v in common])
    extra = [i for i, v in enumerate(right.vars) if v not in left.vars]
    if not extra:
        return _Relation(left.vars, left.rows[np.isin(lk, rk)])
    order = np.argsort(rk, kind="stable")
    rk, rrows = rk[order], right.rows[order]
    low, high = np.searchsorted(rk, lk, "left"), np.searchsorted(rk, lk, "right")
    counts = high - low
    total = int(counts.sum())
    if total > MAX_BAG_ROWS:
        raise EngineLimitError("a join tree bag would hold too many rows")
    left_index = np.repeat(np.arange(len(lk)), counts)
    right_index = np.repeat(low - np.cumsum(counts) + counts, counts) + np.arange(total)
    rows = np.concatenate([left.rows[left_index], rrows[right_index][:, extra]], axis=1)
    return _Relation(left.vars + [right.vars[i] for i in extra], rows.astype(np.int32, copy=False))


def _project(relation: _Relation, keep: Sequence[int], sizes: Sequence[int]) -> _Relation:
    columns = [relation.vars.index(v) for v in keep]
    radix = [sizes[v] for v in keep]
    if math.prod(radix) >= 2**62:
        return _Relation(list(keep), np.unique(relation.rows[:, columns], axis=0))
    # Sorting int64 keys is far faster than numpy's row-wise unique.
    keys = np.unique(_keys(relation.rows, columns, radix))
    rows = np.stack(np.unravel_index(keys, radix), axis=1).astype(np.int32)
    return _Relation(list(keep), rows.reshape(len(keys), len(keep)))


def _link(relations: Sequence[_Relation], parents: Sequence[int], sizes: Sequence[int]) -> list[Bag]:
    """Bags with the dense separator ids that connect each to its parent."""
    bags = []
    for b, relation in enumerate(relations):
        p = parents[b]
        columns = tuple(np.ascontiguousarray(relation.rows[:, c]) for c in range(len(relation.vars)))
        if p < 0:
            empty = np.zeros(0, dtype=np.int64)
            bags.append(Bag(tuple(relation.vars), columns, len(relation.rows), -1, empty, empty, 0))
            continue
        parent = relations[p]
        shared = [v for v in relation.vars if v in parent.vars]
        radix = [sizes[v] for v in shared]
        if math.prod(radix) < 2**62:
            up = _keys(relation.rows, [relation.vars.index(v) for v in shared], radix)
            down = _keys(parent.rows, [parent.vars.index(v) for v in shared], radix)
            ids, inverse = np.unique(np.concatenate([up, down]), return_inverse=True)
        else:
            mine = relation.rows[:, [relation.vars.index(v) for v in shared]]
            theirs = parent.rows[:, [parent.vars.index(v) for v in shared]]
            both = np.concatenate([mine, theirs])
            ids, inverse = np.unique(both, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        n = len(relation.rows)
        bags.append(Bag(tuple(relation.vars), columns, n, p, inverse[:n], inverse[n:], len(ids)))
    return bags

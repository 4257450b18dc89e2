"""Wide sums and counts split into chains of partial sums, so no table spans every term.

`w1 + w2 + ... + w8 <= wall` as one table holds every combination of eight widths: millions of rows, or more than
the compiler may enumerate. As a chain, each partial sum is a variable of its own fixed by the one before it
(`p2 == w1 + w2`, `p3 == p2 + w3`, ...) and the rule reads the last one, so every table spans three or four
variables and the join tree stays a path. The partial sums are determined by the options, so counting, domains,
completion and the cheapest search are unchanged: only the size of the model is (docs/engine.md, "Components").
A count of conditions is a sum of ones and noughts, chained alike. Components (catalog/components.py) write
their aggregates out as such sums and counts; a hand-written wide sum is chained the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count

from catalog.expressions import Arith, Call, Compare, Expr, Name, Negate, map_children
from rules.errors import RuleError
from rules.tables import MAX_GRID, Array, Tabulator

# A sum or count over more value combinations than this (and of three terms or more) is chained.
CHAIN_GRID = 4096
# A partial sum with more possible values than this is not made: the rule is compiled as it was written.
MAX_PARTIAL = 4096


@dataclass
class Chainer:
    """Replaces each wide sum or count of a rule by the last variable of a chain of partial sums."""

    tabulator: Tabulator
    domain_size: Callable[[int], int]
    declare: Callable[[str, tuple[Decimal, ...]], None]  # a hidden number variable of these values, by name
    emit: Callable[[str, list[int], Array], None]  # a table of the rule
    made: count[int] = field(default_factory=count)

    def split(self, rule_id: str, expr: Expr) -> Expr:
        """The expression with its wide sums and counts (innermost first) read from chains."""
        expr = map_children(expr, lambda part: self.split(rule_id, part))
        terms = _terms(expr)
        if len(terms) < 3:
            return expr
        scope: dict[int, None] = {}
        for term in terms:
            scope.update(dict.fromkeys(self.tabulator.scope(term)))
        if math.prod(self.domain_size(v) for v in scope) <= CHAIN_GRID:
            return expr
        try:
            return self.chain(rule_id, terms)
        except RuleError:  # a link too wide to tabulate: the rule as written (refused later if it is too wide)
            return expr

    def chain(self, rule_id: str, terms: list[Expr]) -> Expr:
        """Declare the partial sums of `terms` and the tables linking them; the name of the last."""
        sets = [self.tabulator.numbers(rule_id, term) for term in terms]
        partial = set(sets[0])
        before: Expr = terms[0]
        width = self.grid(terms[0])
        links: list[tuple[str, tuple[Decimal, ...], Expr]] = []
        for term, values in zip(terms[1:], sets[1:], strict=True):
            partial = {a + b for a in partial for b in values}
            if len(partial) > MAX_PARTIAL or width * self.grid(term) * len(partial) > MAX_GRID:
                raise RuleError(rule_id, "a partial sum has too many values")
            width = len(partial)
            name = f"{rule_id}\t{next(self.made)}"  # a tab: never in an option's id
            links.append((name, tuple(sorted(partial)), Arith("+", before, term, 0)))
            before = Name(name, 0)
        for name, domain, total in links:
            self.declare(name, domain)
            variables, rows = self.tabulator.allowed(rule_id, [Compare("==", Name(name, 0), total, 0)], lambda e: e)
            self.emit(rule_id, variables, rows)
        return before


    def grid(self, expr: Expr) -> int:
        """How many value combinations the variables of `expr` have."""
        return math.prod(self.domain_size(v) for v in self.tabulator.scope(expr))


def _terms(expr: Expr) -> list[Expr]:
    """The terms of a sum (`a + b - c`: a, b, -c) or of a count (one count of each condition), else none."""
    if isinstance(expr, Call) and expr.func == "count":
        return [Call("count", (arg,), expr.pos) for arg in expr.args]
    if isinstance(expr, Arith) and expr.op in ("+", "-"):
        return _addends(expr)
    return []


def _addends(expr: Expr) -> list[Expr]:
    if isinstance(expr, Arith) and expr.op in ("+", "-"):
        right = _addends(expr.right)
        return [*_addends(expr.left), *(right if expr.op == "+" else [Negate(r, expr.pos) for r in right])]
    return [expr]

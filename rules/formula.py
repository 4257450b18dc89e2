"""Boolean formulas for rules too wide to tabulate (such as feature-model groups): lowering and CNF encoding.

A formula is a small circuit whose leaves say "variable v takes one of these values"; the SAT model encodes it with
Tseitin variables and pysat's cardinality encodings for `count(...)` comparisons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, assert_never

from pysat.card import CardEnc, EncType
from pysat.formula import IDPool

from catalog.expressions import BoolOp, Call, Compare, Comparison, Expr, Literal, Membership, Not
from rules.errors import RuleError


@dataclass(frozen=True)
class Atom:
    """Variable `var` takes one of `values` (value indices)."""

    var: int
    values: frozenset[int]


@dataclass(frozen=True)
class Gate:
    """and / or / not over sub-formulas."""

    op: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Count:
    """How many of `args` hold, compared with a constant."""

    args: tuple[Node, ...]
    op: str
    bound: int


@dataclass(frozen=True)
class Const:
    """True or false."""

    value: bool


Node = Atom | Gate | Count | Const


def lower(expr: Expr, rule_id: str, atom: Callable[[Expr], Atom | None]) -> Node:
    """Lower a condition to a formula; `atom` tabulates sub-expressions over a single variable."""
    single = atom(expr) if not isinstance(expr, (BoolOp, Not)) else None
    if single is not None:
        return single
    if isinstance(expr, Not):
        return Gate("not", (lower(expr.operand, rule_id, atom),))
    if isinstance(expr, BoolOp):
        return Gate(expr.op, tuple(lower(o, rule_id, atom) for o in expr.operands))
    if isinstance(expr, Literal) and isinstance(expr.value, bool):
        return Const(expr.value)
    if isinstance(expr, Compare):
        left, right, op = expr.left, expr.right, expr.op
        if isinstance(left, Literal) and isinstance(right, Call):
            left, right, op = right, left, _flip(op)
        if isinstance(left, Call) and isinstance(right, Literal) and isinstance(right.value, int):
            match left.func:
                case "count":
                    return Count(tuple(lower(a, rule_id, atom) for a in left.args), op, int(right.value))
                case _:
                    assert_never(left.func)
    if isinstance(expr, Membership):
        raise RuleError(rule_id, "a membership test over several options is too large to compile")
    raise RuleError(rule_id, "this rule mentions too many options to tabulate, and is not a plain condition")


def _flip(op: Comparison) -> Comparison:
    flipped: dict[Comparison, Comparison] = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
    return flipped.get(op, op)


class ClauseSink(Protocol):
    """Where encodings put their clauses: a list, or compact Clauses (rules/cnf.py)."""

    def append(self, clause: list[int], /) -> None:
        """Add one clause."""

    def extend(self, clauses: Iterable[list[int]], /) -> None:
        """Add clauses."""


def encode(node: Node, lits: list[list[int]], pool: IDPool, clauses: ClauseSink) -> int:
    """A literal equivalent to the formula, adding its defining clauses."""
    if isinstance(node, Const):
        fresh = int(pool.id())
        clauses.append([fresh] if node.value else [-fresh])
        return fresh
    if isinstance(node, Atom):
        options = [lits[node.var][v] for v in sorted(node.values)]
        return _gate("or", options, pool, clauses)
    if isinstance(node, Gate):
        args = [encode(a, lits, pool, clauses) for a in node.args]
        if node.op == "not":
            return -args[0]
        return _gate(node.op, args, pool, clauses)
    args = [encode(a, lits, pool, clauses) for a in node.args]
    low, high = {
        "==": (node.bound, node.bound),
        "!=": (None, None),
        "<": (None, node.bound - 1),
        "<=": (None, node.bound),
        ">": (node.bound + 1, None),
        ">=": (node.bound, None),
    }[node.op]
    if node.op == "!=":
        equal = encode(Count(node.args, "==", node.bound), lits, pool, clauses)
        return -equal
    parts = []
    if low is not None:
        parts.append(_at_least(args, low, pool, clauses))
    if high is not None:
        parts.append(-_at_least(args, high + 1, pool, clauses))
    return _gate("and", parts, pool, clauses)


def _at_least(args: list[int], bound: int, pool: IDPool, clauses: ClauseSink) -> int:
    """A literal equivalent to `at least bound of args hold`."""
    if bound <= 0:
        return encode(Const(True), [], pool, clauses)
    if bound > len(args):
        return encode(Const(False), [], pool, clauses)
    result = int(pool.id())
    # result -> at least `bound`;  not result -> at most `bound - 1`.
    for clause in CardEnc.atleast(args, bound, vpool=pool, encoding=EncType.seqcounter).clauses:
        clauses.append([-result, *clause])
    for clause in CardEnc.atmost(args, bound - 1, vpool=pool, encoding=EncType.seqcounter).clauses:
        clauses.append([result, *clause])
    return result


def _gate(op: str, args: list[int], pool: IDPool, clauses: ClauseSink) -> int:
    if len(args) == 1:
        return args[0]
    out = int(pool.id())
    if op == "and":
        clauses.extend([-out, a] for a in args)
        clauses.append([out, *(-a for a in args)])
    else:
        clauses.extend([out, -a] for a in args)
        clauses.append([-out, *args])
    return out

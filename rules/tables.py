"""Tabulation: turns a rule's expression into the table of value combinations it allows, by vectorized evaluation."""

from __future__ import annotations

import math
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, assert_never

import numpy as np
import numpy.typing as npt

from catalog.expressions import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    ListExpr,
    Literal,
    Membership,
    Name,
    Negate,
    Not,
    children,
)
from rules.errors import RuleError

# The largest cross product of a rule's scope that is enumerated into a table.
MAX_GRID = 4_000_000
Array = npt.NDArray[Any]


# What an expression name refers to; "constant": an option that is no variable (a quantity no rule constrains).
RefKind = typing.Literal["choice", "boolean", "number", "multi", "filled", "constant"]


@dataclass(frozen=True)
class VarRef:
    """How an expression name maps onto engine variables."""

    kind: RefKind
    var: int = -1
    values: tuple[Any, ...] = ()
    members: Mapping[str, int] | None = None


@dataclass(frozen=True)
class _Num:
    """A scaled integer array: the value is ints / 10**scale, exact."""

    ints: Array
    scale: int


class Tabulator:
    """Evaluates expressions over every combination of the values of the variables they mention."""

    def __init__(self, resolve: Callable[[str], VarRef], domain_size: Callable[[int], int]) -> None:
        self.resolve = resolve
        self.domain_size = domain_size

    def scope(self, expr: Expr) -> list[int]:
        """The engine variables an expression depends on, in first-mention order."""
        found: dict[int, None] = {}
        self._collect(expr, found)
        return list(found)

    def _collect(self, expr: Expr, found: dict[int, None]) -> None:
        if isinstance(expr, Name):
            ref = self.resolve(expr.name)
            if ref.kind == "constant":
                return
            if ref.kind == "multi":
                assert ref.members is not None
                found.update(dict.fromkeys(ref.members.values()))
            else:
                found[ref.var] = None
            return
        if isinstance(expr, Membership) and isinstance(expr.container, Name) and isinstance(expr.item, Literal):
            ref = self.resolve(expr.container.name)
            if ref.kind == "multi":
                assert ref.members is not None
                found[ref.members[str(expr.item.value)]] = None
                return
        for child in children(expr):
            self._collect(child, found)

    def allowed(self, rule_id: str, exprs: Sequence[Expr], combine: Callable[..., Array]) -> tuple[list[int], Array]:
        """The scope and rows (value indices) where `combine(*evaluated exprs)` is true."""
        scope: dict[int, None] = {}
        for expr in exprs:
            scope.update(dict.fromkeys(self.scope(expr)))
        variables = list(scope)
        sizes = [self.domain_size(v) for v in variables]
        total = math.prod(sizes)
        if total > MAX_GRID:
            raise RuleError(rule_id, f"its options have {total:,} value combinations, more than {MAX_GRID:,}")
        grid = np.indices(sizes, dtype=np.int32).reshape(len(sizes), -1) if sizes else np.zeros((0, 1), np.int32)
        columns = {v: grid[i] for i, v in enumerate(variables)}
        evaluator = _Evaluator(self.resolve, columns, grid.shape[1], rule_id)
        mask = np.asarray(combine(*(evaluator.truth(e) for e in exprs)), dtype=bool)
        return variables, np.ascontiguousarray(grid[:, mask].T)


    def numbers(self, rule_id: str, expr: Expr) -> list[Decimal]:
        """Every value a number expression takes over the combinations of the variables it mentions, sorted."""
        variables = self.scope(expr)
        sizes = [self.domain_size(v) for v in variables]
        if math.prod(sizes) > MAX_GRID:
            raise RuleError(rule_id, "a term of a sum has too many value combinations")
        grid = np.indices(sizes, dtype=np.int32).reshape(len(sizes), -1) if sizes else np.zeros((0, 1), np.int32)
        evaluator = _Evaluator(self.resolve, {v: grid[i] for i, v in enumerate(variables)}, grid.shape[1], rule_id)
        found = evaluator.number(expr)
        return [Decimal(int(i)).scaleb(-found.scale) for i in np.unique(found.ints)]


class _Evaluator:
    def __init__(self, resolve: Callable[[str], VarRef], columns: Mapping[int, Array], size: int, rule_id: str) -> None:
        self.resolve = resolve
        self.columns = columns
        self.size = size
        self.rule_id = rule_id

    def fail(self, message: str) -> RuleError:
        return RuleError(self.rule_id, message)

    def truth(self, expr: Expr) -> Array:
        if isinstance(expr, Name):
            ref = self.resolve(expr.name)
            if ref.kind in ("boolean", "filled"):
                return np.asarray(self.columns[ref.var] == 1)
            if ref.kind == "multi":
                assert ref.members is not None
                members = [self.columns[v] == 1 for v in ref.members.values()]
                return np.asarray(np.logical_or.reduce([*members, self._false()]))
            raise self.fail(f"'{expr.name}' is not a condition")
        if isinstance(expr, Literal) and isinstance(expr.value, bool):
            return np.full(self.size, expr.value)
        if isinstance(expr, Not):
            return ~self.truth(expr.operand)
        if isinstance(expr, BoolOp):
            parts = [self.truth(o) for o in expr.operands]
            return np.asarray((np.logical_and if expr.op == "and" else np.logical_or).reduce(parts))
        if isinstance(expr, Compare):
            return self.compare(expr)
        if isinstance(expr, Membership):
            found = self.membership(expr)
            return ~found if expr.negated else found
        raise self.fail("expression is not a condition")

    def _false(self) -> Array:
        return np.zeros(self.size, dtype=bool)

    def compare(self, expr: Compare) -> Array:
        left, right = expr.left, expr.right
        if isinstance(right, Name) and isinstance(left, Literal):
            left, right = right, left
        if isinstance(left, Name):
            ref = self.resolve(left.name)
            if ref.kind == "choice" and isinstance(right, Literal):
                same = self.columns[ref.var] == _value_index(ref, right.value)
                return _eq_op(expr.op, same, self.fail)
            if ref.kind == "filled" and isinstance(right, Literal) and right.value == "":
                return _eq_op(expr.op, self.columns[ref.var] == 0, self.fail)
            if ref.kind in ("boolean",) and isinstance(right, (Literal, Name)):
                return _eq_op(expr.op, self.truth(left) == self.truth(right), self.fail)
            other = self.resolve(right.name) if isinstance(right, Name) else None
            if ref.kind == "choice" and other is not None and other.kind == "choice":  # the same value id
                codes = {str(value): code for code, value in enumerate(dict.fromkeys([*ref.values, *other.values]))}
                mine = np.array([codes[str(v)] for v in ref.values])[self.columns[ref.var]]
                theirs = np.array([codes[str(v)] for v in other.values])[self.columns[other.var]]
                return _eq_op(expr.op, mine == theirs, self.fail)
        if _is_boolish(left) and _is_boolish(right):
            return _eq_op(expr.op, self.truth(left) == self.truth(right), self.fail)
        a, b = self.number(left), self.number(right)
        scale = max(a.scale, b.scale)
        x, y = a.ints * 10 ** (scale - a.scale), b.ints * 10 ** (scale - b.scale)
        ops: dict[str, Callable[[Array, Array], Array]] = {
            "==": np.equal,
            "!=": np.not_equal,
            "<": np.less,
            "<=": np.less_equal,
            ">": np.greater,
            ">=": np.greater_equal,
        }
        return ops[expr.op](x, y)

    def membership(self, expr: Membership) -> Array:
        item, container = expr.item, expr.container
        if isinstance(container, Name):
            ref = self.resolve(container.name)
            if ref.kind == "multi" and isinstance(item, Literal):
                assert ref.members is not None
                return np.asarray(self.columns[ref.members[str(item.value)]] == 1)
            raise self.fail(f"'in {container.name}' needs a multi choice option")
        if not isinstance(container, ListExpr):
            raise self.fail("'in' needs a list")
        parts = [self.compare(Compare("==", item, element, expr.pos)) for element in container.items]
        return np.asarray(np.logical_or.reduce([*parts, self._false()]))

    def number(self, expr: Expr) -> _Num:
        if isinstance(expr, Literal) and not isinstance(expr.value, (bool, str)):
            return _scaled_constant(Decimal(expr.value), self.size)
        if isinstance(expr, Name):
            ref = self.resolve(expr.name)
            if ref.kind != "number":
                raise self.fail(f"'{expr.name}' is not a number")
            table = _scaled_values(ref.values)
            return _Num(table.ints[self.columns[ref.var]], table.scale)
        if isinstance(expr, Negate):
            inner = self.number(expr.operand)
            return _Num(-inner.ints, inner.scale)
        if isinstance(expr, Call):
            match expr.func:
                case "count":
                    total = np.zeros(self.size, dtype=np.int64)
                    for arg in expr.args:
                        total += self.truth(arg)
                    return _Num(total, 0)
                case _:
                    assert_never(expr.func)
        if isinstance(expr, Arith):
            a, b = self.number(expr.left), self.number(expr.right)
            if expr.op == "*":
                return _Num(a.ints * b.ints, a.scale + b.scale)
            if expr.op == "/":
                raise self.fail("division is only allowed in price formulas")
            scale = max(a.scale, b.scale)
            x, y = a.ints * 10 ** (scale - a.scale), b.ints * 10 ** (scale - b.scale)
            return _Num(x + y if expr.op == "+" else x - y, scale)
        raise self.fail("expected a number")


def _is_boolish(expr: Expr) -> bool:
    return isinstance(expr, (Not, BoolOp, Compare, Membership)) or (
        isinstance(expr, Literal) and isinstance(expr.value, bool)
    )


def _eq_op(op: str, same: Array, fail: Callable[[str], RuleError]) -> Array:
    if op == "==":
        return same
    if op == "!=":
        return ~same
    raise fail(f"'{op}' needs numbers")


def _value_index(ref: VarRef, value: Any) -> int:
    text = str(value)
    for i, candidate in enumerate(ref.values):
        if str(candidate) == text:
            return i
    return -1


def _scaled_constant(value: Decimal, size: int) -> _Num:
    exponent = value.as_tuple().exponent
    scale = max(0, -exponent) if isinstance(exponent, int) else 0
    return _Num(np.full(size, int(value.scaleb(scale)), dtype=np.int64), scale)


def _scaled_values(values: Sequence[Any]) -> _Num:
    scale = 0
    for value in values:
        exponent = Decimal(value).normalize().as_tuple().exponent
        if isinstance(exponent, int):
            scale = max(scale, -exponent)
    return _Num(np.array([int(Decimal(v).scaleb(scale)) for v in values], dtype=np.int64), scale)

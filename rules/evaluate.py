"""Scalar evaluation of parsed expressions over one configuration, in exact Decimal arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, assert_never

from catalog.errors import ConfiguratorError
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
)


class Undecided(ConfiguratorError):
    """An expression mentions an option that has no value yet."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def evaluate(expr: Expr, values: Mapping[str, Any]) -> Any:
    """The value of an expression; options are catalog values (str, bool, Decimal, frozenset for multi, text)."""
    if isinstance(expr, Name):
        if expr.name not in values:
            raise Undecided(expr.name)
        return values[expr.name]
    if isinstance(expr, Literal):
        value = expr.value
        return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(expr, ListExpr):
        return [evaluate(item, values) for item in expr.items]
    if isinstance(expr, Not):
        return not truth(evaluate(expr.operand, values))
    if isinstance(expr, BoolOp):
        if expr.op == "and":
            return all(truth(evaluate(o, values)) for o in expr.operands)
        return any(truth(evaluate(o, values)) for o in expr.operands)
    if isinstance(expr, Compare):
        return _compare(expr.op, evaluate(expr.left, values), evaluate(expr.right, values))
    if isinstance(expr, Membership):
        item, container = evaluate(expr.item, values), evaluate(expr.container, values)
        found = any(_compare("==", item, element) for element in container)
        return not found if expr.negated else found
    if isinstance(expr, Negate):
        return -Decimal(evaluate(expr.operand, values))
    if isinstance(expr, Call):
        match expr.func:
            case "count":
                return Decimal(sum(1 for arg in expr.args if truth(evaluate(arg, values))))
            case _:
                assert_never(expr.func)
    assert isinstance(expr, Arith)
    left, right = Decimal(evaluate(expr.left, values)), Decimal(evaluate(expr.right, values))
    if expr.op == "+":
        return left + right
    if expr.op == "-":
        return left - right
    if expr.op == "*":
        return left * right
    return left / right if right != 0 else Decimal(0)


def truth(value: Any) -> bool:
    """Whether a value counts as true: booleans, non-empty texts and non-empty multi selections."""
    return bool(value)


def _compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, (int, Decimal)) and not isinstance(left, bool):
        left = Decimal(left)
    if isinstance(right, (int, Decimal)) and not isinstance(right, bool):
        right = Decimal(right)
    if isinstance(left, str) != isinstance(right, str):
        left, right = str(left), str(right)
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)

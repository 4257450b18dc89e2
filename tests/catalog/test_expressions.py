"""The expression parser, table-driven over tests/catalog/expressions.yaml."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from catalog.expressions import (
    Arith,
    BoolOp,
    Compare,
    Expr,
    ExpressionError,
    ListExpr,
    Literal,
    Membership,
    Name,
    Negate,
    Not,
    names,
    parse_expression,
)

TABLE = YAML(typ="safe").load((Path(__file__).parent / "expressions.yaml").read_text())


def shape(expr: Expr) -> Any:
    """The AST as the nested lists the fixture uses."""
    if isinstance(expr, Name):
        return ["name", expr.name]
    if isinstance(expr, Literal):
        value = expr.value
        if isinstance(value, bool):
            return ["lit", value]
        return ["lit", str(value) if isinstance(value, Decimal) else value]
    if isinstance(expr, ListExpr):
        return ["list", *(shape(i) for i in expr.items)]
    if isinstance(expr, Not):
        return ["not", shape(expr.operand)]
    if isinstance(expr, Negate):
        return ["neg", shape(expr.operand)]
    if isinstance(expr, BoolOp):
        return [expr.op, *(shape(o) for o in expr.operands)]
    if isinstance(expr, (Compare, Arith)):
        return [expr.op, shape(expr.left), shape(expr.right)]
    assert isinstance(expr, Membership)
    return ["not in" if expr.negated else "in", shape(expr.item), shape(expr.container)]


@pytest.mark.parametrize("text", sorted(TABLE["valid"]))
def test_parses_to_the_expected_tree(text: str) -> None:
    assert shape(parse_expression(text)) == TABLE["valid"][text]


@pytest.mark.parametrize("text", sorted(TABLE["invalid"]))
def test_syntax_errors_carry_their_offset(text: str) -> None:
    offset, message = TABLE["invalid"][text]
    with pytest.raises(ExpressionError) as raised:
        parse_expression(text)
    assert (raised.value.offset, raised.value.message) == (offset, message)


def test_names_lists_referenced_options() -> None:
    assert names(parse_expression('a and (b == "x" or c in [1, d])')) == {"a", "b", "c", "d"}


@given(st.text(max_size=60))
def test_arbitrary_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        parse_expression(text)
    except ExpressionError as exc:
        assert 0 <= exc.offset <= len(text)

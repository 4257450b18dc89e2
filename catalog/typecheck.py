"""Type checking of parsed expressions against a product's options: unknown names, values and mixed types."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import assert_never

from catalog.errors import suggest
from catalog.expressions import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    ExpressionError,
    ListExpr,
    Literal,
    Membership,
    Name,
    Negate,
    Not,
    Over,
    start,
)
from catalog.kinds import listed_values, traits
from catalog.schema import AnyOption, Component

TypeKind = typing.Literal["bool", "number", "text", "string", "choice", "set", "list"]


@dataclass(frozen=True)
class Type:
    """The static type of an expression: a boolean, number, text option, string, single or multi choice, list."""

    kind: TypeKind
    option: AnyOption | None = None
    literal: str | None = None
    items: tuple[tuple[Type, int], ...] = ()

    def describe(self) -> str:
        """A phrase for error messages."""
        if self.option is not None:
            what = "single choice" if self.kind == "choice" else "multi choice"
            return f"{what} '{self.option.id}'"
        return {"string": "a string", "number": "a number", "bool": "a boolean", "text": "a text option"}.get(
            self.kind, "a list"
        )


BOOL = Type("bool")
NUMBER = Type("number")
TEXT = Type("text")
_TRUTHY = ("bool", "text", "set")


class Checker:
    """Infers expression types; raises ExpressionError at the offending offset."""

    def __init__(self, options: Mapping[str, AnyOption], components: Mapping[str, Component] | None = None) -> None:
        self.options = options
        self.components = components or {}

    def condition(self, expr: Expr) -> None:
        """Check an expression used as a condition."""
        self.truthy(expr)

    def number(self, expr: Expr) -> None:
        """Check an expression used as a number (a price formula)."""
        if self.infer(expr).kind != "number":
            raise ExpressionError("a formula must be a number", start(expr))

    def truthy(self, expr: Expr) -> None:
        kind = self.infer(expr)
        if kind.kind not in _TRUTHY:
            hint = ', e.g. frame == "M"' if kind.kind == "choice" else ""
            raise ExpressionError(f"{kind.describe()} is not a condition; compare it{hint}", start(expr))

    def infer(self, expr: Expr) -> Type:
        """The type of an expression."""
        if isinstance(expr, Name):
            return self.name(expr)
        if isinstance(expr, Literal):
            if isinstance(expr.value, bool):
                return BOOL
            if isinstance(expr.value, str):
                return Type("string", literal=expr.value)
            return Type("number", literal=str(expr.value))
        if isinstance(expr, ListExpr):
            return Type("list", items=tuple((self.infer(item), start(item)) for item in expr.items))
        if isinstance(expr, Not):
            self.truthy(expr.operand)
            return BOOL
        if isinstance(expr, BoolOp):
            for operand in expr.operands:
                self.truthy(operand)
            return BOOL
        if isinstance(expr, Compare):
            self.compare(expr)
            return BOOL
        if isinstance(expr, Membership):
            self.membership(expr)
            return BOOL
        if isinstance(expr, Call):
            match expr.func:
                case "count":
                    for arg in expr.args:
                        self.truthy(arg)
                    return NUMBER
                case _:
                    assert_never(expr.func)
        if isinstance(expr, Over):
            return self.over(expr)
        if isinstance(expr, (Arith, Negate)):
            for child in (expr.left, expr.right) if isinstance(expr, Arith) else (expr.operand,):
                if self.infer(child).kind != "number":
                    raise ExpressionError(f"'{_symbol(expr)}' needs numbers", start(child))
            return NUMBER
        raise ExpressionError("unsupported expression", 0)  # pragma: no cover - the parser makes no other nodes

    def over(self, expr: Over) -> Type:
        """An aggregate: its inside sees the component's options first (one level: no aggregate within)."""
        component = self.components.get(expr.component)
        if component is None:
            known = suggest(expr.component, list(self.components))
            raise ExpressionError(f"unknown component '{expr.component}'{known}", expr.pos)
        inner = Checker({**self.options, **{option.id: option for option in component.options}})
        if expr.where is not None:
            inner.truthy(expr.where)
        match expr.func:
            case "count":
                return NUMBER
            case "sum":
                assert expr.body is not None
                if inner.infer(expr.body).kind != "number":
                    raise ExpressionError("sum() adds a number of each instance", start(expr.body))
                return NUMBER
            case "all" | "any":
                assert expr.body is not None
                inner.truthy(expr.body)
                return BOOL
            case _:
                assert_never(expr.func)

    def name(self, expr: Name) -> Type:
        option = self.options.get(expr.name)
        if option is None:
            raise ExpressionError(f"unknown option '{expr.name}'{suggest(expr.name, list(self.options))}", expr.pos)
        kind = traits(option).expression
        return Type(kind, option=option) if kind in ("choice", "set") else Type(kind)

    def compare(self, expr: Compare) -> None:
        left, right = self.infer(expr.left), self.infer(expr.right)
        if expr.op in ("==", "!="):
            if left.kind == "choice" and right.literal is not None:
                self.value_of(left, right, start(expr.right))
                return
            if right.kind == "choice" and left.literal is not None:
                self.value_of(right, left, start(expr.left))
                return
            same = {left.kind, right.kind}
            if len(same) == 1 and left.kind in ("number", "bool", "string"):
                return
            if left.option is not None and right.option is not None and same == {"choice"}:
                shared = {v.id for v in listed_values(left.option)} & {v.id for v in listed_values(right.option)}
                if shared:
                    return
                raise ExpressionError(f"'{left.option.id}' and '{right.option.id}' have no value in common", expr.pos)
            if same == {"text", "string"}:
                return
        elif left.kind == right.kind == "number":
            return
        raise ExpressionError(f"cannot compare {left.describe()} with {right.describe()} using '{expr.op}'", expr.pos)

    def membership(self, expr: Membership) -> None:
        item, container = self.infer(expr.item), self.infer(expr.container)
        if container.kind == "set" and item.literal is not None:
            self.value_of(container, item, start(expr.item))
            return
        if container.kind == "list":
            for element, pos in container.items:
                if item.kind == "choice" and element.literal is not None:
                    self.value_of(item, element, pos)
                elif item.kind != element.kind and not (item.kind == "text" and element.kind == "string"):
                    raise ExpressionError(f"{element.describe()} cannot be a value of {item.describe()}", pos)
            return
        raise ExpressionError(f"'in' needs a list or a multi choice on its right, not {container.describe()}", expr.pos)

    def value_of(self, option_type: Type, literal: Type, pos: int) -> None:
        option = option_type.option
        assert option is not None
        ids = [value.id for value in listed_values(option)]
        text = literal.literal or ""
        if text in ids:
            return
        if literal.kind == "number" and str(Decimal(text)) in ids:
            return
        raise ExpressionError(f"'{text}' is not a value of option '{option.id}'{suggest(text, ids)}", pos)


def _symbol(expr: Arith | Negate) -> str:
    return expr.op if isinstance(expr, Arith) else "-"

"""Compilation of a catalog product into a frozen constraint model: finite-domain variables and allowed-tuple tables."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal, assert_never

import numpy as np

from catalog.expressions import Expr, names, parse_expression
from catalog.kinds import count_limits, domain_values, variable_kind
from catalog.schema import (
    AnyOption,
    ConstraintRule,
    DefaultRule,
    ExcludesRule,
    Product,
    RequiresRule,
    TableRule,
)
from rules.chains import Chainer
from rules.errors import RuleError
from rules.formula import Atom, Gate, Node, lower
from rules.tables import MAX_GRID, Array, Tabulator, VarRef

# Rules over more value combinations than this become formulas only (when they can), not tables.
TABLE_GRID = 65_536
# Rules over more value combinations than this are also kept as formulas, for SAT.
FORMULA_GRID = 256


# What a variable stands for: a single choice, a boolean, a number, one member of a multi choice, a text filled.
VarKind = Literal["choice", "boolean", "number", "member", "filled"]


@dataclass(frozen=True)
class Variable:
    """A finite-domain engine variable: an option, one value of a multi option, or whether a text is filled."""

    name: str
    option: str
    kind: VarKind
    values: tuple[Any, ...]
    member: str | None = None


@dataclass(frozen=True, eq=False)
class Table:
    """The value-index combinations a rule allows over its scope of variables."""

    rule_id: str
    scope: tuple[int, ...]
    rows: Array
    link: bool = False  # defines a partial sum of a chain (rules/chains.py): kept where its rule is a formula


@dataclass(frozen=True)
class FormulaRule:
    """A rule kept as a boolean formula because its scope is too wide to tabulate."""

    rule_id: str
    scope: tuple[int, ...]
    node: Node
    tabulated: bool = False  # also present as a table (for the join tree)


@dataclass(frozen=True)
class Suggestion:
    """A compiled conditional default: when `when` holds, prefer `value` for `option`."""

    rule_id: str
    when: Expr | None
    option: str
    value: Any


@dataclass(frozen=True, eq=False)
class CompiledModel:
    """Everything the engine needs about one product, computed once and never changed."""

    product: Product
    content_hash: str
    variables: tuple[Variable, ...]
    option_vars: Mapping[str, tuple[int, ...]]
    tables: tuple[Table, ...]
    messages: Mapping[str, str]
    suggestions: tuple[Suggestion, ...]
    options: Mapping[str, AnyOption] = field(default_factory=dict)
    formulas: tuple[FormulaRule, ...] = ()
    refs: Mapping[str, VarRef] = field(default_factory=dict)  # what each option's name means in an expression

    def domain_size(self, var: int) -> int:
        """How many values a variable has."""
        return len(self.variables[var].values)

    @functools.cached_property
    def value_index(self) -> tuple[Mapping[Any, int], ...]:
        """For each variable, the index of each of its values."""
        return tuple(MappingProxyType({v: i for i, v in enumerate(var.values)}) for var in self.variables)


def compile_product(
    product: Product, content_hash: str = "", table_grid: int = TABLE_GRID, formula_grid: int = FORMULA_GRID
) -> CompiledModel:
    """Compile a product's options and rules into variables and tables; raise RuleError for a rule it cannot.

    A rule over more than `formula_grid` value combinations is also kept as a formula (for SAT), and over more
    than `table_grid` only as a formula, when it can be written as one.
    """
    return _Compiler(product, table_grid, formula_grid).run(content_hash)


def _referenced(product: Product) -> set[str]:
    found: set[str] = set()
    for rule in product.rules:
        if isinstance(rule, TableRule):
            found.update(rule.columns)
        elif isinstance(rule, DefaultRule):
            found.add(rule.option)
        for text in _rule_exprs(rule):
            found.update(names(parse_expression(text)))
    return found


def _rule_exprs(rule: Any) -> list[str]:
    exprs = [getattr(rule, key, None) for key in ("when", "then", "expr")]
    return [e for e in exprs if isinstance(e, str)]


class _Compiler:
    def __init__(self, product: Product, table_grid: int, formula_grid: int) -> None:
        self.product = product
        self.table_grid = table_grid
        self.formula_grid = formula_grid
        self.formulas: list[FormulaRule] = []
        self.options = {option.id: option for option in product.options()}
        self.variables: list[Variable] = []
        self.option_vars: dict[str, tuple[int, ...]] = {}
        self.refs: dict[str, VarRef] = {}
        self.tables: list[Table] = []
        self.messages: dict[str, str] = {}

    def add(self, variable: Variable) -> int:
        self.variables.append(variable)
        return len(self.variables) - 1

    def run(self, content_hash: str) -> CompiledModel:
        referenced = _referenced(self.product)
        for option in self.options.values():
            self.declare(option, option.id in referenced)
        tabulator = Tabulator(self.resolve, lambda v: len(self.variables[v].values))
        self.chains = Chainer(tabulator, lambda v: len(self.variables[v].values), self.hidden, self.link)
        suggestions: list[Suggestion] = []
        for option in self.options.values():
            limits = count_limits(option)
            if limits is not None:
                self.cardinality(option, *limits, tabulator)
        for rule in self.product.rules:
            self.messages[rule.id] = rule.message
            if isinstance(rule, DefaultRule):
                when = parse_expression(rule.when) if rule.when else None
                suggestions.append(Suggestion(rule.id, when, rule.option, rule.value))
            elif isinstance(rule, TableRule):
                self.table(rule)
            else:
                self.expression_rule(rule, tabulator)
        return CompiledModel(
            product=self.product,
            content_hash=content_hash,
            variables=tuple(self.variables),
            option_vars=MappingProxyType(self.option_vars),
            tables=tuple(self.tables),
            messages=MappingProxyType(self.messages),
            suggestions=tuple(suggestions),
            options=MappingProxyType(self.options),
            formulas=tuple(self.formulas),
            refs=MappingProxyType(self.refs),
        )

    def declare(self, option: AnyOption, referenced: bool) -> None:
        """The option's variables: one per choice, boolean or number, one per multi member; a quantity or text
        option gets one only if a rule mentions it (a text's variable says whether it is filled)."""
        kind = variable_kind(option, referenced)
        match kind:
            case "choice" | "boolean" | "number" | "filled":
                name = f"{option.id}?" if kind == "filled" else None  # a text's variable: whether it is filled
                self.variable(option, kind, domain_values(option), name=name)
            case "multi":
                members = {
                    v: self.add(Variable(f"{option.id}[{v}]", option.id, "member", (False, True), v))
                    for v in domain_values(option)
                }
                self.option_vars[option.id] = tuple(members.values())
                self.refs[option.id] = VarRef("multi", members=MappingProxyType(members))
            case "constant":
                self.option_vars[option.id] = ()
                self.refs[option.id] = VarRef("constant")
            case _:
                assert_never(kind)

    def variable(
        self,
        option: AnyOption,
        kind: Literal["choice", "boolean", "number", "filled"],
        values: tuple[Any, ...],
        name: str | None = None,
    ) -> None:
        var = self.add(Variable(name or option.id, option.id, kind, values))
        self.refs[option.id] = VarRef(kind, var, values)
        self.option_vars[option.id] = (var,)

    def hidden(self, name: str, values: tuple[Decimal, ...]) -> None:
        """A number variable of no option (a partial sum of a chain): determined by the options, never shown."""
        var = self.add(Variable(name, "", "number", values))
        self.refs[name] = VarRef("number", var, values)

    def resolve(self, name: str) -> VarRef:
        return self.refs[name]

    def emit(self, rule_id: str, scope: list[int], rows: Array, link: bool = False) -> None:
        if scope:
            rows = np.unique(rows.astype(np.int32), axis=0) if len(rows) else rows.astype(np.int32)
        rows.setflags(write=False)
        self.tables.append(Table(rule_id, tuple(scope), rows, link))

    def link(self, rule_id: str, scope: list[int], rows: Array) -> None:
        self.emit(rule_id, scope, rows, link=True)

    def cardinality(self, option: AnyOption, low: int, high: int, tabulator: Tabulator) -> None:
        members = self.option_vars[option.id]
        if low == 0 and high >= len(members):
            return
        rule_id = f"{option.id}:count"
        self.messages[rule_id] = _count_message(option.label or option.id, low, high)
        if 2 ** len(members) > MAX_GRID:
            raise RuleError(rule_id, f"multi option '{option.id}' has too many values for a count limit")
        grid = np.indices([2] * len(members), dtype=np.int32).reshape(len(members), -1)
        count = grid.sum(axis=0)
        self.emit(rule_id, list(members), grid[:, (count >= low) & (count <= high)].T)

    def table(self, rule: TableRule) -> None:
        scope = [self.option_vars[column][0] for column in rule.columns]
        index = [{_cell_key(v): i for i, v in enumerate(self.variables[var].values)} for var in scope]
        cells = [[index[c][_cell_key(cell)] for c, cell in enumerate(row)] for row in rule.rows or []]
        rows = np.array(cells, dtype=np.int32).reshape(len(cells), len(scope))
        if rule.mode == "forbidden":
            sizes = [len(self.variables[var].values) for var in scope]
            if math.prod(sizes) > MAX_GRID:
                raise RuleError(rule.id, "a forbidden table over this many combinations cannot be compiled")
            grid = np.indices(sizes, dtype=np.int32).reshape(len(sizes), -1).T
            flat = np.ravel_multi_index(rows.T, sizes) if len(rows) else np.zeros(0, np.int64)
            keep = np.ones(len(grid), dtype=bool)
            keep[flat] = False
            rows = grid[keep]
        self.emit(rule.id, scope, rows)

    def expression_rule(self, rule: RequiresRule | ExcludesRule | ConstraintRule, tabulator: Tabulator) -> None:
        if isinstance(rule, ConstraintRule):
            exprs = [parse_expression(rule.expr)]
            if rule.when is not None:
                exprs.insert(0, parse_expression(rule.when))
        else:
            exprs = [parse_expression(rule.when), parse_expression(rule.then)]
        combine = _COMBINE[(rule.type, len(exprs))]
        exprs = [self.chains.split(rule.id, expr) for expr in exprs]
        scope: dict[int, None] = {}
        for expr in exprs:
            scope.update(dict.fromkeys(tabulator.scope(expr)))
        grid = math.prod(len(self.variables[v].values) for v in scope)
        # Wide rules are kept as formulas too: far smaller in SAT than a table of their allowed combinations.
        node = self.formula(rule.id, rule.type, exprs, tabulator) if grid > self.formula_grid else None
        if grid <= self.table_grid or node is None:
            variables, rows = tabulator.allowed(rule.id, exprs, combine)
            self.emit(rule.id, variables, rows)
        if node is not None:
            self.formulas.append(FormulaRule(rule.id, tuple(scope), node, grid <= self.table_grid))

    def formula(self, rule_id: str, kind: str, exprs: list[Expr], tabulator: Tabulator) -> Node | None:
        def atom(expr: Expr) -> Atom | None:
            mentioned = tabulator.scope(expr)
            if len(mentioned) != 1 or len(self.variables[mentioned[0]].values) > MAX_GRID:
                return None
            try:
                _, rows = tabulator.allowed(rule_id, [expr], lambda e: e)
            except RuleError:
                return None
            return Atom(mentioned[0], frozenset(int(r) for r in rows[:, 0]))

        try:
            parts = [lower(expr, rule_id, atom) for expr in exprs]
        except RuleError:
            return None
        if kind == "excludes":
            return Gate("not", (Gate("and", tuple(parts)),))
        if len(parts) == 2:
            return Gate("or", (Gate("not", (parts[0],)), parts[1]))
        return parts[0]


_COMBINE: dict[tuple[str, int], Callable[..., Array]] = {
    ("constraint", 1): lambda e: e,
    ("constraint", 2): lambda w, e: ~w | e,
    ("requires", 2): lambda w, t: ~w | t,
    ("excludes", 2): lambda w, t: ~(w & t),
}


def _cell_key(cell: Any) -> str:
    if isinstance(cell, (int, Decimal)) and not isinstance(cell, bool):
        return format(Decimal(cell).normalize(), "f")
    return str(cell)


def _count_message(label: str, low: int, high: int) -> str:
    if low == high:
        return f"Choose exactly {high} for {label}."
    if low == 0:
        return f"Choose at most {high} for {label}."
    return f"Choose between {low} and {high} for {label}."

"""The cheapest completion of a partial selection, exactly, by min-sum over a join tree that holds the price rules.

The price of a configuration is a sum of terms (value deltas, conditional amounts, formulas) scaled by the
conditional percent surcharges and discounts that follow them. For each way those percent rules' conditions can
come out (at most 2**MAX_PERCENT_RULES), the scale of every term is fixed and the condition outcomes become row
constraints, so one min-sum pass over the tree finds the cheapest configuration for it; the best of these is the
cheapest overall. Quantity tiers scale or shift every configuration's price alike and do not change which is
cheapest. (Rounding of lines is left out of the search; the configuration found is then priced exactly.)
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
from pysat.examples.rc2 import RC2
from pysat.formula import WCNF

from catalog.expressions import Expr, parse_expression
from catalog.pricelist import ResolvedPriceList
from catalog.schema import Adjustment, Formula, QuantityOption, TextOption
from rules.compile import CompiledModel, Table
from rules.errors import EngineLimitError, RuleError
from rules.evaluate import Undecided, evaluate, truth
from rules.formula import Atom, encode, lower
from rules.jointree import JoinTree
from rules.sat import SatModel
from rules.tables import Array, Tabulator

MAX_PERCENT_RULES = 6
MAX_SCOPE_GRID = 100_000
# MaxSAT weights are integers: amounts in ten-thousandths of a currency unit.
WEIGHT_SCALE = 10_000


@functools.lru_cache(maxsize=64)
def pricing_tree(model: CompiledModel) -> JoinTree | None:
    """A join tree in which every price rule's options share a bag (None if that tree would be too large)."""
    tabulator = _tabulator(model)
    extra: list[Table] = []
    for rule in model.product.pricing:
        scope: list[int] = []
        for text in (getattr(rule, "when", None), getattr(rule, "expr", None)):
            if isinstance(text, str):
                scope.extend(v for v in tabulator.scope(parse_expression(text)) if v not in scope)
        sizes = [len(model.variables[v].values) for v in scope]
        if len(scope) < 2:
            continue
        if math.prod(sizes) > MAX_SCOPE_GRID:
            return None
        # A table allowing every combination: it rules nothing out, but puts its options in one bag.
        grid = np.indices(sizes, dtype=np.int32).reshape(len(sizes), -1).T
        grid.setflags(write=False)
        extra.append(Table(f"price:{rule.id}", tuple(scope), grid))
    try:
        return JoinTree(dataclasses.replace(model, tables=model.tables + tuple(extra)))
    except EngineLimitError:
        return None


def cheapest_assignment(
    model: CompiledModel, fixed: Mapping[int, int], unary: list[Array], price_list: ResolvedPriceList
) -> list[int] | None:
    """Value indices of the cheapest configuration extending `fixed`, or None (no completion, or too large)."""
    tree = pricing_tree(model)
    if tree is None:
        return None
    tabulator = _tabulator(model)
    constants = _constants(model)
    terms: list[tuple[int, int, Array]] = []  # (rule position, bag, amount per row)
    percents: list[tuple[int, Decimal, int | None, Array | None]] = []  # (position, factor - 1, bag, truth per row)
    for position, rule in enumerate(model.product.pricing):
        if not isinstance(rule, (Adjustment, Formula)):
            continue
        when = parse_expression(rule.when) if rule.when else None
        sign = Decimal(-1) if rule.type == "discount" else Decimal(1)
        if isinstance(rule, Adjustment) and rule.percent is not None:
            if when is None:
                percents.append((position, sign * rule.percent / 100, None, None))
            else:
                bag, holds = _over_rows(tree, tabulator, when, constants, lambda v, e=when: truth(evaluate(e, v)))
                percents.append((position, sign * rule.percent / 100, bag, holds.astype(bool)))
            continue
        expr = parse_expression(price_list.formulas[rule.id]) if isinstance(rule, Formula) else None
        amount = sign * price_list.amount(rule.id) if isinstance(rule, Adjustment) else Decimal(0)

        def term(
            values: Mapping[str, Any], when: Expr | None = when, expr: Expr | None = expr, amount: Decimal = amount
        ) -> float:
            if when is not None and not truth(evaluate(when, values)):
                return 0.0
            return float(evaluate(expr, values)) if expr is not None else float(amount)

        parts = [e for e in (when, expr) if e is not None]
        bag, amounts = _over_rows(tree, tabulator, parts, constants, term)
        terms.append((position, bag, amounts))
    conditional = [p for p in percents if p[2] is not None]
    if len(conditional) > MAX_PERCENT_RULES:
        return None
    best: tuple[float, list[int]] | None = None
    for outcome in itertools.product((False, True), repeat=len(conditional)):
        applies = {p[0]: p[1] for p in percents if p[2] is None}
        row_costs: dict[int, Array] = {}
        for (where, factor, home, outcomes), wanted in zip(conditional, outcome):
            assert home is not None and outcomes is not None
            if wanted:
                applies[where] = factor
            # Only rows whose condition comes out as assumed may take part.
            mismatch = np.where(outcomes == wanted, 0.0, np.inf)
            row_costs[home] = row_costs.get(home, np.zeros(tree.bags[home].size)) + mismatch

        def scale(after: int, applies: dict[int, Decimal] = applies) -> float:
            return float(math.prod((1 + f for p, f in applies.items() if p > after), start=Decimal(1)))

        before_rules = scale(-1)
        for position, bag, amounts in terms:
            row_costs[bag] = row_costs.get(bag, np.zeros(tree.bags[bag].size)) + amounts * scale(position)
        found = tree.cheapest(fixed, [u * before_rules for u in unary], row_costs)
        if found is None:
            continue
        assignment, value = found
        value += float(price_list.base_price) * before_rules
        if best is None or value < best[0]:
            best = (value, assignment)
    return None if best is None else best[1]


def _over_rows(
    tree: JoinTree, tabulator: _ModelTabulator, exprs: Expr | list[Expr], constants: Mapping[str, Any], function: Any
) -> tuple[int, Array]:
    """The smallest bag holding the expressions' options, and `function` of each of its rows' values."""
    parts = exprs if isinstance(exprs, list) else [exprs]
    scope = {v for e in parts for v in tabulator.scope(e)}
    bag = min((b for b, bag in enumerate(tree.bags) if scope <= set(bag.vars)), key=lambda b: tree.bags[b].size)
    model = tabulator.model
    columns = [(v, tree.bags[bag].columns[c]) for c, v in enumerate(tree.bags[bag].vars)]
    out = np.zeros(tree.bags[bag].size)
    for row in range(tree.bags[bag].size):
        values = {**constants, **_catalog_values(model, ((v, column[row]) for v, column in columns))}
        try:
            out[row] = function(values)
        except Undecided:
            out[row] = 0.0
    return bag, out


def _catalog_values(model: CompiledModel, assignment: Iterable[tuple[int, int]]) -> dict[str, Any]:
    """Catalog values of options from (variable, value index) pairs; multi options as sets of members."""
    values: dict[str, Any] = {}
    members: dict[str, set[str]] = {}
    for var, index in assignment:
        variable = model.variables[var]
        value = variable.values[int(index)]
        if variable.kind == "member":
            members.setdefault(variable.option, set())
            if value:
                members[variable.option].add(str(variable.member))
        elif variable.kind == "filled":
            values[variable.option] = "x" if value else ""
        else:
            values[variable.option] = value
    values.update({k: frozenset(v) for k, v in members.items()})
    return values


class _ModelTabulator(Tabulator):
    def __init__(self, model: CompiledModel) -> None:
        super().__init__(model.refs.__getitem__, model.domain_size)
        self.model = model


def _tabulator(model: CompiledModel) -> _ModelTabulator:
    return _ModelTabulator(model)


def _constants(model: CompiledModel) -> dict[str, Any]:
    """Values of the options that are not engine variables, as a completion sets them."""
    out: dict[str, Any] = {}
    for option in model.options.values():
        if model.option_vars[option.id]:
            continue
        if isinstance(option, QuantityOption):
            out[option.id] = Decimal(option.default if option.default is not None else option.min)
        elif isinstance(option, TextOption):
            out[option.id] = option.default
    return out


def cheapest_by_maxsat(
    model: CompiledModel,
    sat: SatModel,
    fixed: Mapping[int, int],
    unary: list[Array],
    price_list: ResolvedPriceList,
    with_rules: bool = True,
) -> list[int] | None:
    """The cheapest configuration by MaxSAT (RC2), for models without a join tree; None if there is no completion
    or (with the price rules) some rule is beyond it. Without them, by option prices alone."""
    tabulator = _tabulator(model)
    clauses = sat._clauses()
    costs = [np.array(row, dtype=float) for row in unary]
    conditions: list[tuple[int, Decimal, int]] = []  # (position, signed amount, condition literal)
    formulas: list[tuple[int, list[int], Array, Array]] = []  # (position, scope, combinations, amount of each)
    steady: list[tuple[int, Decimal]] = []  # (position, signed amount) of unconditional amounts
    percents: list[tuple[int, Decimal, int | None]] = []  # (position, factor - 1, condition literal)

    def atom(expr: Expr) -> Atom | None:
        mentioned = tabulator.scope(expr)
        if len(mentioned) != 1:
            return None
        _, rows = tabulator.allowed("price", [expr], lambda e: e)
        return Atom(mentioned[0], frozenset(int(r) for r in rows[:, 0]))

    def literal(text: str) -> int:
        return encode(lower(parse_expression(text), "price", atom), sat.lits, sat.ids, clauses)

    for position, rule in enumerate(model.product.pricing if with_rules else ()):
        if not isinstance(rule, (Adjustment, Formula)):
            continue
        sign = Decimal(-1) if rule.type == "discount" else Decimal(1)
        if isinstance(rule, Formula):
            # Tabulate the (conditional) formula over its options: one weighted clause per combination.
            parts = [parse_expression(price_list.formulas[rule.id])]
            if rule.when:
                parts.insert(0, parse_expression(rule.when))
            scope = list(dict.fromkeys(v for part in parts for v in tabulator.scope(part)))
            sizes = [len(model.variables[v].values) for v in scope]
            if math.prod(sizes) > MAX_SCOPE_GRID:
                return None
            combos = np.indices(sizes, dtype=np.int32).reshape(len(sizes), -1).T
            amounts = np.zeros(len(combos))
            for index, picked in enumerate(combos.tolist()):
                values = {**_constants(model), **_catalog_values(model, zip(scope, picked))}
                if len(parts) == 2 and not truth(evaluate(parts[0], values)):
                    continue
                amounts[index] = float(evaluate(parts[-1], values))
            formulas.append((position, scope, combos, amounts))
            continue
        try:
            condition = literal(rule.when) if rule.when else None
        except RuleError:
            return None
        if rule.percent is not None:
            percents.append((position, sign * rule.percent / 100, condition))
        elif condition is not None:
            conditions.append((position, sign * price_list.amount(rule.id), condition))
        else:
            # The same amount for every configuration, but scaled by whichever percent rules follow it.
            steady.append((position, sign * price_list.amount(rule.id)))
    conditional = [p for p in percents if p[2] is not None]
    if len(conditional) > MAX_PERCENT_RULES:
        return None
    best: tuple[float, list[int]] | None = None
    for outcome in itertools.product((False, True), repeat=len(conditional)):
        applies = {p[0]: p[1] for p in percents if p[2] is None}
        wcnf = WCNF()
        wcnf.extend(clauses)
        wcnf.extend([[lit] for lit in sat.choice_lits(fixed) + sat.all_rules])
        for (where, factor, lit), wanted in zip(conditional, outcome):
            assert lit is not None
            wcnf.append([lit if wanted else -lit])
            if wanted:
                applies[where] = factor

        def scale(after: int, applies: dict[int, Decimal] = applies) -> float:
            return float(math.prod((1 + f for p, f in applies.items() if p > after), start=Decimal(1)))

        constant = float(price_list.base_price) * scale(-1)
        constant += sum(float(amount) * scale(position) for position, amount in steady)
        for var, row in enumerate(costs):
            low = float(np.min(row)) if len(row) else 0.0
            constant += low * scale(-1)
            for value, cost in enumerate(row):
                weight = round((float(cost) - low) * scale(-1) * WEIGHT_SCALE)
                if weight > 0:
                    wcnf.append([-sat.lits[var][value]], weight=weight)
        for position, scope, combos, formula_amounts in formulas:
            # A formula's amount is scaled only by the percent rules after it; exactly one combination holds.
            low = float(np.min(formula_amounts))
            constant += low * scale(position)
            for combo, per_combo in zip(combos.tolist(), formula_amounts.tolist()):
                weight = round((per_combo - low) * scale(position) * WEIGHT_SCALE)
                if weight > 0:
                    wcnf.append([-sat.lits[var][value] for var, value in zip(scope, combo)], weight=weight)
        for position, amount, lit in conditions:
            weighted = float(amount) * scale(position)
            if weighted > 0:
                wcnf.append([-lit], weight=round(weighted * WEIGHT_SCALE))
            elif weighted < 0:
                constant += weighted
                wcnf.append([lit], weight=round(-weighted * WEIGHT_SCALE))
        with RC2(wcnf) as solver:
            found = solver.compute()
            if found is None:
                continue
            value = constant + solver.cost / WEIGHT_SCALE
        if best is None or value < best[0]:
            true = {lit for lit in found if lit > 0}
            best = (value, [next((i for i, lit in enumerate(lits) if lit in true), 0) for lits in sat.lits])
    return None if best is None else best[1]

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
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np
from pysat.examples.rc2 import RC2
from pysat.formula import WCNF

from catalog.expressions import Expr
from catalog.kinds import default_value
from rules.assignment import catalog_values
from rules.compile import CompiledModel, Table
from rules.cost import Cost, Term
from rules.errors import EngineLimitError, RuleError
from rules.evaluate import Undecided
from rules.formula import Atom, encode, lower
from rules.jointree import JoinTree
from rules.sat import SatModel
from rules.tables import Array, Tabulator

MAX_PERCENT_RULES = 6
C = TypeVar("C")  # what stands for a percent rule's condition: rows of a bag, or a literal
MAX_SCOPE_GRID = 100_000
# MaxSAT weights are integers: amounts in ten-thousandths of a currency unit.
WEIGHT_SCALE = 10_000


@functools.lru_cache(maxsize=64)
def pricing_tree(model: CompiledModel, cost: Cost, base: JoinTree | None = None) -> JoinTree | None:
    """A join tree in which every price term's options share a bag (None if that tree would be too large); the
    model's own tree `base`, where given, when no term spans several options."""
    tabulator = _tabulator(model)
    extra: list[Table] = []
    for term in cost.terms:
        scope = list(dict.fromkeys(v for part in _parts(term) for v in tabulator.scope(part)))
        sizes = [len(model.variables[v].values) for v in scope]
        if len(scope) < 2:
            continue
        if math.prod(sizes) > MAX_SCOPE_GRID:
            return None
        # A table allowing every combination: it rules nothing out, but puts its options in one bag.
        grid = np.indices(sizes, dtype=np.int32).reshape(len(sizes), -1).T
        grid.setflags(write=False)
        extra.append(Table(f"price:{term.rule_id}", tuple(scope), grid))
    if not extra and base is not None:
        return base
    try:
        return JoinTree(dataclasses.replace(model, tables=model.tables + tuple(extra)))
    except EngineLimitError:
        return None


def _parts(term: Term) -> list[Expr]:
    """The expressions a term's amount depends on: its condition and its formula."""
    return [e for e in (term.when, term.expr) if e is not None]


def cheapest_assignment(
    model: CompiledModel, fixed: Mapping[int, int], cost: Cost, base: JoinTree | None = None
) -> list[int] | None:
    """Value indices of the cheapest configuration extending `fixed`, or None (no completion, or too large);
    `base` is the model's own join tree, if it has one."""
    tree = pricing_tree(model, cost, base)
    if tree is None:
        return None
    tabulator = _tabulator(model)
    constants = _constants(model)
    unary = cost.value_costs(model)
    amounts: list[tuple[int, int | None, Array]] = []  # (term position, bag or None for a constant, per row)
    percents: list[tuple[int, Decimal, int | None, Array | None]] = []  # (position, factor, bag, truth per row)
    for term in cost.terms:
        if term.kind == "percent":
            if term.when is None:
                percents.append((term.position, term.amount, None, None))
            else:
                bag, holds = _over_rows(tree, tabulator, [term.when], constants, term.applies)
                if bag is not None:
                    percents.append((term.position, term.amount, bag, holds.astype(bool)))
                elif holds[0]:  # a model with no variables: the condition is a constant
                    percents.append((term.position, term.amount, None, None))
            continue

        def amount(values: Mapping[str, Any], term: Term = term) -> float:
            return float(term.value(values)) if term.applies(values) else 0.0

        bag, per_row = _over_rows(tree, tabulator, _parts(term), constants, amount)
        amounts.append((term.position, bag, per_row))
    ways = percent_outcomes([(position, factor, (home, holds)) for position, factor, home, holds in percents
                             if home is not None and holds is not None],
                            {position: factor for position, factor, home, _ in percents if home is None})
    if ways is None:
        return None
    best: tuple[float, list[int]] | None = None
    for applies, assumed in ways:
        row_costs: dict[int, Array] = {}
        for (home, outcomes), wanted in assumed:
            # Only rows whose condition comes out as assumed may take part.
            mismatch = np.where(outcomes == wanted, 0.0, np.inf)
            row_costs[home] = row_costs.get(home, np.zeros(tree.bags[home].size)) + mismatch
        before_rules = float(cost.scale_after(-1, applies))
        constant = float(cost.base) * before_rules
        for position, bag, per_row in amounts:
            scale = float(cost.scale_after(position, applies))
            if bag is None:
                constant += float(per_row[0]) * scale
            else:
                row_costs[bag] = row_costs.get(bag, np.zeros(tree.bags[bag].size)) + per_row * scale
        found = tree.cheapest(fixed, [u * before_rules for u in unary], row_costs)
        if found is None:
            continue
        assignment, value = found
        value += constant
        if best is None or value < best[0]:
            best = (value, assignment)
    return None if best is None else best[1]


def percent_outcomes(
    conditional: Sequence[tuple[int, Decimal, C]], always: Mapping[int, Decimal]
) -> Iterator[tuple[dict[int, Decimal], list[tuple[C, bool]]]] | None:
    """Each way the conditional percent rules can come out: the factors that then apply by position (`always`, the
    unconditional ones, among them) and each rule's condition with the outcome assumed; None beyond
    MAX_PERCENT_RULES (the searches give up rather than try 2**n ways)."""
    if len(conditional) > MAX_PERCENT_RULES:
        return None
    return (
        ({**always, **{position: factor for (position, factor, _), wanted in zip(conditional, outcome) if wanted}},
         [(condition, wanted) for (_, _, condition), wanted in zip(conditional, outcome)])
        for outcome in itertools.product((False, True), repeat=len(conditional))
    )


def _over_rows(
    tree: JoinTree, tabulator: _ModelTabulator, parts: list[Expr], constants: Mapping[str, Any], function: Any
) -> tuple[int | None, Array]:
    """The smallest bag holding the expressions' options, and `function` of each of its rows' values; None and
    the one value where the tree has no bags (a model with no variables: the expressions are constants)."""
    scope = {v for e in parts for v in tabulator.scope(e)}
    homes = [b for b, bag in enumerate(tree.bags) if scope <= set(bag.vars)]
    if not homes:
        return None, np.array([_value_or_zero(function, constants)])
    bag = min(homes, key=lambda b: tree.bags[b].size)
    model = tabulator.model
    columns = [(v, tree.bags[bag].columns[c]) for c, v in enumerate(tree.bags[bag].vars)]
    out = np.zeros(tree.bags[bag].size)
    for row in range(tree.bags[bag].size):
        values = {**constants, **catalog_values(model, ((v, column[row]) for v, column in columns))}
        out[row] = _value_or_zero(function, values)
    return bag, out


def _value_or_zero(function: Any, values: Mapping[str, Any]) -> float:
    try:
        return float(function(values))
    except Undecided:
        return 0.0


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
        default = default_value(option)
        if default is not None:
            out[option.id] = default
    return out


@dataclasses.dataclass
class _Soft:
    """The price terms as MaxSAT can weigh them: clauses with condition literals, and terms by kind."""

    clauses: list[list[int]]
    costs: list[Array]
    conditions: list[tuple[int, Decimal, int]] = dataclasses.field(default_factory=list)  # position, amount, literal
    formulas: list[tuple[int, list[int], Array, Array]] = dataclasses.field(default_factory=list)  # scope, amounts
    steady: list[tuple[int, Decimal]] = dataclasses.field(default_factory=list)  # unconditional amounts
    percents: list[tuple[int, Decimal, int | None]] = dataclasses.field(default_factory=list)  # factor, literal


def cheapest_by_maxsat(
    model: CompiledModel, sat: SatModel, fixed: Mapping[int, int], cost: Cost, with_rules: bool = True
) -> list[int] | None:
    """The cheapest configuration by MaxSAT (RC2), for models without a join tree; None if there is no completion
    or (with the price rules) some rule is beyond it. Without them, by option prices alone."""
    soft = _soft_terms(model, sat, cost, with_rules)
    if soft is None:
        return None
    ways = percent_outcomes([(position, factor, lit) for position, factor, lit in soft.percents if lit is not None],
                            {position: factor for position, factor, lit in soft.percents if lit is None})
    if ways is None:
        return None
    best: tuple[float, list[int]] | None = None
    for applies, assumed in ways:
        wcnf = WCNF()
        wcnf.extend(soft.clauses)
        wcnf.extend([[lit] for lit in sat.choice_lits(fixed) + sat.all_rules])
        for lit, wanted in assumed:
            wcnf.append([lit if wanted else -lit])
        constant = _weigh(wcnf, sat, soft, cost, applies)
        with RC2(wcnf) as solver:
            found = solver.compute()
            if found is None:
                continue
            value = constant + solver.cost / WEIGHT_SCALE
        if best is None or value < best[0]:
            true = {lit for lit in found if lit > 0}
            best = (value, [next((i for i, lit in enumerate(lits) if lit in true), 0) for lits in sat.lits])
    return None if best is None else best[1]


def _soft_terms(model: CompiledModel, sat: SatModel, cost: Cost, with_rules: bool) -> _Soft | None:
    """Sort the price terms by how MaxSAT weighs them; None if a condition or formula is beyond it."""
    tabulator = _tabulator(model)
    soft = _Soft(list(sat.clauses), cost.value_costs(model))

    def atom(expr: Expr) -> Atom | None:
        mentioned = tabulator.scope(expr)
        if len(mentioned) != 1:
            return None
        _, rows = tabulator.allowed("price", [expr], lambda e: e)
        return Atom(mentioned[0], frozenset(int(r) for r in rows[:, 0]))

    for term in cost.terms if with_rules else ():
        if term.kind == "formula":
            tabulated = _tabulate(model, tabulator, term)
            if tabulated is None:
                return None
            soft.formulas.append((term.position, *tabulated))
            continue
        try:
            when = encode(lower(term.when, "price", atom), sat.lits, sat.ids, soft.clauses) if term.when else None
        except RuleError:
            return None
        if term.kind == "percent":
            soft.percents.append((term.position, term.amount, when))
        elif when is not None:
            soft.conditions.append((term.position, term.amount, when))
        else:
            # The same amount for every configuration, but scaled by whichever percent rules follow it.
            soft.steady.append((term.position, term.amount))
    return soft


def _weigh(wcnf: WCNF, sat: SatModel, soft: _Soft, cost: Cost, applies: Mapping[int, Decimal]) -> float:
    """Add each term as weighted soft clauses (amounts scaled by the percents after them); the constant part."""

    def scale(after: int) -> float:
        return float(cost.scale_after(after, applies))

    constant = float(cost.base) * scale(-1)
    constant += sum(float(amount) * scale(position) for position, amount in soft.steady)
    for var, row in enumerate(soft.costs):
        low = float(np.min(row)) if len(row) else 0.0
        constant += low * scale(-1)
        for value, per_value in enumerate(row):
            weight = round((float(per_value) - low) * scale(-1) * WEIGHT_SCALE)
            if weight > 0:
                wcnf.append([-sat.lits[var][value]], weight=weight)
    for position, scope, combos, formula_amounts in soft.formulas:
        # A formula's amount is scaled only by the percent rules after it; exactly one combination holds.
        low = float(np.min(formula_amounts))
        constant += low * scale(position)
        for combo, per_combo in zip(combos.tolist(), formula_amounts.tolist()):
            weight = round((per_combo - low) * scale(position) * WEIGHT_SCALE)
            if weight > 0:
                wcnf.append([-sat.lits[var][value] for var, value in zip(scope, combo)], weight=weight)
    for position, amount, lit in soft.conditions:
        weighted = float(amount) * scale(position)
        if weighted > 0:
            wcnf.append([-lit], weight=round(weighted * WEIGHT_SCALE))
        elif weighted < 0:
            constant += weighted
            wcnf.append([lit], weight=round(-weighted * WEIGHT_SCALE))
    return constant


def _tabulate(model: CompiledModel, tabulator: _ModelTabulator, term: Term) -> tuple[list[int], Array, Array] | None:
    """A (conditional) formula over its options: its scope, every combination, and the amount of each."""
    scope = list(dict.fromkeys(v for part in _parts(term) for v in tabulator.scope(part)))
    sizes = [len(model.variables[v].values) for v in scope]
    if math.prod(sizes) > MAX_SCOPE_GRID:
        return None
    combos = np.indices(sizes, dtype=np.int32).reshape(len(sizes), -1).T
    amounts = np.zeros(len(combos))
    constants = _constants(model)
    for index, picked in enumerate(combos.tolist()):
        values = {**constants, **catalog_values(model, zip(scope, picked))}
        if term.applies(values):
            amounts[index] = float(term.value(values))
    return scope, combos, amounts

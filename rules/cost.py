"""What a configuration costs: one definition, made once per product and price list, from which the exact pricer
(rules/pricing.py) and both cheapest-completion searches (rules/optimum.py: min-sum and MaxSAT) derive.

A unit price is the base price, plus each chosen value's own amount, plus the price rules in their order: an
amount or a formula where its condition holds, or a percent of the running subtotal. A percent rule therefore
scales everything before it; the searches use exactly that (`scale_after`), the pricer the running subtotal.
Quantity tiers then apply per unit or band; they shift or scale every configuration's price alike.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, assert_never

import numpy as np

from catalog.expressions import Expr, parse_expression
from catalog.kinds import listed_values, option_amounts
from catalog.pricelist import ResolvedPriceList, resolve
from catalog.schema import (
    Adjustment,
    AnyOption,
    Formula,
    Product,
    Tiers,
)
from catalog.wording import _
from rules.compile import CompiledModel
from rules.evaluate import evaluate, truth
from rules.tables import Array

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ValuePrice:
    """What choosing one value adds to the unit price: a choice's value id, or True for a boolean or filled text."""

    option: str
    value: str | bool
    label: str
    source: str
    amount: Decimal


@dataclass(frozen=True)
class Term:
    """One price rule, in its place in the order: an amount, a formula, or a percent of the subtotal before it."""

    position: int
    rule_id: str
    label: str
    kind: Literal["amount", "formula", "percent"]
    when: Expr | None
    amount: Decimal = Decimal(0)  # signed: the amount, or the percent as a factor (-0.1 for a 10% discount)
    expr: Expr | None = None

    def applies(self, values: Mapping[str, Any]) -> bool:
        """Whether its condition holds for these catalog values."""
        return self.when is None or truth(evaluate(self.when, values))

    def value(self, values: Mapping[str, Any]) -> Decimal:
        """Its amount for these values (a percent term's amount depends on the subtotal: see Cost.unit_lines)."""
        if self.kind == "formula":
            assert self.expr is not None
            return Decimal(evaluate(self.expr, values))
        return self.amount


@dataclass(frozen=True, eq=False)
class Cost:
    """The price definition of one product under one price list (compared by identity: cached per model)."""

    price_list: ResolvedPriceList
    values: tuple[ValuePrice, ...]
    terms: tuple[Term, ...]
    tiers: tuple[Tiers, ...]

    @property
    def base(self) -> Decimal:
        """The base price in this list."""
        return self.price_list.base_price

    def unit_lines(self, values: Mapping[str, Any]) -> Iterator[tuple[str, str, Decimal]]:
        """The unrounded lines of a unit price, exactly: (label, source, amount)."""
        subtotal = self.base
        yield _("Base price"), "base", self.base
        for priced in self.values:
            if _chosen(values.get(priced.option), priced.value):
                subtotal += priced.amount
                yield priced.label, priced.source, priced.amount
        for term in self.terms:
            if not term.applies(values):
                continue
            amount = subtotal * term.amount if term.kind == "percent" else term.value(values)
            subtotal += amount
            yield term.label, f"rule:{term.rule_id}", amount

    def scale_after(self, position: int, applying: Mapping[int, Decimal]) -> Decimal:
        """How much the percent terms after `position` scale an amount, given which percents apply (by position)."""
        scale = Decimal(1)
        for where, factor in applying.items():
            if where > position:
                scale *= 1 + factor
        return scale

    def value_costs(self, model: CompiledModel) -> list[Array]:
        """Each engine variable's per-value amount, as floats for the searches (prices themselves stay exact)."""
        costs = [np.zeros(len(var.values)) for var in model.variables]
        by_option: dict[str, list[ValuePrice]] = {}
        for priced in self.values:
            by_option.setdefault(priced.option, []).append(priced)
        for index, var in enumerate(model.variables):
            for priced in by_option.get(var.option, ()):
                if var.kind == "member" and var.member == priced.value:
                    costs[index][1] = float(priced.amount)
                elif var.kind == "choice" and priced.value in var.values:
                    costs[index][var.values.index(priced.value)] = float(priced.amount)
                elif var.kind in ("boolean", "filled"):
                    costs[index][1] = float(priced.amount)
        return costs


def cost_of(product: Product, price_list: ResolvedPriceList) -> Cost:
    """The price definition of a product under a price list (expressions parsed here, once)."""
    values = tuple(p for option in product.options() for p in _value_prices(option, price_list) if p.amount)
    terms: list[Term] = []
    tiers: list[Tiers] = []
    for position, rule in enumerate(product.pricing):
        # Every price rule kind is handled here (a new kind fails mypy until it is): a term, or the tiers.
        match rule:
            case Adjustment():
                when = parse_expression(rule.when) if rule.when else None
                sign = Decimal(-1) if rule.type == "discount" else Decimal(1)
                if rule.percent is not None:
                    terms.append(Term(position, rule.id, rule.label, "percent", when, sign * rule.percent / HUNDRED))
                else:
                    amount = sign * price_list.amount(rule.id)
                    terms.append(Term(position, rule.id, rule.label, "amount", when, amount))
            case Formula():
                when = parse_expression(rule.when) if rule.when else None
                expr = parse_expression(price_list.formulas[rule.id])
                terms.append(Term(position, rule.id, rule.label, "formula", when, expr=expr))
            case Tiers():
                tiers.append(rule)
            case _:
                assert_never(rule)
    return Cost(price_list, values, tuple(terms), tuple(tiers))


@functools.lru_cache(maxsize=256)
def cost_for(model: CompiledModel, list_id: str | None) -> Cost | None:
    """A compiled product's price definition under the list `list_id` (its default when None), made once."""
    price_list = resolve(model.product, list_id)
    return None if price_list is None else cost_of(model.product, price_list)


def _value_prices(option: AnyOption, price_list: ResolvedPriceList) -> list[ValuePrice]:
    """What each of an option's values adds: its amount in the list, plus (a choice's) percent of the base."""
    label = option.label or option.id
    values = {value.id: value for value in listed_values(option)}
    priced = []
    for key, value_id, amount in option_amounts(option):
        delta = price_list.amount(key) if amount else Decimal(0)
        value = values.get(value_id) if isinstance(value_id, str) else None
        if value is None:
            priced.append(ValuePrice(option.id, value_id, label, f"option:{option.id}", delta))
            continue
        if value.price_percent:
            delta += price_list.base_price * value.price_percent / HUNDRED
        shown = f"{label}: {value.label or value.id}"
        priced.append(ValuePrice(option.id, value_id, shown, f"option:{option.id}={value.id}", delta))
    return priced


def _chosen(chosen: Any, value: str | bool) -> bool:
    """Whether an option's chosen catalog value includes `value` (a set for multi, truth for boolean and text)."""
    if value is True:
        return truth(chosen)
    if isinstance(chosen, frozenset | set | list | tuple):
        return value in chosen
    return bool(chosen == value)

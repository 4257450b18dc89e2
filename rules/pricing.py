"""Pricing: an itemized, exact Decimal price for a complete configuration under one price list."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation, localcontext
from typing import Any

import numpy as np

from catalog.expressions import parse_expression
from catalog.pricelist import ResolvedPriceList, resolve
from catalog.schema import (
    Adjustment,
    BooleanOption,
    Formula,
    MultiOption,
    Product,
    QuantityOption,
    SingleOption,
    TextOption,
    Tiers,
    Value,
)
from rules.compile import CompiledModel
from rules.domains import needs_value
from rules.engine import Engine
from rules.errors import PriceRangeError
from rules.evaluate import evaluate, truth
from rules.selection import Violation, parse_selection

ROUNDING = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN, "up": ROUND_UP}
HUNDRED = Decimal(100)
PRICE_DIGITS = 60
MAX_PRICE = Decimal(10) ** 18


@dataclass(frozen=True)
class PriceLine:
    """One line of a breakdown: where it comes from, and its amount for the whole quantity."""

    label: str
    source: str  # base, option:<id>=<value>, rule:<id>, tier:<id>, tax
    amount: Decimal
    unit_amount: Decimal | None = None


@dataclass(frozen=True)
class Price:
    """An itemized price: the lines add up to the total exactly."""

    currency: str
    price_list: str
    quantity: int
    lines: tuple[PriceLine, ...]
    unit_price: Decimal
    net: Decimal
    tax_rate: Decimal | None
    tax: Decimal
    total: Decimal


def value_delta(price_list: ResolvedPriceList, option_id: str, value: Value) -> Decimal:
    """What choosing a value adds to the unit price: its amount in the list, plus its percent of the base."""
    delta = price_list.amount(f"{option_id}.{value.id}") if value.price else Decimal(0)
    if value.price_percent:
        delta += price_list.base_price * value.price_percent / HUNDRED
    return delta


def price(product: Product, values: Mapping[str, Any], quantity: int, price_list: ResolvedPriceList) -> Price:
    """Price a complete configuration (catalog values by option id) for `quantity` units."""
    # Catalog amounts are bounded, but formulas multiply and percents compound: work with digits to spare, and
    # refuse a price beyond MAX_PRICE rather than round it silently or fail on it.
    with localcontext() as ctx:
        ctx.prec = PRICE_DIGITS
        try:
            priced = _price(product, values, quantity, price_list)
        except (InvalidOperation, OverflowError):
            priced = None
    if priced is None or any(abs(line.amount) >= MAX_PRICE for line in priced.lines) or abs(priced.total) >= MAX_PRICE:
        raise PriceRangeError(f"the price of this configuration is beyond {MAX_PRICE:,} (check the price rules)")
    return priced


def _price(product: Product, values: Mapping[str, Any], quantity: int, price_list: ResolvedPriceList) -> Price:
    exponent = Decimal(1).scaleb(-price_list.precision)
    mode = ROUNDING[price_list.rounding]

    def rounded(amount: Decimal) -> Decimal:
        return amount.quantize(exponent, rounding=mode)

    unit_lines: list[tuple[str, str, Decimal]] = [("Base price", "base", price_list.base_price)]
    for option in product.options():
        chosen = values.get(option.id)
        label = option.label or option.id
        if isinstance(option, (SingleOption, MultiOption)):
            picked = [chosen] if isinstance(option, SingleOption) else sorted(chosen or ())
            for value in option.values:
                if value.id not in picked:
                    continue
                delta = value_delta(price_list, option.id, value)
                if delta:
                    unit_lines.append((f"{label}: {value.label or value.id}", f"option:{option.id}={value.id}", delta))
        elif isinstance(option, (BooleanOption, TextOption)) and option.price and truth(chosen):
            unit_lines.append((label, f"option:{option.id}", price_list.amount(option.id)))
    for rule in product.pricing:
        if isinstance(rule, Tiers) or (
            rule.when is not None and not truth(evaluate(parse_expression(rule.when), values))
        ):
            continue
        if isinstance(rule, Adjustment):
            subtotal = sum((amount for _, _, amount in unit_lines), Decimal(0))
            amount = price_list.amount(rule.id) if rule.amount is not None else subtotal * (rule.percent or 0) / HUNDRED
            unit_lines.append((rule.label, f"rule:{rule.id}", -amount if rule.type == "discount" else amount))
        elif isinstance(rule, Formula):
            amount = Decimal(evaluate(parse_expression(price_list.formulas[rule.id]), values))
            unit_lines.append((rule.label, f"rule:{rule.id}", amount))
    unit_price = sum((rounded(amount) for _, _, amount in unit_lines), Decimal(0))
    lines = [
        PriceLine(label, source, rounded(amount) * quantity, rounded(amount)) for label, source, amount in unit_lines
    ]
    for rule in product.pricing:
        if isinstance(rule, Tiers):
            lines.extend(_tier_lines(rule, quantity, unit_price, price_list, rounded))
    net = sum((line.amount for line in lines), Decimal(0))
    tax = rounded(net * price_list.tax_rate / HUNDRED) if price_list.tax_rate else Decimal(0)
    if price_list.tax_rate:
        lines.append(PriceLine(f"Tax {price_list.tax_rate}%", "tax", tax))
    return Price(
        currency=price_list.currency,
        price_list=price_list.id,
        quantity=quantity,
        lines=tuple(lines),
        unit_price=unit_price,
        net=net,
        tax_rate=price_list.tax_rate,
        tax=tax,
        total=net + tax,
    )


def _tier_lines(
    rule: Tiers, quantity: int, unit_price: Decimal, price_list: ResolvedPriceList, rounded: Any
) -> list[PriceLine]:
    """Range: every unit at the tier the quantity falls in. Slab: each band of units at its own tier."""
    lines = []
    for number, tier in enumerate(rule.tiers, start=1):
        high = tier.max if tier.max is not None else quantity
        if rule.mode == "range":
            units = quantity if tier.min <= quantity <= high else 0
        else:
            units = max(0, min(quantity, high) - tier.min + 1)
        if not units:
            continue
        per_unit = (
            price_list.amount(f"{rule.id}.{number}")
            if tier.amount is not None
            else unit_price * (tier.percent or 0) / HUNDRED
        )
        per_unit = rounded(per_unit)
        if per_unit:
            band = f"{tier.min}+" if tier.max is None else f"{tier.min}-{tier.max}"
            lines.append(
                PriceLine(f"{rule.label} ({band}: {units} x {per_unit})", f"tier:{rule.id}", per_unit * units, per_unit)
            )
    return lines


@dataclass(frozen=True)
class Priced:
    """A price, or why there is none (violations or missing values)."""

    price: Price | None
    violations: tuple[Violation, ...] = ()
    selections: Mapping[str, Any] | None = None


@functools.lru_cache(maxsize=256)
def price_list_of(model: CompiledModel, list_id: str | None) -> ResolvedPriceList | None:
    """A compiled product's price list, resolved once."""
    return resolve(model.product, list_id)


def price_selection(
    engine: Engine, selections: Mapping[str, Any], quantity: int | None = None, list_id: str | None = None
) -> Priced:
    """Price a complete, consistent selection; anything else gets the reasons instead of a price."""
    priced = _price_checked(engine, selections, quantity, list_id, quick=False)
    assert priced is not None, "a full check always decides"
    return priced


def quick_price(
    engine: Engine, selections: Mapping[str, Any], quantity: int | None = None, list_id: str | None = None
) -> Priced | None:
    """price_selection when the engine can check the selection cheaply (see Engine.quick_check); None otherwise."""
    return _price_checked(engine, selections, quantity, list_id, quick=True)


def _price_checked(
    engine: Engine, selections: Mapping[str, Any], quantity: int | None, list_id: str | None, *, quick: bool
) -> Priced | None:
    price_list = price_list_of(engine.model, list_id)
    if price_list is None:
        return Priced(None, (Violation(f"unknown price list '{list_id}'"),))
    state = engine.quick_check(selections) if quick else engine.check(selections)
    if state is None:
        return None
    if not state.consistent:
        return Priced(None, state.violations)
    if not state.complete:
        missing = [o.id for o in engine.model.options.values() if o.id not in selections and needs_value(o)]
        return Priced(None, tuple(Violation(f"incomplete: no value for {name}", option=name) for name in missing))
    units = _quantity(engine.model.product, state.values, quantity)
    return Priced(price(engine.model.product, state.values, units, price_list), (), state.values)


def from_price(engine: Engine, selections: Mapping[str, Any], list_id: str | None = None) -> Priced:
    """The price of the cheapest completion of a partial selection (by option prices), labelled 'from'."""
    price_list = price_list_of(engine.model, list_id)
    if price_list is None:
        return Priced(None, (Violation(f"unknown price list '{list_id}'"),))
    parsed = parse_selection(engine.model, selections)
    if parsed.violations:
        return Priced(None, tuple(parsed.violations))
    completion = engine.cheapest(selections, _unit_costs(engine, price_list), price_list)
    if completion is None:
        return Priced(None, (Violation("no valid configuration extends this selection"),))
    units = _quantity(engine.model.product, completion, None)
    return Priced(price(engine.model.product, completion, units, price_list), (), completion)


def _unit_costs(engine: Engine, price_list: ResolvedPriceList) -> list[Any]:
    """Each variable's per-value price delta, as floats for the minimisation (the price itself stays exact)."""
    costs = []
    for var in engine.model.variables:
        option = engine.model.options[var.option]
        row = np.zeros(len(var.values))
        if isinstance(option, (SingleOption, MultiOption)):
            for value in option.values:
                delta = value_delta(price_list, option.id, value)
                if var.kind == "choice" and value.id in var.values:
                    row[var.values.index(value.id)] = float(delta)
                elif var.kind == "member" and var.member == value.id:
                    row[1] = float(delta)
        elif isinstance(option, (BooleanOption, TextOption)) and option.price:
            row[1] = float(price_list.amount(option.id))
        costs.append(row)
    return costs


def _quantity(product: Product, values: Mapping[str, Any], quantity: int | None) -> int:
    if quantity is not None:
        return quantity
    for option in product.options():
        if isinstance(option, QuantityOption):
            chosen = values.get(option.id)
            if chosen is not None:
                return int(chosen)
            return option.default if option.default is not None else option.min
    return 1

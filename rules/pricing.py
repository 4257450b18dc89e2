"""Pricing: an itemized, exact Decimal price for a complete configuration under one price list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation, localcontext
from typing import Any, Literal

from catalog.kinds import default_value, traits
from catalog.pricelist import ResolvedPriceList
from catalog.schema import (
    Product,
    Tiers,
)
from catalog.values import number_words
from catalog.wording import _
from rules.cost import Cost, cost_for
from rules.domains import Domains, missing
from rules.engine import Engine
from rules.errors import PriceRangeError
from rules.selection import Selection, Violation, parse_selection
from rules.variant import variant_key

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
    tax_included: bool = False  # the lines hold the tax (consumer prices): it is part of the total, not a line


def price(cost: Cost, values: Mapping[str, Any], quantity: int) -> Price:
    """Price a complete configuration (catalog values by option id) for `quantity` units."""
    # Catalog amounts are bounded, but formulas multiply and percents compound: work with digits to spare, and
    # refuse a price beyond MAX_PRICE rather than round it silently or fail on it.
    with localcontext() as ctx:
        ctx.prec = PRICE_DIGITS
        try:
            priced = _price(cost, values, quantity)
        except (InvalidOperation, OverflowError):
            priced = None
    if priced is None or any(abs(line.amount) >= MAX_PRICE for line in priced.lines) or abs(priced.total) >= MAX_PRICE:
        raise PriceRangeError(_("the price of this configuration is beyond %(most)s (check the price rules)") % {
            "most": number_words(Decimal(MAX_PRICE))})
    return priced


def _price(cost: Cost, values: Mapping[str, Any], quantity: int) -> Price:
    price_list = cost.price_list
    exponent = Decimal(1).scaleb(-price_list.precision)
    mode = ROUNDING[price_list.rounding]

    def rounded(amount: Decimal) -> Decimal:
        return amount.quantize(exponent, rounding=mode)

    unit_lines = list(cost.unit_lines(values))
    unit_price = sum((rounded(amount) for _, _, amount in unit_lines), Decimal(0))
    lines = [
        PriceLine(label, source, rounded(amount) * quantity, rounded(amount)) for label, source, amount in unit_lines
    ]
    for rule in cost.tiers:
        lines.extend(_tier_lines(rule, quantity, unit_price, price_list, rounded))
    net = sum((line.amount for line in lines), Decimal(0))
    if price_list.tax_rate and price_list.tax_included:  # the tax the sum holds: net is what is left of it
        total = net
        tax = rounded(total * price_list.tax_rate / (HUNDRED + price_list.tax_rate))
        net = total - tax
    else:
        tax = rounded(net * price_list.tax_rate / HUNDRED) if price_list.tax_rate else Decimal(0)
        if price_list.tax_rate:
            lines.append(PriceLine(_("Tax %(rate)s%%") % {"rate": number_words(price_list.tax_rate)}, "tax", tax))
        total = net + tax
    return Price(
        currency=price_list.currency,
        price_list=price_list.id,
        quantity=quantity,
        lines=tuple(lines),
        unit_price=unit_price,
        net=net,
        tax_rate=price_list.tax_rate,
        tax=tax,
        total=total,
        tax_included=price_list.tax_included and bool(price_list.tax_rate),
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
    variant: str | None = None  # the variant key of a complete configuration (not of a 'from' price's completion)


def price_selection(
    engine: Engine, selections: Selection, quantity: int | None = None, list_id: str | None = None
) -> Priced:
    """Price a complete, consistent selection; anything else gets the reasons instead of a price."""
    cost = cost_for(engine.model, list_id)
    return _unknown_list(list_id) if cost is None else _priced(engine, cost, engine.check(selections), quantity)


def quick_price(
    engine: Engine, selections: Selection, quantity: int | None = None, list_id: str | None = None
) -> Priced | None:
    """price_selection when the engine can check the selection cheaply (see Engine.quick_check); None otherwise."""
    cost = cost_for(engine.model, list_id)
    if cost is None:
        return _unknown_list(list_id)
    state = engine.quick_check(selections)
    return None if state is None else _priced(engine, cost, state, quantity)


def _priced(engine: Engine, cost: Cost, state: Domains, quantity: int | None) -> Priced:
    if not state.consistent:
        return Priced(None, state.violations)
    if not state.complete:
        return Priced(None, tuple(
            Violation(_("%(option)s: no value chosen yet") % {"option": option.label or option.id}, option=option.id)
            for option in missing(engine.model, state.values)))
    units = _quantity(engine.model.product, state.values, quantity)
    return Priced(price(cost, state.values, units), (), state.values, variant_key(engine.model, state.values))


def _unknown_list(list_id: str | None) -> Priced:
    return Priced(None, (Violation(_("unknown price list %(list)s") % {"list": f"'{list_id}'"}),))


def from_price(engine: Engine, selections: Selection, list_id: str | None = None) -> Priced:
    """The price of the cheapest completion of a partial selection (by option prices), labelled 'from'."""
    cost = cost_for(engine.model, list_id)
    if cost is None:
        return _unknown_list(list_id)
    parsed = parse_selection(engine.model, selections)
    if parsed.violations:
        return Priced(None, tuple(parsed.violations))
    completion = engine.cheapest(parsed, cost)
    if completion is None:
        return Priced(None, (Violation(_("no valid configuration extends this selection")),))
    units = _quantity(engine.model.product, completion, None)
    return Priced(price(cost, completion, units), (), completion)


def shown_price(
    engine: Engine, selection: Selection, complete: bool, list_id: str | None = None
) -> tuple[Literal["total", "from"], Priced]:
    """The price a selection is shown with, decided here for the API and the page alike: its total where it is
    complete and consistent, else "from" the price of its cheapest completion (in the price list `list_id`)."""
    if complete:
        return "total", price_selection(engine, selection, None, list_id)
    return "from", from_price(engine, selection, list_id)


def _quantity(product: Product, values: Mapping[str, Any], quantity: int | None) -> int:
    """Units: as asked, else the quantity option's value (or where it starts), else 1."""
    if quantity is not None:
        return quantity
    for option in product.options():
        if traits(option).order_quantity:
            chosen = values.get(option.id)
            return int(chosen if chosen is not None else default_value(option))
    return 1

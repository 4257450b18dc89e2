"""The price as the shop shows it: the total or the from-price, each line in money, and what each value adds."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from catalog.values import number_words
from catalog.wording import _
from configurator.views.money import money, money_change
from rules.cost import cost_for
from rules.engine import Engine
from rules.pricing import Price, shown_price
from rules.selection import Selection


@dataclass(frozen=True)
class PriceView:
    """The price shown: the total of a complete configuration, or 'from' the cheapest completion."""

    label: Literal["total", "from"]
    currency: str
    total: str
    lines: tuple[tuple[str, str], ...]


def value_deltas(engine: Engine, price_list: str | None) -> dict[tuple[str, str | bool], str]:
    """What each value adds to the price in the price list, in words ("+€20.00"), by option and value."""
    cost = cost_for(engine.model, price_list)
    if cost is None:
        return {}
    return {(p.option, p.value): money_change(p.amount, cost.price_list.currency) for p in cost.values}


def price_view(engine: Engine, selection: Selection, complete: bool, price_list: str | None) -> PriceView | None:
    label, priced = shown_price(engine, selection, complete, price_list)
    return None if priced.price is None else _shown(priced.price, label)


def _shown(price: Price, label: Literal["total", "from"]) -> PriceView:
    lines = tuple((line.label, money(line.amount, price.currency)) for line in price.lines)
    if price.tax_included:  # said, not added: the amounts above hold it
        lines += ((included_tax(price.tax_rate), money(price.tax, price.currency)),)
    return PriceView(label, price.currency, money(price.total, price.currency), lines)


def included_tax(rate: object) -> str:
    """The line that says how much tax a consumer price holds ("Including tax 19%")."""
    return _("Including tax %(rate)s%%") % {"rate": number_words(Decimal(str(rate)))}

"""Price lists: which amounts a product has, and each list's own amounts, rounding and tax."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from catalog.kinds import option_amounts
from catalog.schema import (
    Adjustment,
    Formula,
    PriceList,
    Product,
    Tiers,
)


def amount_keys(product: Product) -> dict[str, Decimal]:
    """Every absolute amount of the product by its price-list key, with its value in the product's currency."""
    keys = {key: amount for option in product.options() for key, _, amount in option_amounts(option) if amount}
    for rule in product.pricing:
        if isinstance(rule, Adjustment) and rule.amount is not None:
            keys[rule.id] = rule.amount
        elif isinstance(rule, Tiers):
            for number, tier in enumerate(rule.tiers, start=1):
                if tier.amount is not None:
                    keys[f"{rule.id}.{number}"] = tier.amount
    return keys


def formula_keys(product: Product) -> dict[str, str]:
    """Every formula of the product by its price rule id."""
    return {rule.id: rule.expr for rule in product.pricing if isinstance(rule, Formula)}


@dataclass(frozen=True)
class ResolvedPriceList:
    """One price list with every amount and formula settled."""

    id: str
    currency: str
    precision: int
    rounding: str
    tax_rate: Decimal | None
    base_price: Decimal
    amounts: Mapping[str, Decimal] = field(default_factory=dict)
    formulas: Mapping[str, str] = field(default_factory=dict)
    tax_included: bool = False  # amounts hold the tax (consumer prices): it is worked out of the total

    def amount(self, key: str) -> Decimal:
        """The list's amount for a key (every key is there: the loader checks lists in other currencies)."""
        return self.amounts[key]


def _default(product: Product) -> PriceList | None:
    return next((p for p in product.price_lists if p.currency == product.currency), None)


def resolve(product: Product, list_id: str | None = None) -> ResolvedPriceList | None:
    """The price list `list_id` (the product's default when None), or None if there is no such list."""
    chosen = _default(product) if list_id is None else next((p for p in product.price_lists if p.id == list_id), None)
    if chosen is None:
        if list_id is not None and list_id != product.currency.lower():
            return None
        return ResolvedPriceList(
            product.currency.lower(),
            product.currency,
            2,
            "half_up",
            None,
            product.base_price,
            amount_keys(product),
            formula_keys(product),
        )
    same = chosen.currency == product.currency
    amounts = {**(amount_keys(product) if same else {}), **chosen.amounts}
    formulas = {**(formula_keys(product) if same else {}), **chosen.formulas}
    base = chosen.base_price if chosen.base_price is not None else product.base_price
    return ResolvedPriceList(
        chosen.id, chosen.currency, chosen.precision, chosen.rounding, chosen.tax_rate, base, amounts, formulas,
        chosen.tax_included,
    )

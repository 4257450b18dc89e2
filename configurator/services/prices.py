"""A price as data: the itemized price the API answers and a quote stores, every amount a decimal string."""

from __future__ import annotations

from pydantic import BaseModel, Field

from rules.pricing import Price


class PriceLineOut(BaseModel):
    """One line of a breakdown; amounts are decimal strings."""

    label: str
    amount: str
    source: str
    unit_amount: str | None = None


class PriceOut(BaseModel):
    """An itemized price; `total` is the sum of `lines`."""

    currency: str
    price_list: str
    quantity: int
    unit_price: str
    net: str
    tax_rate: str | None
    tax: str
    tax_included: bool = Field(
        False, description="The lines hold the tax (consumer prices): it is part of the total, not a line of its own.")
    gross: str = Field(description="Net plus tax; the same as total.")
    total: str
    lines: list[PriceLineOut]
    label: str = Field(description="'total' for a complete configuration, 'from' for the cheapest completion.")
    variant: str | None = Field(
        None,
        description="A complete configuration's variant: the same for configurations that differ only in "
        "presentation or in-use settings.",
    )


def price_out(price: Price, label: str = "total", variant: str | None = None) -> PriceOut:
    """A price as API data: every amount a decimal string."""
    return PriceOut(
        currency=price.currency,
        price_list=price.price_list,
        quantity=price.quantity,
        unit_price=str(price.unit_price),
        net=str(price.net),
        tax_rate=None if price.tax_rate is None else str(price.tax_rate),
        tax=str(price.tax),
        tax_included=price.tax_included,
        gross=str(price.total),
        total=str(price.total),
        lines=[
            PriceLineOut(
                label=line.label,
                amount=str(line.amount),
                source=line.source,
                unit_amount=None if line.unit_amount is None else str(line.unit_amount),
            )
            for line in price.lines
        ],
        label=label,
        variant=variant,
    )

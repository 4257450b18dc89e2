"""Regression: on the MaxSAT path an unconditional amount was left out of the search as "the same for all".

It is not: a conditional percent rule after it scales it for some configurations only. Found by the from-price
property test (Hypothesis seed 6): 90.10 was offered where 90.00 exists.
"""

from __future__ import annotations

from decimal import Decimal

from catalog.schema import Product
from rules.compile import compile_product
from rules.engine import Engine
from rules.pricing import from_price

PRODUCT = {
    "id": "steady",
    "name": "Steady",
    "currency": "EUR",
    "base_price": "100",
    "steps": [{"id": "all", "label": "All", "options": [{"id": "s0", "type": "single", "values": ["v0", "v1"]}]}],
    "pricing": [
        {"id": "f", "label": "f", "type": "formula", "expr": 'count(s0 == "v0") * 10'},
        {"id": "p0", "label": "p0", "type": "discount", "amount": "11"},
        {"id": "p1", "label": "p1", "type": "discount", "if": 's0 == "v0"', "percent": "10"},
        {"id": "p2", "label": "p2", "type": "surcharge", "amount": "1"},
    ],
}


def test_unconditional_amounts_are_scaled_by_later_percents() -> None:
    engine = Engine(compile_product(Product.model_validate(PRODUCT)), backend="sat")
    # v0: (100 + 10 - 11) * 0.9 + 1 = 90.10; v1: 100 - 11 + 1 = 90.00.
    found = from_price(engine, {})
    assert found.price is not None and found.selections is not None
    assert (found.selections["s0"], found.price.total) == ("v1", Decimal("90.00"))

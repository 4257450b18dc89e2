"""Regression: on the MaxSAT path a price formula after a percent discount was scaled by that discount too.

Found by the from-price property test (Hypothesis seed 11): the search picked n0 = 3 (111.00) over the
cheaper n0 = 0, s0 = v1 (108.90), because `n0 * 7` was weighted 0.9 like the option prices before the discount.
"""

from __future__ import annotations

from decimal import Decimal

from catalog.schema import Product
from rules.compile import compile_product
from rules.engine import Engine
from rules.pricing import from_price

PRODUCT = {
    "id": "scaled",
    "name": "Scaled",
    "currency": "EUR",
    "base_price": "100",
    "steps": [
        {
            "id": "all",
            "label": "All",
            "options": [
                {"id": "s0", "type": "single", "values": [{"id": "v0"}, {"id": "v1", "price": "1"}]},
                {"id": "s1", "type": "single", "values": ["v0", "v1", "v2"]},
                {"id": "n0", "type": "number", "min": 0, "max": 3},
            ],
        }
    ],
    "pricing": [
        {"id": "p0", "label": "p0", "type": "discount", "percent": "10"},
        {"id": "p1", "label": "p1", "type": "surcharge", "if": 's1 == "v0" and n0 <= 2', "amount": "18"},
        {"id": "p2", "label": "p2", "type": "surcharge", "if": 's0 == "v0" and n0 <= 2', "amount": "1"},
        {"id": "f", "label": "f", "type": "formula", "expr": "n0 * 7"},
    ],
}


def test_formula_after_a_discount_is_not_discounted_in_the_search() -> None:
    engine = Engine(compile_product(Product.model_validate(PRODUCT)), backend="sat")
    found = from_price(engine, {"s1": "v0"})
    assert found.price is not None and found.selections is not None
    assert found.price.total == Decimal("108.90")
    assert (found.selections["s0"], found.selections["n0"]) == ("v1", Decimal(0))

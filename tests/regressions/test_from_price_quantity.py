"""Regression: on the SAT path the from-price of a product whose quantity option a rule constrains came out for
4 units (380.00) where 1 unit costs 105.00: the cheapest search weighs per-unit prices, so the quantity it left
open was arbitrary. An open quantity is now set to its least possible value before the search, on both backends.
Found by tests/rules/test_backends.py."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from catalog.loader import load_product
from rules.backend import BackendName
from rules.compile import compile_product
from rules.engine import Engine
from rules.pricing import from_price, price_selection

FIXTURE = Path(__file__).parent.parent / "rules" / "fixtures" / "every-kind.yaml"
MODEL = compile_product(load_product(FIXTURE).product)


def _cheapest_by_brute_force(engine: Engine, selection: dict[str, object]) -> Decimal:
    grids: dict[str, list[Any]] = {
        "frame": ["S", "M", "L"],
        "extras": [list(s) for r in range(3) for s in itertools.combinations(["rack", "bell", "light"], r)],
        "belt": [False, True],
        "height": [150, 160, 170, 180, 190],
        "engraving": ["", "AB"],
        "units": [1, 2, 3, 4],
    }
    totals = []
    for combo in itertools.product(*grids.values()):
        config = {**dict(zip(grids, combo)), **selection}
        priced = price_selection(engine, config)
        if priced.price is not None:
            totals.append(priced.price.total)
    return min(totals)


@pytest.mark.parametrize("backend", ["tree", "sat"])
@pytest.mark.parametrize(
    ("selection", "total"), [({}, Decimal("105.00")), ({"frame": "L", "belt": True}, Decimal("176.02"))]
)
def test_the_from_price_is_the_cheapest_order(
    backend: BackendName, selection: dict[str, object], total: Decimal
) -> None:
    engine = Engine(MODEL, backend=backend)
    found = from_price(engine, selection)
    assert found.price is not None and found.selections is not None
    assert found.price.total == _cheapest_by_brute_force(engine, selection) == total
    assert found.selections["units"] == 1

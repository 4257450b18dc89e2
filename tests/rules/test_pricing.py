"""Pricing: hand-computed breakdowns, slab tiers, from-prices and the lines-add-up property."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from catalog.errors import CatalogErrors
from catalog.loader import load_product, parse_product
from catalog.pricelist import resolve
from catalog.schema import Product
from rules.cost import cost_of
from rules.engine import Engine, engine_for
from rules.pricing import from_price, price, price_selection
from tests.conftest import BUNDLED

HERE = Path(__file__).parent
CASES = YAML(typ="safe").load((HERE / "pricing_cases.yaml").read_text())


def _engine() -> Engine:
    loaded = load_product(HERE / "fixtures" / "priced.yaml")
    return engine_for(loaded.product, loaded.content_hash)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_hand_computed_prices(case: dict[str, Any]) -> None:
    priced = price_selection(_engine(), case["select"], case["quantity"], case.get("price_list"))
    assert priced.price is not None, priced.violations
    got = priced.price
    assert [[line.source, str(line.amount)] for line in got.lines] == case["lines"]
    assert (str(got.net), str(got.total)) == (case["net"], case["total"])


def test_slab_tiers_price_band_by_band() -> None:
    loaded = load_product(BUNDLED / "lighting-kit.yaml")
    product = loaded.product
    values = {"scene_wake": True, "scene_evening": "warm", "brightness": Decimal(70), "away_mode": False}
    list_ = resolve(product)
    assert list_ is not None
    got = price(cost_of(product, list_), values, 12)
    # 189.00 a unit x 12; bands: 1-2 at 0, 3-10 (8 units) at -3.00, 11-12 (2 units) at -5.00
    tiers = [(line.label, line.amount) for line in got.lines if line.source == "tier:extra-bulbs"]
    assert tiers == [
        ("Extra bulbs (3-10: 8 x -3.00)", Decimal("-24.00")),
        ("Extra bulbs (11+: 2 x -5.00)", Decimal("-10.00")),
    ]
    assert got.total == Decimal("189.00") * 12 - 34


def test_incomplete_and_inconsistent_selections_get_reasons() -> None:
    engine = _engine()
    incomplete = price_selection(engine, {"size": "S"}).violations
    assert [v.option for v in incomplete] == ["extras", "gift", "width"]
    assert incomplete[0].message == "Extras: no value chosen yet"  # its label
    bad = price_selection(engine, {"size": "XL", "extras": ["a"], "gift": False, "width": 10})
    assert bad.price is None and [(v.rule_id, v.message) for v in bad.violations] == [("xl-no-a", "XL cannot have a.")]
    assert [v.message for v in price_selection(engine, {}, list_id="gbp").violations] == ["unknown price list 'gbp'"]


@pytest.mark.parametrize(
    ("mode", "expected"), [("half_up", "-14.53"), ("half_even", "-14.52"), ("down", "-14.52"), ("up", "-14.53")]
)
def test_rounding_modes(mode: str, expected: str) -> None:
    engine = _engine()
    eur = resolve(engine.model.product, "eur")
    assert eur is not None
    # 100 + L 20 + b 7.50 + gift 3.33 + big gift 4.00 + note 10.42 (overridden) = 145.25; promo -10% = -14.525
    listed = replace(eur, rounding=mode, amounts={**eur.amounts, "note": Decimal("10.42")})
    values = {"size": "L", "extras": frozenset({"b"}), "gift": True, "note": "x", "width": Decimal(10)}
    got = price(cost_of(engine.model.product, listed), values, 1)
    promo = next(line for line in got.lines if line.source == "rule:promo")
    assert str(promo.amount) == expected


def test_from_price_is_the_cheapest_completion() -> None:
    engine = _engine()
    cheapest = from_price(engine, {"size": "XL"})
    assert cheapest.price is not None and cheapest.selections is not None
    # Plain XL is 130.00, but extra b (+7.50) brings the 10% promotion: 137.50 - 13.75 = 123.75.
    assert cheapest.selections["extras"] == frozenset({"b"}) and cheapest.selections["gift"] is False
    assert cheapest.price.net == Decimal("123.75")


def test_foreign_price_list_must_give_every_amount() -> None:
    text = (HERE / "fixtures" / "priced.yaml").read_text().replace('extras.b: "8", ', "")
    with pytest.raises(CatalogErrors, match=r"price list 'usd' in USD has no amount for extras.b"):
        parse_product(text.encode(), "priced.yaml")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_total_is_the_sum_of_lines(data: st.DataObject) -> None:
    engine = _engine()
    product: Product = engine.model.product
    selection: dict[str, Any] = {}
    for option in product.options():
        domain = engine.valid_domains(selection).domains[option.id]
        if option.type == "multi":
            must = [v for v in domain.values if v not in domain.excludable]
            maybe = [v for v in domain.values if v in domain.excludable and data.draw(st.booleans())]
            selection[option.id] = must + maybe
        elif option.type == "text":
            selection[option.id] = data.draw(st.sampled_from(["", "hello"]))
        else:
            selection[option.id] = data.draw(st.sampled_from(domain.values))
    quantity = data.draw(st.integers(1, 120))
    for list_id in ("eur", "usd", "eur-gross"):
        priced = price_selection(engine, selection, quantity, list_id)
        assert priced.price is not None, priced.violations
        got = priced.price
        assert sum(line.amount for line in got.lines) == got.total == got.net + got.tax
        assert all(
            line.amount == line.amount.quantize(Decimal(1).scaleb(-(0 if list_id == "usd" else 2)))
            for line in priced.price.lines
        )

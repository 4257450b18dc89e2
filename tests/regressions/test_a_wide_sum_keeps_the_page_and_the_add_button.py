"""Regressions from the first use of components (issue 24) in the shop.

- A product whose sum over instances was compiled as a chain of partial sums answered 500: the page's obstacles
  pass sized its arrays for the options' variables only, so the hidden partial sums fell off the end.
- "Add Section" was disabled on a wardrobe whose wall had room: the absent instances' implied values were fixed as
  if the shopper had chosen them, so no number of sections but the current one could be switched to.
"""

from __future__ import annotations

from decimal import Decimal

from catalog.loader import load_product
from rules.engine import engine_for
from tests.conftest import BUNDLED, app_client


def test_the_wardrobe_page_answers_and_offers_another_section() -> None:
    loaded = load_product(BUNDLED / "wardrobe.yaml")
    engine = engine_for(loaded.product, loaded.content_hash)
    assert any(not variable.option for variable in engine.model.variables)  # a chain's partial sums are there
    chosen = {"wall_width": 240, "sections": 2}
    assert Decimal(3) in engine.obstacles(chosen).alternatives["sections"].values
    with app_client() as client:
        page = client.get("/products/wardrobe", params={**chosen, "step": "sections"})
    assert page.status_code == 200
    assert 'value="add:sections"' in page.text
    assert 'value="add:sections" disabled' not in page.text

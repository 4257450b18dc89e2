"""Regression: a component's table over numbers alone let a present instance take the values an absent one takes:
the absent state was added to the table as one more allowed row (a section 50 cm wide was offered although the
table allowed 75 and 100 only)."""

from __future__ import annotations

from decimal import Decimal

from catalog.loader import parse_product
from rules.engine import engine_for
from tests.conftest import BUNDLED


def test_an_allowed_table_of_a_component_holds_for_each_instance_that_is_there() -> None:
    text = (BUNDLED / "wardrobe.yaml").read_text().replace(
        "    rules:\n      - id: mirror-width",
        "    rules:\n      - {id: wide, type: table, message: Wide only., columns: [width], rows: [[75], [100]]}\n"
        "      - id: mirror-width", 1)
    loaded = parse_product(text.encode(), "wardrobe.yaml")
    engine = engine_for(loaded.product, loaded.content_hash)
    for index in (1, 2, 3):
        widths = engine.valid_domains({"sections": 3}).domains[f"sections[{index}].width"].values
        assert set(widths) == {Decimal(75), Decimal(100)}, (index, widths)
    assert engine.valid_domains({"sections": 1}).domains["sections[3].width"].values == (Decimal(50),)  # absent

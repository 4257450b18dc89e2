"""A component that reuses another product file as its part (issue 24): it lends the component its options, rules,
prices, parts and operations; the product's version follows the part file; what cannot be a part is an error at
the component, never a loop."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.errors import CatalogErrors
from catalog.loader import load_product
from rules.engine import engine_for
from rules.pricing import price_selection

DRAWER_UNIT = """\
id: drawer-unit
name: Drawer unit
currency: EUR
base_price: "60.00"
steps:
  - id: unit
    label: Unit
    options:
      - {id: drawers, type: number, label: Drawers, min: 2, max: 4, step: 2}
      - id: front
        type: single
        label: Front
        values: [{id: plain}, {id: grooved, price: "15.00"}]
rules:
  - {id: grooved-four, type: requires, message: Grooved fronts come in fours., if: 'front == "grooved"',
     then: drawers == 4}
bom:
  - {part: RUNNER, description: Drawer runner pair, quantity: drawers, cost: "8.00"}
"""

SHELF = """\
id: shelf
name: Shelf
currency: EUR
base_price: "100.00"
steps:
  - id: size
    label: Size
    options:
      - id: colour
        type: single
        label: Colour
        values: [{id: white}, {id: black}]
components:
  - id: units
    label: Drawer units
    min: 0
    max: 2
    product: drawer-unit.yaml
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A catalog folder with the shelf and the drawer unit it reuses."""
    (tmp_path / "drawer-unit.yaml").write_text(DRAWER_UNIT)
    (tmp_path / "shelf.yaml").write_text(SHELF)
    return tmp_path


def test_a_reused_part_lends_its_options_rules_prices_and_parts(folder: Path) -> None:
    loaded = load_product(folder / "shelf.yaml")
    options = {o.id: o for o in loaded.product.options()}
    assert options["units[2].front"].label == "Drawer unit 2: Front"
    engine = engine_for(loaded.product, loaded.content_hash)
    part = load_product(folder / "drawer-unit.yaml")
    alone = engine_for(part.product, part.content_hash).count({})  # 3 ways: 2 plain, 4 plain, 4 grooved
    assert alone == 3
    assert engine.count({}) == 2 * sum(alone**n for n in range(0, 3))  # colours x (1 + 3 + 9) instances
    selection = {"colour": "white", "units": [{"drawers": 4, "front": "grooved"}, {"drawers": 2, "front": "plain"}]}
    priced = price_selection(engine, selection).price
    assert priced is not None
    lines = {line.label: line.amount for line in priced.lines}
    assert lines["Drawer unit 1: Drawer unit"] == 60 and lines["Drawer unit 2: Drawer unit"] == 60
    assert lines["Drawer unit 1: Front: grooved"] == 15
    assert priced.total == 100 + 60 + 15 + 60
    refused = engine.valid_domains({"units": [{"drawers": 2, "front": "grooved"}]})
    assert not refused.consistent  # the part's own rule holds in each instance
    assert [(p.part, p.assembly) for p in loaded.product.bom] == [("RUNNER", "Drawer unit 1"),
                                                                   ("RUNNER", "Drawer unit 2")]


def test_the_product_version_follows_its_part_file(folder: Path) -> None:
    before = load_product(folder / "shelf.yaml")
    assert str(folder / "drawer-unit.yaml") in before.reads
    (folder / "drawer-unit.yaml").write_text(DRAWER_UNIT.replace('base_price: "60.00"', 'base_price: "65.00"'))
    assert load_product(folder / "shelf.yaml").version != before.version


@pytest.mark.parametrize(
    ("part", "component", "message"),
    [
        (DRAWER_UNIT.replace("currency: EUR", "currency: CHF"), "",
         "a part's prices must be in the product's currency (CHF, not EUR)"),
        (DRAWER_UNIT, "    options: [{id: x, type: boolean}]\n",
         "its options come from there, not from here"),
        (DRAWER_UNIT + "components:\n  - {id: knobs, label: Knobs, max: 2, options: [{id: k, type: boolean}]}\n",
         "", "a part reused by another product has no components of its own (one level)"),
        (SHELF.replace("id: shelf", "id: loop").replace("drawer-unit.yaml", "drawer-unit.yaml"), "",
         "a part reused by another product has no components of its own (one level)"),
    ],
)
def test_what_cannot_be_a_part_is_said_at_the_component(folder: Path, part: str, component: str,
                                                          message: str) -> None:
    (folder / "drawer-unit.yaml").write_text(part)
    (folder / "shelf.yaml").write_text(SHELF + component)
    with pytest.raises(CatalogErrors) as raised:
        load_product(folder / "shelf.yaml")
    said = [str(error) for error in raised.value.errors]
    assert any(message in text for text in said), said


def test_a_part_outside_the_catalog_folder_is_refused(folder: Path) -> None:
    (folder / "shelf.yaml").write_text(SHELF.replace("drawer-unit.yaml", "../elsewhere.yaml"))
    with pytest.raises(CatalogErrors, match="a part file must be beside or below the catalog file"):
        load_product(folder / "shelf.yaml")

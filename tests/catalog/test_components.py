"""Components in the catalog language (issue 24): their mistakes found at their positions, what they unroll to,
and the selection helpers that add, remove, copy and move instances."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalog.errors import CatalogErrors
from catalog.instances import flat_selection, instance_change, instances, with_absent
from catalog.loader import parse_product
from tests.conftest import BUNDLED

WARDROBE = (BUNDLED / "wardrobe.yaml").read_text()


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("then: all(sections, finish == frame_finish)", "then: all(sections, finsh == frame_finish)",
         "unknown option 'finsh' (did you mean 'finish'?)"),
        ("expr: sum(sections.width) <= wall_width", "expr: sum(section.width) <= wall_width",
         "unknown component 'section' (did you mean 'sections'?)"),
        ("expr: sum(sections.width) <= wall_width", "expr: sum(sections.doors) <= wall_width",
         "sum() adds a number of each instance"),
        ("expr: sum(sections.width) <= wall_width", "expr: sections.width <= wall_width",
         "'sections.width' is an option of each instance: use it inside sum(), all() or any()"),
        ("expr: shelves + drawers <= 6", "expr: shelves + drawers <= wall_width + sum(sections.width)",
         "unknown component 'sections'"),  # one level: an instance's rule has no aggregate over instances
        ("      - id: drawers\n        type: number", "      - id: height\n        type: number",
         "'height' is the id of a product option or component"),
        ("    min: 1\n    max: 8", "    min: 9\n    max: 8", "min (9) is greater than max (8)"),
        ("          - {id: none, label: Open, default: true}", "          - {id: '~', label: Open}",
         "'~' is the value of an instance that is not there"),
        ("always_needs: [panel, hardware]", "always_needs: [panel, glue]",
         "no part of the bill of materials is of kind 'glue'"),
        ('quantity: "drawers",', 'quantity: "drawers > 1",', "a formula must be a number"),
    ],
)
def test_a_component_mistake_is_reported_at_its_position(old: str, new: str, message: str) -> None:
    assert old in WARDROBE, old
    broken = WARDROBE.replace(old, new, 1)
    with pytest.raises(CatalogErrors) as raised:
        parse_product(broken.encode(), "wardrobe.yaml")
    found = [e for e in raised.value.errors if message in e.message]
    assert found, [str(e) for e in raised.value.errors]
    assert found[0].line == _line_of(broken, new), str(found[0])  # the line of the edit


def test_the_wardrobe_unrolls_into_numbered_options_rules_and_price_rules() -> None:
    product = parse_product(WARDROBE.encode(), "wardrobe.yaml").product
    options = {o.id: o for o in product.options()}
    assert options["sections"].type == "number" and options["sections"].label == "Sections"
    assert options["sections[8].finish"].label == "Section 8: Finish"
    assert "~" not in {v.id for v in options["sections[1].doors"].values}  # always there (min 1): never absent
    assert "~" in {v.id for v in options["sections[2].doors"].values}
    rules = {r.id for r in product.rules}
    assert {"sections[1].mirror-width", "sections[8].mirror-width", "sections[8].doors:there"} <= rules
    assert "sections[1].doors:there" not in rules
    prices = {p.id: p for p in product.pricing}
    assert prices["sections[3].carcass"].label == "Section 3: Carcass"
    assert prices["sections[3].carcass"].when == "(sections >= 3)"
    assert {p.assembly for p in product.bom} == {None, *(f"Section {i}" for i in range(1, 9))}


SELECTION: dict[str, Any] = {"wall_width": 240, "sections": 3, "sections[1].width": 50, "sections[2].width": 75,
                             "sections[3].width": 100, "sections[3].doors": "glass"}


@pytest.mark.parametrize(
    ("kind", "index", "widths", "looked_at"),
    [
        ("add", 0, [50, 75, 100, None], 4),
        ("remove", 1, [75, 100], 0),
        ("remove", 3, [50, 75], 0),
        ("copy", 2, [50, 75, 75, 100], 3),
        ("left", 3, [50, 100, 75], 2),
        ("right", 1, [75, 50, 100], 2),
        ("left", 1, None, None),  # nowhere to move to
        ("remove", 4, None, None),  # no such instance
    ],
)
def test_instances_are_added_removed_copied_and_moved_without_gaps(
    kind: str, index: int, widths: list[Any] | None, looked_at: int | None
) -> None:
    product = parse_product(WARDROBE.encode(), "wardrobe.yaml").product
    sections = product.components[0]
    changed = instance_change(sections, SELECTION, kind, index)
    if widths is None:
        assert changed is None
        return
    assert changed is not None
    now, at = changed
    assert [part.get("width") for part in instances(sections, now)] == widths
    assert now["sections"] == len(widths) and at == looked_at
    assert now["wall_width"] == 240  # the product's own choices are kept
    assert not any(key.startswith(f"sections[{len(widths) + 1}]") for key in now)  # nothing left behind
    if kind == "remove" and index == 1:
        assert now["sections[2].doors"] == "glass"  # the glass doors moved up with their section


def test_a_list_of_instances_is_its_options_and_absent_ones_take_their_one_value() -> None:
    product = parse_product(WARDROBE.encode(), "wardrobe.yaml").product
    flat = flat_selection(product, {"sections": [{"width": 50}, {"doors": "glass"}], "height": "200"})
    assert flat == {"sections": 2, "sections[1].width": 50, "sections[2].doors": "glass", "height": "200"}
    filled = with_absent(product, {"sections": Decimal(2)})
    assert filled["sections[3].doors"] == "~" and filled["sections[8].width"] == Decimal(50)
    assert "sections[2].doors" not in filled  # a present section's options stay open


@pytest.mark.parametrize(("mode", "sections", "added", "label"), [
    ("slab", 4, "30.00", "Section price (Section 4)"),  # 10 + 10 for the first two, 5 + 5 for the others
    ("slab", 2, "20.00", "Section price (Section 2)"),
    ("range", 4, "20.00", "Section price (4 × 5.00)"),  # every section at the tier four falls in
    ("range", 2, "20.00", "Section price (2 × 10.00)"),
])
def test_tiers_over_the_number_of_instances(mode: str, sections: int, added: str, label: str) -> None:
    from rules.engine import engine_for
    from rules.pricing import price_selection

    tiers = (f"  - {{id: section-price, type: tiers, label: Section price, over: sections, mode: {mode}, tiers: "
             '[{min: 1, max: 2, amount: "10.00"}, {min: 3, amount: "5.00"}]}\n')
    text = WARDROBE.replace("pricing:\n  - id: five-sections", "pricing:\n" + tiers + "  - id: five-sections")
    loaded = parse_product(text.encode(), "wardrobe.yaml")
    engine = engine_for(loaded.product, loaded.content_hash)
    section = {"width": 50, "doors": "none", "shelves": 0, "drawers": 0, "finish": "oak"}
    selection = {"wall_width": 600, "height": "200", "frame_finish": "oak", "mixing": False,
                 "sections": [section] * sections}
    priced = price_selection(engine, selection).price
    assert priced is not None
    tiered = [line for line in priced.lines if line.label.startswith("Section price")]
    assert sum(line.amount for line in tiered) == Decimal(added)
    assert tiered[-1].label == label

"""Lint of the bill of materials (issue 24): parts no configuration uses, kinds of part a configuration goes
without although the product says every one needs them, quantities and times that can fall below zero."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.loader import load_product
from rules.engine import engine_for
from rules.lint import lint
from tests.conftest import BUNDLED


def _findings(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "wardrobe.yaml"
    path.write_text(text)
    loaded = load_product(path)
    return [(f.kind, f.message) for f in lint(engine_for(loaded.product, loaded.content_hash))
            if f.kind in ("unused_part", "missing_part_kind", "negative_quantity")]


@pytest.fixture
def wardrobe() -> str:
    """The bundled wardrobe's file."""
    return (BUNDLED / "wardrobe.yaml").read_text()


def test_the_bundled_wardrobe_has_no_finding(tmp_path: Path, wardrobe: str) -> None:
    assert _findings(tmp_path, wardrobe) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # Mirror doors need a section of at most 75 cm: a mirror part for 100 cm sections is never used.
        ('if: \'doors == "mirror"\',\n         cost: "52.00"', 'if: \'doors == "mirror" and width == 100\',\n'
         '         cost: "52.00"', ("unused_part", "part DOOR-MIRROR in Section 1 is used by no valid configuration")),
        # Open sections have no door: a product that says every configuration needs one is wrong.
        ("always_needs: [panel, hardware]", "always_needs: [panel, hardware, door]",
         ("missing_part_kind", "a valid configuration uses no part of kind door, which every one needs")),
        # Fewer than three shelves make this quantity negative.
        ('quantity: "4 * shelves", cost: "0.08"', 'quantity: "4 * shelves - 12", cost: "0.08"',
         ("negative_quantity", "SHELF-PIN in Section 1: its quantity")),
        ('minutes: "10 + 2 * sections"', 'minutes: "10 - 3 * sections"',
         ("negative_quantity", "operation pack: its time")),
    ],
)
def test_each_kind_of_making_mistake_is_found(tmp_path: Path, wardrobe: str, old: str, new: str,
                                              expected: tuple[str, str]) -> None:
    assert old in wardrobe
    found = _findings(tmp_path, wardrobe.replace(old, new))
    assert any(kind == expected[0] and message.startswith(expected[1]) for kind, message in found), found

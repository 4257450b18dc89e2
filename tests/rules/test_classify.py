"""The four faces: every bundled product's placement and each option's face, from the catalog's facts."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.loader import load_catalog
from catalog.schema import Product
from rules.classify import classify
from tests.conftest import BUNDLED

PRODUCTS = load_catalog([BUNDLED]).products

# (product, its face, the face most options have, each option's face); quantities take no part.
EXPECTED: list[tuple[str, str, str, dict[str, str]]] = [
    ("city-bike", "collaborative", "transparent", {
        "rider_height": "transparent", "frame_size": "transparent", "material": "transparent",
        "color": "collaborative", "gears": "transparent", "belt_drive": "transparent",
        "accessories": "transparent",
    }),
    ("coffee-gift-box", "cosmetic", "cosmetic", {
        "box_size": "cosmetic", "wrapping": "cosmetic", "ribbon": "cosmetic", "label_text": "cosmetic",
        "label_font": "cosmetic",
    }),
    ("detergent-subscription", "transparent", "transparent", {
        "water_hardness": "transparent", "household": "transparent", "sensitive_skin": "transparent",
        "scent": "transparent", "dose_ml": "transparent",
    }),
    ("eyeglasses", "collaborative", "transparent", {
        "lens_width": "transparent", "bridge": "transparent", "temple": "transparent", "material": "transparent",
        "frame_color": "transparent", "lens_type": "transparent", "sphere": "transparent",
        "coatings": "transparent", "engraving": "transparent", "case": "cosmetic",
    }),
    ("lighting-kit", "adaptive", "adaptive", {
        "scene_wake": "adaptive", "scene_evening": "adaptive", "brightness": "adaptive", "away_mode": "adaptive",
    }),
]


@pytest.mark.parametrize(("product_id", "face", "dominant", "options"), EXPECTED)
def test_each_bundled_product_and_option_has_its_face(
    product_id: str, face: str, dominant: str, options: dict[str, str]
) -> None:
    found = classify(PRODUCTS[product_id].product)
    assert (found.face, found.dominant) == (face, dominant)
    assert {o.option: o.face for o in found.options} == options
    assert sum(found.profile.values()) == pytest.approx(1)
    assert all(o.reason for o in found.options) and found.reasons[0] == found.reason


def test_the_megane_changes_only_the_product() -> None:
    found = classify(PRODUCTS["renault-megane"].product)
    assert found.face == "transparent" and set(o.face for o in found.options) == {"transparent"}
    assert found.profile["transparent"] == 1


def _product(options: list[dict[str, Any]], **extra: Any) -> Product:
    step = {"id": "s", "label": "S", "options": options}
    return Product.model_validate({"id": "p", "name": "P", "currency": "EUR", "base_price": "1", "steps": [step],
                                   **extra})


FACTS = [
    ({"changes_product": True, "changes_representation": True}, "collaborative"),
    ({"changes_product": True}, "transparent"),
    ({"changes_representation": True}, "cosmetic"),
    ({}, "adaptive"),
    ({"changes_product": True, "changes_representation": True, "timing": "use"}, "adaptive"),
]


@pytest.mark.parametrize(("facts", "face"), FACTS)
def test_an_options_face_follows_its_two_facts(facts: dict[str, Any], face: str) -> None:
    option = {"id": "o", "type": "boolean", "customization": facts}
    found = classify(_product([option]))
    assert [o.face for o in found.options] == [face] and found.face == face


def test_the_price_profile_weighs_each_option_by_its_price_range() -> None:
    cheap = {"id": "wrap", "type": "boolean", "price": "5", "customization": {"changes_representation": True}}
    dear = {"id": "frame", "type": "single", "customization": {"changes_product": True},
            "values": [{"id": "a", "price": "-5"}, {"id": "b", "price": "10"}]}
    found = classify(_product([cheap, dear]))
    assert found.profile == {"collaborative": 0, "transparent": 0.5, "cosmetic": 0.5, "adaptive": 0}
    assert found.price_profile == {"collaborative": 0, "transparent": 0.75, "cosmetic": 0.25, "adaptive": 0}
    assert found.face == "collaborative" and found.dominant == "transparent"  # same share of options: price decides


def test_an_explicit_face_wins_but_says_what_the_facts_say() -> None:
    option = {"id": "o", "type": "boolean", "customization": {"changes_product": True, "face": "cosmetic"}}
    found = classify(_product([option], face="adaptive"))
    assert found.options[0].face == "cosmetic" and found.options[0].derived == "transparent"
    assert "its facts say transparent" in found.options[0].reason
    assert (found.face, found.derived) == ("adaptive", "cosmetic")

"""The preview drawn from the catalog's layout follows the configuration, with only safe values."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.loader import load_product
from catalog.schema import Product
from configurator.app import create_app
from configurator.views.preview import EM_WIDTH, LINE_HEIGHT, SMALLEST_SIZE, fitted, preview_of
from tests.conftest import BUNDLED

BIKE = load_product(BUNDLED / "city-bike.yaml").product


def _fills(values: dict[str, Any], product: Product = BIKE) -> list[str]:
    preview = preview_of(product, values)
    assert preview is not None
    return [layer.fill for layer in preview.layers if layer.kind == "rect"]


def test_the_frame_takes_the_chosen_colours_swatch() -> None:
    assert "#efe6cf" in _fills({"color": "cream"}) and "#efe6cf" not in _fills({"color": "black"})


def test_a_layer_with_a_condition_shows_only_while_it_holds() -> None:
    with_rack = _fills({"accessories": frozenset({"rack"})})
    assert len(with_rack) == len(_fills({"accessories": frozenset()})) + 1
    assert len(_fills({})) == len(with_rack) - 1  # an undecided condition draws nothing


def test_text_shows_the_chosen_values_label() -> None:
    preview = preview_of(BIKE, {"frame_size": "L"})
    assert preview is not None
    assert [layer.text for layer in preview.layers if layer.kind == "text"] == ["Large (58 cm)"]


@pytest.mark.parametrize(("engraving", "shown"), [("O'NEIL", "O&#39;NEIL"), ("A-B", "A-B")])
def test_shopper_text_in_the_preview_is_escaped(engraving: str, shown: str) -> None:
    client = TestClient(create_app(database_url="sqlite://"))
    page = client.get("/products/eyeglasses", params={"engraving": engraving}).text
    preview = page[page.index('<figure class="preview"') : page.index("</figure>")]
    assert f">{shown}</tspan></text>" in preview


GIFT_BOX = load_product(BUNDLED / "coffee-gift-box.yaml").product


@pytest.mark.parametrize(
    ("values", "colour", "width", "ribbon"),
    [
        ({"box_size": "duo", "wrapping": "gold", "label_text": "For Ada", "label_font": "mono"}, "#d4af37", 200, 0),
        ({"box_size": "trio", "wrapping": "festive", "ribbon": True, "label_text": "Hi"}, "#b3202a", 240, 1),
    ],
)
def test_every_presentation_option_of_the_gift_box_is_drawn(
    values: dict[str, Any], colour: str, width: int, ribbon: int
) -> None:
    preview = preview_of(GIFT_BOX, values)
    assert preview is not None
    boxes = [layer for layer in preview.layers if layer.fill == colour]
    assert [box.width for box in boxes] == [width]  # the wrapping's swatch, the bigger box for three bags
    assert len([layer for layer in preview.layers if layer.fill == "#f0e6d8"]) == ribbon
    texts = [layer for layer in preview.layers if layer.kind == "text"]
    assert [layer.text for layer in texts] == [values["label_text"]]
    # The font is drawn as a font, not printed as its name.
    assert ("monospace" in texts[0].font) == (values.get("label_font") == "mono")


@pytest.mark.parametrize(("text", "size", "width", "height"), [
    ("Happy birthday to the best team ever!!!", 13, 132, 28),
    ("Short", 13, 132, 28),
    ("Averyveryverylongwordwithoutanyspaceatallthatcannotwrap", 13, 132, 28),
    ("one two three four five six seven eight nine ten", 20, 60, 200),
    ("No area", 13, None, None),
])
def test_a_text_is_fitted_into_its_area(text: str, size: int, width: int | None, height: int | None) -> None:
    lines, fitted_size = fitted(text, size, width, height)
    assert " ".join(line for line, _ in lines).split() == text.split()  # every word, in order, once
    assert SMALLEST_SIZE <= fitted_size <= size
    if width is None:
        assert lines == ((text, False),) and fitted_size == size
        return
    if height is not None:
        assert len(lines) == 1 or len(lines) * fitted_size * LINE_HEIGHT <= height
    for line, squeezed in lines:
        # A line wider than its area, by estimate, is squeezed into it by the browser (textLength).
        assert squeezed or len(line) * fitted_size * EM_WIDTH <= width

"""Regression: a product `image: "javascript:alert(1)"` or a preview image `"/\\evil.example/p.png"` was rendered as
given and `configurator check` said nothing (only the CSP stopped them). Images are now relative paths under the
catalog's or the app's static files, or https: URLs; anything else is a check error at its position."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from configurator.services.catalogs import load_compiled

REFUSED = ["javascript:alert(1)", "/\\evil.example/p.png", "//evil.example/p.png", "http://example.com/p.png",
           "data:image/svg+xml,<svg/>", "../outside.png", "pictures/../../outside.png", "https://user@evil/p.png",
           "https://example.com/a b.png", "JaVaScRiPt:alert(1)", "/etc/passwd", "p.png\n"]
ACCEPTED = ["pictures/frame.png", "/static/pictures/frame.png", "https://cdn.example.com/p/frame.png?v=2"]


def _catalog(tmp_path: Path, product_image: str, value_image: str) -> Path:
    product = {
        "id": "framed", "name": "Framed", "currency": "EUR", "base_price": "1.00", "image": product_image,
        "steps": [{"id": "s", "label": "S", "options": [
            {"id": "frame", "type": "single", "label": "Frame",
             "values": [{"id": "oak", "image": value_image}, {"id": "ash"}]}]}],
        "preview": {"width": 100, "height": 100, "layers": [
            {"type": "image", "image_from": "frame", "x": 0, "y": 0, "width": 100, "height": 100}]},
    }
    (tmp_path / "framed.yaml").write_text(json.dumps(product, indent=1))
    return tmp_path


@pytest.mark.parametrize("image", REFUSED)
def test_an_image_that_is_not_a_static_path_or_https_is_a_check_error(tmp_path: Path, image: str) -> None:
    for product_image, value_image in ((image, "pictures/oak.png"), ("pictures/p.png", image)):
        folder = _catalog(tmp_path, product_image, value_image)
        errors = load_compiled([folder]).errors
        assert len(errors) == 1 and "https: URL" in errors[0].message, errors
        lines = (folder / "framed.yaml").read_text().splitlines()
        assert json.dumps(image) in lines[errors[0].line - 1]  # at the image's own line


@pytest.mark.parametrize("image", ACCEPTED)
def test_static_paths_and_https_urls_are_accepted(tmp_path: Path, image: str) -> None:
    assert not load_compiled([_catalog(tmp_path, image, image)]).errors

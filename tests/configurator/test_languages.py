"""The language a request gets: asked for by name, else negotiated from Accept-Language, else the product's own."""

from __future__ import annotations

import pytest

from configurator.services.languages import accepted, chosen_language

OFFERED = ["en", "de", "fr"]


@pytest.mark.parametrize(("asked", "header", "language"), [
    (None, None, "en"),
    ("de", None, "de"),
    ("DE", "fr", "de"),  # a name asked for wins over the header
    ("it", "fr", "fr"),  # one not offered is ignored
    (None, "de-CH, de;q=0.9, en;q=0.5", "de"),  # a region falls back to its language
    (None, "it, fr;q=0.3, de;q=0.2", "fr"),
    (None, "fr;q=0, de;q=0.1", "de"),  # weight 0: not wanted
    (None, "*", "en"),
    (None, "es, it", "en"),
    (None, "de;q=x, fr", "fr"),  # a bad weight counts as 0
])
def test_the_language_a_request_gets(asked: str | None, header: str | None, language: str) -> None:
    assert chosen_language(OFFERED, asked, header) == language


def test_accept_language_is_read_by_weight_then_order() -> None:
    assert accepted("fr;q=0.5, de, en;q=0.5, *;q=0.1") == ["de", "fr", "en"]
    assert len(accepted(",".join(["de"] * 1000))) == 20

"""A saved configuration's short link (/c/{id}) chose its language before it knew its product: among the
interface's languages, so a saved Renault Megane (offered in English alone) offered German and French in its header,
and a saved coffee box was priced in the shopper's market only by a second, separate choice. It now chooses among
the product's languages and markets, as the product's own page does."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


def _saved(client: TestClient, product_id: str, state: str) -> str:
    """Saved in the shop (its short link is for anyone who has it)."""
    client.get(f"/products/{product_id}")
    made = client.post(f"/products/{product_id}/save", data={"csrf": client.cookies.get("csrftoken"), "state": state},
                       follow_redirects=False)
    assert made.status_code == 303, made.text
    return str(made.headers["location"])


def _switch(html: str, nav: str) -> list[str]:
    found = re.search(rf'<nav class="switch" id="{nav}".*?</nav>', html, re.S)
    return re.findall(r'data-value="([^"]+)"', found.group(0)) if found else []


@pytest.mark.parametrize(("product_id", "state", "header", "lang", "languages", "markets"), [
    ("renault-megane", "", "de", "en", [], []),
    ("city-bike", "gears=hub8&frame_size=M", "de", "de", ["en", "de", "fr"], []),
    ("coffee-gift-box", "", "fr-CH", "fr", ["en", "de", "fr"], ["eu", "ch"]),
])
def test_a_saved_link_speaks_among_its_products_languages(
    keyed_shop: tuple[TestClient, str], product_id: str, state: str, header: str, lang: str, languages: list[str],
    markets: list[str],
) -> None:
    client, _key = keyed_shop
    client.cookies.clear()
    page = client.get(_saved(client, product_id, state), headers={"Accept-Language": header})
    assert page.status_code == 200
    assert f'<html lang="{lang}"' in page.text and page.headers["content-language"] == lang
    assert _switch(page.text, "languages") == languages and _switch(page.text, "markets") == markets
    if markets:  # a Swiss browser, in the Swiss market
        assert re.search(r'id="markets".*?data-value="ch" aria-current', page.text, re.S)
        assert "CHF" in page.text

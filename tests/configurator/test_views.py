"""The product page's reasons: the engine's minimal explanations where they are at hand within the page's budget,
else which choices would have to change, with the full explanation one click ("Why?") away."""

from __future__ import annotations

from html import unescape

import pytest
from fastapi.testclient import TestClient

from configurator.app import create_app
from configurator.views.reasons import Reasons
from tests.conftest import megane_engine, random_session


@pytest.mark.parametrize("seed", [0, 1])
def test_a_spent_budget_says_what_to_change_and_a_focus_gets_the_full_explanation(seed: int) -> None:
    engine = megane_engine()
    selection = random_session(engine, 12, seed)
    obstacles = engine.obstacles(selection)
    assert obstacles is not None
    spent = Reasons(engine, selection, obstacles, 0.0)
    short = 0
    for (option_id, value), in_the_way in list(obstacles.blocking.items())[:40]:
        option = engine.model.options[option_id]
        shown, full = spent.of(option, str(value))
        explained, complete = Reasons(engine, selection, obstacles, 0.0, (option_id, str(value))).of(option, str(value))
        assert complete and explained.startswith("Not with ") and "(table renault_rule" in explained
        if full:
            assert shown == explained  # found by look-ups: the same words either way
            continue
        short += 1
        assert in_the_way and shown.startswith("Only if you change ")
        assert all(f"{name} {selection[name]}" in shown for name in in_the_way)
    assert short  # some values are ruled out by several rules at once: the solver's, not within a spent budget


def test_why_shows_the_full_explanation_without_javascript(keyed_shop: tuple[TestClient, str]) -> None:
    client, _ = keyed_shop
    client.get("/products/city-bike")
    token = client.cookies.get("csrftoken")
    data = {"csrf": token, "belt_drive": "true", "do": "why:gears=single"}
    page = client.post("/products/city-bike", data=data, follow_redirects=False)
    assert page.status_code == 200 and "<html" in page.text
    assert "A belt drive needs a hub gear" in unescape(page.text)
    fragment = client.post("/products/city-bike", data=data, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "A belt drive needs a hub gear" in unescape(fragment.text)


@pytest.mark.parametrize("asked", ["why:", "why:gears", "why:nope=1", "why:gears=warp", "why:" + "x" * 5000])
def test_a_why_for_nothing_explainable_is_just_the_page(keyed_shop: tuple[TestClient, str], asked: str) -> None:
    client, _ = keyed_shop
    client.get("/products/city-bike")
    data = {"csrf": client.cookies.get("csrftoken"), "belt_drive": "true", "do": asked}
    response = client.post("/products/city-bike", data=data, follow_redirects=False)
    assert response.status_code == 200 and "Made-to-order city bicycle" in response.text


@pytest.mark.parametrize(("url", "said", "unsaid"), [
    ("/products/city-bike", "Between 150 and 200 cm, in steps of 5", "150 to 200"),
    ("/products/eyeglasses", "At most 20 characters: letters, digits, spaces and . ' -", "[A-Za-z"),
    ("/products/coffee-gift-box", "At most 40 characters: any characters but < > { }", "[^<>{}]"),
    ("/products/city-bike?rider_height=171", "Rider height: 171 is not one of 150 to 200 in steps of 5", "150..200"),
    ("/products/city-bike?rider_height=571", "Rider height: 571 is not between 150 and 200", "150..200"),
    ("/products/eyeglasses?engraving=%3Cb%3E", "only letters, digits, spaces and . ' - are allowed", "not allowed"),
    # A reason names the shopper's choice by its labels, never by ids.
    ("/products/coffee-gift-box?wrapping=kraft", "Not with Wrapping paper Kraft:", "kraft:"),
    ("/products/city-bike?frame_size=S", "Not with Frame size Small (49 cm): Small frames", "Frame size S:"),
    # A shared link outlives a catalog edit: a value the catalog no longer has is said so, not dropped in silence.
    ("/products/coffee-gift-box?wrapping=red", "Wrapping paper “red” is no longer offered", "is not one of"),
])
def test_the_page_says_ranges_patterns_and_reasons_in_the_shoppers_words(url: str, said: str, unsaid: str) -> None:
    text = unescape(TestClient(create_app(database_url="sqlite://")).get(url).text)
    assert said in text
    assert unsaid not in text

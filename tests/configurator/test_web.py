"""The shop's HTML routes: every POST needs the browser's CSRF token, hostile query strings and form posts get a
page (never a 5xx), and nothing is stored for a refused post."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import COMPLETE_BIKE, stored_rows

POSTS = ["/products/city-bike", "/products/city-bike/save", "/products/city-bike/quote"]


@pytest.mark.parametrize("url", POSTS)
@pytest.mark.parametrize("token", [None, "", "x" * 43, "short"])
def test_every_form_post_needs_the_browsers_own_token(
    keyed_shop: tuple[TestClient, str], url: str, token: str | None
) -> None:
    client, _ = keyed_shop
    client.get("/products/city-bike")  # the browser gets its cookie
    before = stored_rows(client)
    data = {"state": "belt_drive=true", "belt_drive": "true", **({"csrf": token} if token is not None else {})}
    response = client.post(url, data=data, follow_redirects=False)
    assert response.status_code == 403
    assert stored_rows(client) == before


@pytest.mark.parametrize(
    "query",
    [
        "rider_height=tall",
        "rider_height=1e999",
        "quantity=999999999999999",
        "quantity=-3",
        "gears=nope&gears=single",
        "accessories=__none__&accessories=rack",
        "unknown=1&h=%%%",
        "h=" + "A" * 40_000,
        "color=%ED%A0%80",
        "belt_drive=maybe",
    ],
)
def test_hostile_query_strings_get_a_page(keyed_shop: tuple[TestClient, str], query: str) -> None:
    client, _ = keyed_shop
    response = client.get(f"/products/city-bike?{query}")
    assert response.status_code == 200
    assert "Made-to-order city bicycle" in response.text


def test_a_quote_needs_a_complete_configuration_and_stores_nothing_otherwise(
    keyed_shop: tuple[TestClient, str],
) -> None:
    client, _ = keyed_shop
    client.get("/products/city-bike")
    token = client.cookies.get("csrftoken")
    before = stored_rows(client)
    refused = client.post("/products/city-bike/quote", data={"csrf": token, "state": "gears=hub8"})
    assert refused.status_code == 422 and "Cannot quote this selection" in refused.text
    assert stored_rows(client) == before
    state = "&".join(f"{k}={v}" for k, v in COMPLETE_BIKE.items() if k != "accessories") + "&accessories=rack"
    state = state.replace("True", "true")
    made = client.post("/products/city-bike/quote", data={"csrf": token, "state": state}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/quotes/")
    page = client.get(made.headers["location"])
    assert page.status_code == 200 and "€995.00" in page.text
    assert stored_rows(client) == (before[0] + 1, before[1])


def test_a_storefronts_quote_is_not_a_public_page(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    made = client.post(
        "/api/v1/quotes", json={"product_id": "city-bike", "selections": COMPLETE_BIKE}, headers={"X-API-Key": key}
    )
    assert made.status_code == 201
    assert client.get(f"/quotes/{made.json()['id']}").status_code == 404


@pytest.mark.parametrize(
    ("url", "status"), [("/products/nope", 404), ("/no-such-page", 404), ("/quotes/nope", 404), ("/c/nope", 404)]
)
def test_browsers_get_error_pages_and_the_api_problem_json(
    keyed_shop: tuple[TestClient, str], url: str, status: int
) -> None:
    client, _ = keyed_shop
    page = client.get(url, headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    assert "Back to the products" in page.text
    api = client.get("/api/v1/products/nope", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"

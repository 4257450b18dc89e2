"""The transparent face through the API: profiles fill the options they tell, through the engine (never against a
rule); quotes record what the profile chose; recommendations come from stored quotes, never an unavailable value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from configurator.app import create_app
from configurator.persistence.db import Quote, create_api_key

SUGGEST = "/api/v1/products/detergent-subscription/suggestions"
ORDER = {"water_hardness": "medium", "household": 2, "sensitive_skin": False, "scent": "linen", "dose_ml": 50}


def _profile(client: TestClient, key: str, preferences: dict[str, Any]) -> str:
    made = client.post("/api/v1/profiles", headers={"X-API-Key": key}, json={"preferences": preferences})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_a_profile_fills_what_it_tells_and_never_against_a_rule(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    told = {"water_hardness": "hard", "household_size": 6, "sensitive_skin": True, "scent_preference": "citrus"}
    profile = _profile(client, key, told)
    body = client.post(SUGGEST, headers={"X-API-Key": key}, json={"profile_id": profile}).json()
    # Citrus is against "the sensitive skin formula is unscented": never applied. The dose is not told but follows
    # the household through the engine (hard water and six people need 60 ml).
    assert body["inferred"] == {"water_hardness": "hard", "household": 6, "sensitive_skin": True, "dose_ml": 60}
    assert body["selections"] == body["inferred"]
    state = client.post("/api/v1/products/detergent-subscription/configure", json={"selections": body["selections"]})
    assert state.json()["consistent"] is True
    # The shopper's own choices win over the profile.
    asked = {"profile_id": profile, "selections": {"scent": "linen"}}
    mine = client.post(SUGGEST, headers={"X-API-Key": key}, json=asked)
    assert "sensitive_skin" not in mine.json()["inferred"] and mine.json()["selections"]["scent"] == "linen"


def test_profiles_belong_to_their_key(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    profile = _profile(client, key, {"household_size": 3})
    assert client.get(f"/api/v1/profiles/{profile}", headers={"X-API-Key": key}).json()["preferences"] == {
        "household_size": 3
    }
    with Session(client.app.state.db) as db:  # type: ignore[attr-defined]
        other = create_api_key(db, "other shop")
    assert client.get(f"/api/v1/profiles/{profile}", headers={"X-API-Key": other}).status_code == 404
    assert client.post(SUGGEST, headers={"X-API-Key": other}, json={"profile_id": profile}).status_code == 404
    assert client.post(SUGGEST, json={"profile_id": profile}).status_code == 404
    assert client.post("/api/v1/profiles", json={"preferences": {}}).status_code == 401


def test_a_quote_records_what_the_profile_chose(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    profile = _profile(client, key, {"household_size": 4, "scent_preference": "citrus"})
    chosen = {"water_hardness": "soft", "sensitive_skin": False}
    quote = client.post("/api/v1/quotes", headers={"X-API-Key": key},
                        json={"product_id": "detergent-subscription", "selections": chosen, "profile_id": profile})
    assert quote.status_code == 201, quote.text
    body = quote.json()
    assert body["inferred"] == {"household": 4, "scent": "citrus", "dose_ml": 50}
    assert body["selections"] == {**chosen, **body["inferred"]} and body["profile_id"] == profile
    orders = client.get(f"/api/v1/profiles/{profile}", headers={"X-API-Key": key}).json()["orders"]
    assert orders == [body["id"]]


@pytest.fixture
def empty_shop(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """A shop with no order history yet, and a key."""
    app = create_app(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    with Session(app.state.db) as db:
        key = create_api_key(db, "shop")
    yield TestClient(app), key
    app.state.db.dispose()


def test_recommendations_come_from_matching_history_and_fit(empty_shop: tuple[TestClient, str]) -> None:
    client, key = empty_shop
    assert client.post(SUGGEST, json={"selections": {}}).json()["recommended"] == {}  # no history, no suggestion
    for scent, hardness in [("citrus", "hard"), ("citrus", "hard"), ("linen", "hard"), ("none", "soft")]:
        order = {**ORDER, "scent": scent, "water_hardness": hardness, "dose_ml": 60}
        made = client.post("/api/v1/quotes", headers={"X-API-Key": key},
                           json={"product_id": "detergent-subscription", "selections": order})
        assert made.status_code == 201, made.text
    hard = client.post(SUGGEST, json={"selections": {"water_hardness": "hard"}}).json()["recommended"]
    assert hard["scent"] == "citrus" and hard["dose_ml"] == 60
    soft = client.post(SUGGEST, json={"selections": {"water_hardness": "soft"}}).json()["recommended"]
    assert soft["scent"] == "none"
    # Sensitive skin allows only the unscented formula: citrus, the favourite, is never suggested.
    sensitive = client.post(SUGGEST, json={"selections": {"water_hardness": "hard", "sensitive_skin": True}})
    assert "scent" not in sensitive.json()["recommended"]
    assert client.post(SUGGEST, json={"selections": {"household": 8}}).json()["recommended"] == {}  # none alike


def test_the_shop_fills_from_the_visitors_preferences_and_quotes_record_it(empty_shop: tuple[TestClient, str]) -> None:
    client, _ = empty_shop
    page = client.get("/profile")
    assert all(f'name="{name}"' in page.text for name in ("household_size", "sensitive_skin", "water_hardness"))
    token = client.cookies.get("csrftoken")
    assert client.post("/profile", data={"household_size": "5"}, follow_redirects=False).status_code == 403
    saved = client.post("/profile", data={"csrf": token, "household_size": "5", "scent_preference": "citrus",
                                          "nonsense": "x"}, follow_redirects=False)
    assert saved.status_code == 303 and client.cookies.get("profile")
    assert 'value="5"' in client.get("/profile").text and "nonsense" not in client.get("/profile").text
    product = client.get("/products/detergent-subscription").text
    assert 'id="inferred-household"' in product and 'id="inferred-scent"' in product
    field = re.search(r'<input[^>]*id="v-household"[^>]*>', product)
    assert field is not None and 'value="5"' in field.group(0)
    state = "water_hardness=soft&sensitive_skin=false&household=5&scent=citrus&dose_ml=55"
    quoted = client.post("/products/detergent-subscription/quote", data={"csrf": token, "state": state},
                         follow_redirects=False)
    assert quoted.status_code == 303
    with Session(client.app.state.db) as db:  # type: ignore[attr-defined]
        quote = db.exec(select(Quote)).one()
    assert quote.inferred == {"household": 5, "scent": "citrus", "dose_ml": 55}
    assert quote.profile_id == client.cookies.get("profile")
    # One order is not enough to suggest anything to a new visitor (five alike are, by default).
    client.cookies.clear()
    fresh = client.get("/products/detergent-subscription?water_hardness=soft").text
    assert 'id="recommended-scent"' not in fresh


def test_a_suggestion_needs_enough_alike_orders_says_how_many_and_is_taken_in_one_click(
    empty_shop: tuple[TestClient, str],
) -> None:
    client, key = empty_shop
    order = {**ORDER, "water_hardness": "soft", "scent": "citrus", "dose_ml": 55}
    for stored in range(5):
        page = client.get("/products/detergent-subscription?water_hardness=soft").text
        assert ('id="recommended-scent"' in page) == (stored == 5)
        made = client.post("/api/v1/quotes", headers={"X-API-Key": key},
                           json={"product_id": "detergent-subscription", "selections": order})
        assert made.status_code == 201, made.text
    page = client.get("/products/detergent-subscription?water_hardness=soft").text
    assert "5 of 5 customers who chose as you did picked Citrus" in page
    token = client.cookies.get("csrftoken")
    taken = client.post("/products/detergent-subscription",
                        data={"csrf": token, "water_hardness": "soft", "do": "apply:scent=citrus"},
                        headers={"HX-Request": "true"})
    boxes = re.findall(r'<input type="radio"[^>]*name="scent"[^>]*>', taken.text)
    assert len(boxes) == 3
    assert [box for box in boxes if "checked" in box] == [b for b in boxes if 'value="citrus"' in b]


def test_a_profile_is_asked_in_the_catalogs_own_values_and_what_a_product_cannot_use_is_said(
    empty_shop: tuple[TestClient, str],
) -> None:
    client, _ = empty_shop
    page = client.get("/profile").text
    assert '<select id="p-scent_preference"' in page and '<option value="citrus">Citrus</option>' in page
    assert '<select id="p-sensitive_skin"' in page and '<option value="true">Yes</option>' in page
    assert '<input type="number" id="p-household_size"' in page
    token = client.cookies.get("csrftoken")
    client.post("/profile", data={"csrf": token, "scent_preference": "lemon", "water_hardness": "very hard",
                                  "household_size": "3"})
    product = client.get("/products/detergent-subscription").text
    assert "Your profile says “lemon”, which is not a choice here, so we did not use it." in unescape(product)
    assert 'id="inferred-scent"' not in product and 'id="inferred-water_hardness"' not in product
    assert 'id="inferred-household"' in product  # what it can use, it uses

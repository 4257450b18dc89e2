"""Settings adjusted in use (the adaptive face): changed after purchase within the rules, every change kept with
who, when, the old and new value; refused changes store nothing; price and variant never move."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from configurator.app import create_app
from configurator.persistence.db import SettingsChange
from tests.conftest import COMPLETE_BIKE, stored_rows

KIT = {"bulbs": 6, "scene_wake": True, "scene_evening": "warm", "brightness": 40, "away_mode": False}


def _saved(client: TestClient, key: str) -> str:
    made = client.post("/api/v1/configurations", headers={"X-API-Key": key},
                       json={"product_id": "lighting-kit", "selections": KIT})
    assert made.status_code == 201
    return str(made.json()["id"])


def _saved_in_the_shop(client: TestClient) -> str:
    client.get("/products/lighting-kit")
    state = "bulbs=6&scene_wake=true&scene_evening=warm&brightness=40&away_mode=false"
    made = client.post("/products/lighting-kit/save", data={"csrf": client.cookies.get("csrftoken"), "state": state},
                       follow_redirects=False)
    assert made.status_code == 303
    return str(made.headers["location"]).removeprefix("/c/")


def test_the_api_changes_settings_within_the_rules_and_keeps_every_change(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    saved = _saved(client, key)
    start = client.get(f"/api/v1/configurations/{saved}/settings", headers={"X-API-Key": key}).json()
    assert start["settings"] == {"scene_wake": True, "scene_evening": "warm", "brightness": 40, "away_mode": False}
    assert start["history"] == []
    url = f"/api/v1/configurations/{saved}/settings"
    assert client.post(url, json={"settings": {"brightness": 60}}).status_code == 401  # a storefront acts, with its key
    # Focus light needs 50% brightness: at 40% it is refused, naming the rule, and nothing is stored.
    refused = client.post(url, headers={"X-API-Key": key}, json={"settings": {"scene_evening": "focus"}})
    assert refused.status_code == 422 and "at least 50% brightness" in refused.text
    assert client.get(url, headers={"X-API-Key": key}).json()["history"] == []
    # The bulbs are not a setting: the kit as ordered cannot change.
    assert client.post(url, headers={"X-API-Key": key}, json={"settings": {"bulbs": 8}}).status_code == 422
    done = client.post(url, headers={"X-API-Key": key}, json={"settings": {"brightness": 60, "scene_evening": "focus"}})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["settings"]["brightness"] == 60 and body["settings"]["scene_evening"] == "focus"
    assert [(c["option"], c["old"], c["new"]) for c in body["history"]] == [
        ("brightness", 40, 60), ("scene_evening", "warm", "focus")
    ]
    assert all(c["who"].startswith("api key") and c["at"] for c in body["history"])
    mine = client.get(f"/api/v1/configurations/{saved}", headers={"X-API-Key": key})
    assert mine.json()["selections"] == KIT  # the saved row never changes


def test_settings_change_neither_price_nor_variant(keyed_shop: tuple[TestClient, str]) -> None:
    client, _ = keyed_shop
    first = client.post("/api/v1/products/lighting-kit/price", json={"selections": KIT}).json()
    other = {**KIT, "scene_evening": "candle", "brightness": 90, "away_mode": True, "scene_wake": False}
    second = client.post("/api/v1/products/lighting-kit/price", json={"selections": other}).json()
    assert (first["total"], first["variant"]) == (second["total"], second["variant"])


def test_the_settings_card_in_the_shop(keyed_shop: tuple[TestClient, str]) -> None:
    client, _ = keyed_shop
    saved = _saved_in_the_shop(client)
    page = client.get(f"/c/{saved}")
    assert f"/c/{saved}/settings" in page.text and "Adjustable later" in page.text
    card = client.get(f"/c/{saved}/settings")
    assert card.status_code == 200 and "No changes yet" in card.text and 'id="secret-link"' in card.text
    token = client.cookies.get("csrftoken")
    before = stored_rows(client)
    forged = client.post(f"/c/{saved}/settings", data={"brightness": "80"}, follow_redirects=False)
    assert forged.status_code == 403
    refused = client.post(f"/c/{saved}/settings", data={"csrf": token, "scene_evening": "focus"})
    assert refused.status_code == 422 and "at least 50% brightness" in unescape(refused.text)
    assert stored_rows(client) == before and "No changes yet" in client.get(f"/c/{saved}/settings").text
    moved = client.post(f"/c/{saved}/settings", data={"csrf": token, "brightness": "80"}, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == f"/c/{saved}/settings"
    history = client.get(f"/c/{saved}/settings").text
    assert "Default brightness" in history and "customer" in history
    assert 'value="80"' in client.get(f"/c/{saved}").text  # the short link shows the settings as they are now
    assert client.get("/c/nope/settings").status_code == 404


def test_only_the_customer_who_saved_it_changes_its_settings(keyed_shop: tuple[TestClient, str]) -> None:
    owner, _ = keyed_shop
    saved = _saved_in_the_shop(owner)
    secret = owner.cookies.get(f"edit_{saved}")
    link = unescape(owner.get(f"/c/{saved}/settings").text).split('id="secret-link"')[1].split('href="')[1]
    assert link.startswith(f"/c/{saved}/settings?key=") and secret and secret in link
    friend = TestClient(owner.app)  # someone the short link was shared with: reads, cannot change
    card = friend.get(f"/c/{saved}/settings")
    assert card.status_code == 200 and 'id="read-only"' in card.text and "Save my settings" not in card.text
    before = stored_rows(friend)
    token = friend.cookies.get("csrftoken")
    assert friend.post(f"/c/{saved}/settings", data={"csrf": token, "brightness": "80"}).status_code == 403
    guessed = friend.get(f"/c/{saved}/settings?key=not-the-secret", follow_redirects=False)
    assert guessed.status_code == 303 and f"edit_{saved}" not in guessed.cookies
    assert friend.post(f"/c/{saved}/settings", data={"csrf": token, "brightness": "80"}).status_code == 403
    assert stored_rows(friend) == before
    device = TestClient(owner.app)  # the customer on another device, with their secret link
    opened = device.get(link.split('"')[0], follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/c/{saved}/settings"  # out of the bar
    device.get(f"/c/{saved}/settings")
    moved = device.post(f"/c/{saved}/settings", data={"csrf": device.cookies.get("csrftoken"), "brightness": "80"},
                        follow_redirects=False)
    assert moved.status_code == 303


def test_an_order_comes_with_its_settings_card(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    quote = client.post("/api/v1/quotes", headers={"X-API-Key": key},
                        json={"product_id": "lighting-kit", "selections": KIT}).json()
    card = client.get(f"/api/v1/configurations/{quote['settings_id']}/settings", headers={"X-API-Key": key}).json()
    assert card["settings"]["scene_evening"] == "warm" and card["history"] == []
    bike = client.post("/api/v1/quotes", headers={"X-API-Key": key},
                       json={"product_id": "city-bike", "selections": COMPLETE_BIKE}).json()
    assert bike["settings_id"] is None  # nothing on a bicycle is adjusted in use
    client.get("/products/lighting-kit")
    token = client.cookies.get("csrftoken")
    state = "bulbs=6&scene_wake=true&scene_evening=warm&brightness=40&away_mode=false"
    shop = client.post("/products/lighting-kit/quote", data={"csrf": token, "state": state})
    assert "Your settings card" in shop.text


def _saved_card(client: TestClient) -> tuple[str, str]:
    """A lighting kit saved in the shop (this browser may change its settings): its id and the CSRF token."""
    page = client.get("/products/lighting-kit")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    saved = client.post("/products/lighting-kit/save", data={"csrf": token.group(1), "state": ""},
                        headers={"Origin": "http://testserver"})
    return str(saved.url).rsplit("/", 1)[1], token.group(1)


def test_saving_settings_unchanged_records_nothing_and_a_refused_value_stays_with_its_reason() -> None:
    app = create_app(database_url="sqlite://")
    client = TestClient(app)
    saved_id, token = _saved_card(client)
    same = {"csrf": token, "brightness": "70", "scene_wake": "true", "scene_evening": "warm", "away_mode": "false"}
    assert client.post(f"/c/{saved_id}/settings", data=same).status_code == 200
    with Session(app.state.db) as db:
        assert db.exec(select(SettingsChange)).all() == []
    card = client.post(f"/c/{saved_id}/settings", data={**same, "brightness": "150"})
    assert card.status_code == 422
    field = re.search(r'<input type="number" id="s-brightness"[^>]*>', card.text)
    assert field is not None and 'value="150"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    assert "Default brightness: 150 is not between 10 and 100" in card.text
    assert "Default brightness (%)" in card.text and "Between 10 and 100 %, in steps of 10" in card.text
    with Session(app.state.db) as db:
        assert db.exec(select(SettingsChange)).all() == []

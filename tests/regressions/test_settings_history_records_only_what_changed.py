"""Regression (found using the settings card in Chromium): a configuration saved in the shop with its settings left
at their defaults showed them unset, and the first save of the card (which posts every setting) recorded every
setting as changed from nothing. The card now shows open settings at the values the engine completes them with
(their defaults), and only a setting the customer changed is recorded, from the value they saw."""

from __future__ import annotations

from fastapi.testclient import TestClient

from configurator.app import create_app


def test_the_first_save_records_only_the_setting_changed() -> None:
    client = TestClient(create_app(database_url="sqlite://", watch=False))
    client.get("/products/lighting-kit")
    made = client.post("/products/lighting-kit/save", data={"csrf": client.cookies.get("csrftoken"), "state": ""},
                       follow_redirects=False)  # nothing chosen: every setting at its default
    saved = made.headers["location"].removeprefix("/c/")
    card = client.get(f"/c/{saved}/settings").text
    assert 'value="70"' in card  # the default brightness, shown
    form = {"csrf": client.cookies.get("csrftoken"), "scene_wake": "true", "scene_evening": "warm",
            "brightness": "40", "away_mode": "false"}
    assert client.post(f"/c/{saved}/settings", data=form, follow_redirects=False).status_code == 303
    history = client.get(f"/api/v1/configurations/{saved}/settings").json()["history"]
    assert [(c["option"], c["old"], c["new"]) for c in history] == [("brightness", 70, 40)]

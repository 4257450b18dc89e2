"""Regression: `POST /api/v1/configurations/{id}/settings` with another storefront's key answered 200 and changed
the order's settings; `GET /api/v1/configurations/{id}` and its settings with no key at all returned the order's
selections. Now what a key makes is readable and changeable with that key alone (404 otherwise), and a
configuration shared from the shop is read-only to every key."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from configurator.persistence.db import create_api_key
from tests.configurator.test_adjustments import KIT, _saved, _saved_in_the_shop
from tests.conftest import stored_rows


def test_api_configurations_belong_to_their_key(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    with Session(client.app.state.db) as db:  # type: ignore[attr-defined]
        other = create_api_key(db, "another storefront")
    assert client.post("/api/v1/configurations", json={"product_id": "lighting-kit", "selections": KIT}
                       ).status_code == 401
    saved = _saved(client, key)
    quote = client.post("/api/v1/quotes", headers={"X-API-Key": key},
                        json={"product_id": "lighting-kit", "selections": KIT}).json()
    before = stored_rows(client)
    for ident in (saved, quote["settings_id"]):
        for headers in ({}, {"X-API-Key": other}):
            assert client.get(f"/api/v1/configurations/{ident}", headers=headers).status_code == 404
            assert client.get(f"/api/v1/configurations/{ident}/settings", headers=headers).status_code == 404
            assert client.get(f"/c/{ident}", headers=headers).status_code == 404
            assert client.get(f"/c/{ident}/settings", headers=headers).status_code == 404
        changed = client.post(f"/api/v1/configurations/{ident}/settings", headers={"X-API-Key": other},
                              json={"settings": {"brightness": 60}})
        assert changed.status_code == 404
    assert stored_rows(client) == before
    shop_made = _saved_in_the_shop(client)  # shared from the shop: any key reads it, none changes it
    assert client.get(f"/api/v1/configurations/{shop_made}", headers={"X-API-Key": other}).status_code == 200
    changed = client.post(f"/api/v1/configurations/{shop_made}/settings", headers={"X-API-Key": other},
                          json={"settings": {"brightness": 60}})
    assert changed.status_code == 404

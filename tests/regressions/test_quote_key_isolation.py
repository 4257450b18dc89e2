"""Regression: any valid API key could read any other key's quote; now another's quote is 404, like a missing one."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from configurator.app import create_app
from configurator.persistence.db import create_api_key
from tests.conftest import COMPLETE_BIKE


def test_a_key_reads_only_its_own_quotes(tmp_path: Path) -> None:
    app = create_app(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    with Session(app.state.db) as db:
        mine, theirs = create_api_key(db, "mine"), create_api_key(db, "theirs")
    client = TestClient(app)
    made = client.post(
        "/api/v1/quotes", json={"product_id": "city-bike", "selections": COMPLETE_BIKE}, headers={"X-API-Key": mine}
    )
    assert made.status_code == 201
    url = f"/api/v1/quotes/{made.json()['id']}"
    assert client.get(url, headers={"X-API-Key": mine}).content == made.content
    foreign = client.get(url, headers={"X-API-Key": theirs})
    missing = client.get("/api/v1/quotes/no-such-quote", headers={"X-API-Key": theirs})
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["title"] == missing.json()["title"]

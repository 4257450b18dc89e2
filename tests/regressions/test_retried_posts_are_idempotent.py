"""Regression: a client that retried `POST /quotes` after a cut connection got a duplicate quote. With an
`Idempotency-Key`, a retry with the same key and body gets the first answer again (nothing new stored), the same
key with another body is a 422; concurrent retries store one row between them."""

from __future__ import annotations

import threading
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from configurator.app import create_app
from configurator.persistence.db import create_api_key
from tests.conftest import COMPLETE_BIKE, stored_rows
from tests.live import serving

BODIES = {
    "/api/v1/quotes": {"product_id": "city-bike", "selections": COMPLETE_BIKE},
    "/api/v1/configurations": {"product_id": "city-bike", "selections": {"gears": "hub8"}},
}


@pytest.mark.parametrize("path", list(BODIES))
def test_a_retry_gets_the_first_answer_and_stores_nothing(keyed_shop: tuple[TestClient, str], path: str) -> None:
    client, key = keyed_shop
    headers = {"X-API-Key": key, "Idempotency-Key": f"order-{path}"}
    first = client.post(path, json=BODIES[path], headers=headers)
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    after_first = stored_rows(client)
    again = client.post(path, json=BODIES[path], headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json() and stored_rows(client) == after_first
    other = client.post(path, json={**BODIES[path], "selections": {"gears": "single"}}, headers=headers)
    assert other.status_code == 422 and "another request body" in other.json()["detail"]
    assert stored_rows(client) == after_first
    fresh = client.post(path, json=BODIES[path], headers={**headers, "Idempotency-Key": f"next-{path}"})
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]


def test_keys_belong_to_their_api_key(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    with Session(client.app.state.db) as db:  # type: ignore[attr-defined]
        other = create_api_key(db, "another storefront")
    body = BODIES["/api/v1/quotes"]
    mine = client.post("/api/v1/quotes", json=body, headers={"X-API-Key": key, "Idempotency-Key": "shared"})
    theirs = client.post("/api/v1/quotes", json=body, headers={"X-API-Key": other, "Idempotency-Key": "shared"})
    assert mine.status_code == theirs.status_code == 201 and mine.json()["id"] != theirs.json()["id"]


@pytest.mark.parametrize("bad", ["", "x" * 201, "caf\u00e9", "tab\there"])
def test_a_malformed_key_is_refused(keyed_shop: tuple[TestClient, str], bad: str) -> None:
    client, key = keyed_shop
    before = stored_rows(client)
    answer = client.post("/api/v1/quotes", json=BODIES["/api/v1/quotes"],
                         headers={"X-API-Key": key.encode(), "Idempotency-Key": bad.encode("utf-8")})
    assert answer.status_code == 422 and stored_rows(client) == before


def test_concurrent_retries_store_one_quote(database_url: str) -> None:
    app = create_app(database_url=database_url, watch=False)
    with Session(app.state.db) as db:
        key = create_api_key(db, "shop")
    answers: list[Any] = []
    with serving(app) as base:
        def retry() -> None:
            with httpx2.Client(base_url=base, timeout=60) as http:
                answers.append(http.post("/api/v1/quotes", json=BODIES["/api/v1/quotes"],
                                         headers={"X-API-Key": key, "Idempotency-Key": "once"}))

        threads = [threading.Thread(target=retry) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert [a.status_code for a in answers] == [201] * 8
    assert len({a.json()["id"] for a in answers}) == 1
    assert stored_rows(TestClient(app)) == (1, 0)
    app.state.db.dispose()

"""Regression: 8 clients quoting at once on SQLite got 500 "database is locked" (782 of 1,200), without waiting.

A deferred transaction read the API key, then could not upgrade to a write while another writer held the lock.
Write transactions now take the lock at BEGIN (IMMEDIATE) and wait their turn. The same load runs on PostgreSQL;
every 201 quote must read back byte-identical with its own key, and be unknown (404) to another key.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
from sqlalchemy import func
from sqlmodel import Session, select

from configurator.app import create_app
from configurator.persistence.db import Quote, create_api_key
from tests.conftest import COMPLETE_BIKE
from tests.live import serving

CLIENTS = 8
PER_CLIENT = 40  # quotes and as many prices per client: 320 of each


def _client_run(base: str, key: str, other: str, number: int) -> list[tuple[int, str, int, int]]:
    """Alternate quotes and prices; for each quote: (status, body, status read back by its key, by another)."""
    body = {"product_id": "city-bike", "selections": {**COMPLETE_BIKE, "quantity": 1 + number % 5}}
    seen: list[tuple[int, str, int, int]] = []
    with httpx.Client(base_url=base, timeout=60) as http:
        for _ in range(PER_CLIENT):
            priced = http.post("/api/v1/products/city-bike/price", json={"selections": body["selections"]})
            assert priced.status_code == 200, priced.text
            made = http.post("/api/v1/quotes", json=body, headers={"X-API-Key": key})
            if made.status_code != 201:
                seen.append((made.status_code, made.text, 0, 0))
                continue
            quote_id = made.json()["id"]
            own = http.get(f"/api/v1/quotes/{quote_id}", headers={"X-API-Key": key})
            assert own.content == made.content
            foreign = http.get(f"/api/v1/quotes/{quote_id}", headers={"X-API-Key": other})
            seen.append((made.status_code, made.text, own.status_code, foreign.status_code))
    return seen


def test_concurrent_quotes_all_succeed_and_stay_with_their_key(database_url: str) -> None:
    app = create_app(database_url=database_url)
    with Session(app.state.db) as db:
        keys = [create_api_key(db, "shop a"), create_api_key(db, "shop b")]
    with serving(app) as base, ThreadPoolExecutor(CLIENTS) as pool:
        runs = pool.map(lambda n: _client_run(base, keys[n % 2], keys[1 - n % 2], n), range(CLIENTS))
        results = [item for run in runs for item in run]
    failures = [(status, text[:200]) for status, text, _, _ in results if status != 201]
    assert not failures, failures
    assert len(results) == CLIENTS * PER_CLIENT
    assert {(own, foreign) for _, _, own, foreign in results} == {(200, 404)}
    with Session(app.state.db) as db:
        assert db.exec(select(func.count()).select_from(Quote)).one() == CLIENTS * PER_CLIENT
    app.state.db.dispose()

"""Regression: one client on 8 connections sending batches of 500 Renault Megane items took 15 s per request with
the CPU pinned (`GET /products` p99 677 ms for everyone else); there was no rate, time or concurrency limit, 400
slow connections were held open for 30 s, and anonymous `POST /configurations` wrote 360 rows/s. Now: request
rates per client address and per valid API key (429 with Retry-After, problem+json, nothing stored), a batch's
items counted and its time budgeted, a time limit for sending a request body (408), and saving through the API
needs a key."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from configurator.app import create_app
from configurator.limits import Limits, kind_of
from configurator.persistence.db import create_api_key
from configurator.settings import Settings
from tests.conftest import COMPLETE_BIKE, stored_rows
from tests.live import serving

# Rates so slow that no token comes back while a test runs, however slow the machine: only the bursts count.
SMALL = Limits(engine_rate=0.001, engine_burst=5.0, write_rate=0.001, write_burst=2.0, key_factor=4.0)


@pytest.fixture
def limited(tmp_path: Path) -> tuple[TestClient, str]:
    """A shop with small rates and a storefront key."""
    app = create_app(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False, limits=SMALL)
    with Session(app.state.db) as db:
        key = create_api_key(db, "storefront")
    return TestClient(app), key


def _statuses(client: TestClient, count: int, headers: dict[str, str] | None = None) -> list[int]:
    body = {"selections": {"gears": "hub8"}}
    return [client.post("/api/v1/products/city-bike/configure", json=body, headers=headers or {}).status_code
            for _ in range(count)]


def test_engine_work_beyond_the_burst_is_429_with_retry_after(limited: tuple[TestClient, str]) -> None:
    client, _ = limited
    assert _statuses(client, 5) == [200] * 5
    refused = client.post("/api/v1/products/city-bike/price", json={"selections": COMPLETE_BIKE})
    assert refused.status_code == 429 and refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1 and "retry in" in refused.json()["detail"]
    assert client.get("/products/city-bike").status_code == 429  # the shop's pages count too
    assert client.get("/api/v1/products").status_code == 200  # cheap reads are not counted


def test_tokens_come_back_at_the_rate(tmp_path: Path) -> None:
    app = create_app(database_url="sqlite://", watch=False, limits=Limits(engine_rate=0.5, engine_burst=2.0))
    client = TestClient(app)
    assert _statuses(client, 3) == [200, 200, 429]
    time.sleep(2.1)  # a token every two seconds
    assert _statuses(client, 2) == [200, 429]


def test_a_valid_key_gets_its_own_larger_share_and_a_made_up_one_counts_as_its_address(
    limited: tuple[TestClient, str],
) -> None:
    client, key = limited
    assert _statuses(client, 6, {"X-API-Key": "ck_made_up"}) == [200] * 5 + [429]
    assert _statuses(client, 1) == [429]  # the same address
    assert _statuses(client, 21, {"X-API-Key": key}) == [200] * 20 + [429]  # four times the burst


def test_writes_beyond_their_rate_store_nothing(limited: tuple[TestClient, str]) -> None:
    client, _ = limited
    client.get("/products/city-bike")
    token = client.cookies.get("csrftoken")
    statuses = []
    for _ in range(3):
        before = stored_rows(client)
        answer = client.post("/products/city-bike/save", data={"csrf": token, "state": "gears=hub8"},
                             follow_redirects=False)
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            assert stored_rows(client) == before
    assert statuses == [303, 303, 429]


def test_a_batch_counts_its_items(limited: tuple[TestClient, str]) -> None:
    client, key = limited
    items = [{"selections": COMPLETE_BIKE}] * 6
    refused = client.post("/api/v1/products/city-bike/price/batch", json={"items": items})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    fits = client.post("/api/v1/products/city-bike/price/batch", json={"items": items}, headers={"X-API-Key": key})
    assert fits.status_code == 200 and len(fits.json()["results"]) == 6


def test_a_batch_over_its_time_budget_is_refused(tmp_path: Path) -> None:
    app = create_app(database_url="sqlite://", watch=False, limits=Limits(engine_seconds=0.001, enabled=False))
    client = TestClient(app)
    refused = client.post("/api/v1/products/city-bike/price/batch",
                          json={"items": [{"selections": COMPLETE_BIKE}] * 500})
    assert refused.status_code == 422 and "send smaller batches" in refused.json()["detail"]


def test_a_body_that_does_not_arrive_in_time_is_408(tmp_path: Path) -> None:
    app = create_app(database_url="sqlite://", watch=False, limits=Limits(body_seconds=0.5))
    with serving(app) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as slow:
            slow.sendall(b"POST /api/v1/products/city-bike/price HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"sel")
            started = time.monotonic()
            answer = slow.recv(4096)
            took = time.monotonic() - started
            while chunk := slow.recv(4096):  # the body may follow the head in a segment of its own
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 408") and b"did not arrive within 0.5 s" in answer
    assert took < 3


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("POST", "/api/v1/products/x/price", "engine"),
        ("POST", "/api/v1/products/x/price/batch", "engine"),
        ("GET", "/products/x", "engine"),
        ("POST", "/products/x", "engine"),
        ("GET", "/products/x/help", "engine"),
        ("POST", "/api/v1/quotes", "write"),
        ("POST", "/api/v1/configurations/abc/settings", "write"),
        ("POST", "/products/x/save", "write"),
        ("POST", "/c/abc/settings", "write"),
        ("GET", "/api/v1/products", None),
        ("GET", "/api/v1/quotes/abc", None),
        ("GET", "/static/app.css", None),
    ],
)
def test_what_counts_as_engine_work_or_a_write(method: str, path: str, kind: str | None) -> None:
    assert kind_of(method, path) == kind


def test_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFIGURATOR_LIMITS", "on")
    monkeypatch.setenv("CONFIGURATOR_ENGINE_RATE", "50")
    limits = Settings().request_limits()
    assert limits.enabled and limits.engine_rate == 50 and limits.write_rate == Limits().write_rate
    monkeypatch.setenv("CONFIGURATOR_WRITE_BURST", "-1")
    with pytest.raises(ValueError, match=r"CONFIGURATOR_WRITE_BURST\n  Input should be greater than 0"):
        Settings()


def test_anonymous_clients_cannot_write_configurations_through_the_api(limited: tuple[TestClient, str]) -> None:
    client, _ = limited
    before = stored_rows(client)
    answers = [client.post("/api/v1/configurations", json={"product_id": "city-bike", "selections": {}}).status_code
               for _ in range(3)]
    assert set(answers) <= {401, 429} and stored_rows(client) == before


def test_a_completion_over_its_time_budget_is_refused() -> None:
    app = create_app(database_url="sqlite://", watch=False, limits=Limits(engine_seconds=1e-9, enabled=False))
    refused = TestClient(app).post("/api/v1/products/city-bike/complete", json={"selections": {}})
    assert refused.status_code == 422 and "did not finish within" in refused.json()["detail"]

"""Webhooks (issue 26): a storefront registers a URL, and a quote it makes is delivered there, signed with the
webhook's secret; a receiver that fails gets the delivery again after a backoff; a delivery queued while the
receiver was away survives a server restart and arrives; an event two processes both see is delivered once; a
key's webhook hears of its own rows (an admin key's of all)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from configurator.app import create_app
from configurator.persistence.db import WebhookDelivery, create_api_key
from configurator.services.webhooks import SIGNATURE_HEADER, Dispatcher
from tests.conftest import COMPLETE_BIKE
from tests.live import serving


class Receiver:
    """A storefront's endpoint on loopback: records what it is sent, failing the first `failures` times."""

    def __init__(self, failures: int = 0, port: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.failures > 0:
                    outer.failures -= 1
                    self.send_response(500)
                else:
                    outer.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def app(app_on_file: FastAPI) -> FastAPI:
    return app_on_file


def _keys(app: FastAPI) -> tuple[str, str, str]:
    with Session(app.state.db) as db:
        return create_api_key(db, "a"), create_api_key(db, "b"), create_api_key(db, "merchandiser", admin=True)


def _hook(client: TestClient, key: str, url: str, events: list[str]) -> str:
    made = client.post("/api/v1/webhooks", json={"url": url, "events": events}, headers={"X-API-Key": key})
    assert made.status_code == 201, made.text
    return str(made.json()["secret"])


def _verify(secret: str, headers: dict[str, str], body: bytes) -> None:
    given = dict(part.split("=", 1) for part in headers[SIGNATURE_HEADER].split(","))
    expected = hmac.new(secret.encode(), f"{given['t']}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(given["v1"], expected)


def test_a_quote_is_delivered_signed_to_its_keys_webhook_and_the_admins(app: FastAPI) -> None:
    mine, theirs, admin = _keys(app)
    client = TestClient(app)
    receivers = [Receiver() for _ in range(3)]
    try:
        secrets_ = [_hook(client, key, r.url, ["quote.created"]) for key, r in zip((mine, theirs, admin), receivers,
                                                                                   strict=True)]
        quote = client.post("/api/v1/quotes", json={"product_id": "city-bike", "selections": COMPLETE_BIKE},
                            headers={"X-API-Key": mine}).json()
        assert Dispatcher(app.state.db).deliver_due() == 2  # mine and the admin's; not the other storefront's
        assert [len(r.received) for r in receivers] == [1, 0, 1]
        for receiver, secret in ((receivers[0], secrets_[0]), (receivers[2], secrets_[2])):
            headers, body = receiver.received[0]
            _verify(secret, headers, body)
            sent = json.loads(body)
            assert sent["event"] == "quote.created" and sent["data"]["id"] == quote["id"]
            assert sent["data"]["total"] == quote["total"]
        assert Dispatcher(app.state.db).deliver_due() == 0  # delivered once
        client.get("/merchant")
        client.post("/merchant/login", data={"csrf": client.cookies.get("csrftoken"), "key": admin})
        log = client.get("/merchant").text
        assert log.count("<td><code>quote.created</code></td>") == 2 and f"<code>{receivers[0].url}</code>" in log
        assert "<td>delivered</td><td>1</td><td>204</td>" in log
        for url in ("ftp://x.example/a", "https://x.example/a\u0000b", "https://x.example/a b"):
            bad = client.post("/api/v1/webhooks", json={"url": url, "events": ["quote.created"]},
                              headers={"X-API-Key": mine})
            assert bad.status_code == 422, url
    finally:
        for receiver in receivers:
            receiver.close()


def test_a_failed_delivery_is_tried_again_after_a_backoff(app: FastAPI) -> None:
    mine, _theirs, _admin = _keys(app)
    client = TestClient(app)
    receiver = Receiver(failures=2)
    try:
        _hook(client, mine, receiver.url, ["configuration.saved"])
        client.post("/api/v1/configurations", json={"product_id": "city-bike", "selections": {"gears": "hub8"}},
                    headers={"X-API-Key": mine})
        dispatcher = Dispatcher(app.state.db, base_seconds=60)
        assert dispatcher.deliver_due() == 0
        assert dispatcher.deliver_due() == 0  # not due again before its backoff
        later = datetime.now(UTC) + timedelta(seconds=61)
        assert dispatcher.deliver_due(later) == 0  # the second attempt fails too
        assert dispatcher.deliver_due(later + timedelta(seconds=121)) == 1
        with Session(app.state.db) as db:
            [row] = db.exec(select(WebhookDelivery)).all()
        assert (row.status, row.attempts, row.last_status) == ("delivered", 3, 204)
        assert len(receiver.received) == 1
    finally:
        receiver.close()


def test_a_delivery_queued_while_the_receiver_was_away_arrives_after_a_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    first = create_app(database_url=url, watch=False)
    mine, _theirs, _admin = _keys(first)
    away = Receiver()
    address = away.url
    away.close()  # the receiver is down while the quote is made
    with serving(first, lifespan=True) as base:
        client = TestClient(first, base_url=base)
        _hook(client, mine, address, ["quote.created"])
        assert client.post("/api/v1/quotes", json={"product_id": "city-bike", "selections": COMPLETE_BIKE},
                           headers={"X-API-Key": mine}).status_code == 201
        time.sleep(1.5)  # the dispatcher tries, and fails
    first.state.db.dispose()
    receiver = Receiver(port=int(address.rsplit(":", 1)[1].split("/")[0]))  # back, where it was registered
    second = create_app(database_url=url, watch=False)  # the server again, as after a restart
    try:
        with Session(second.state.db) as db:
            [row] = db.exec(select(WebhookDelivery)).all()
            assert row.status == "pending" and row.attempts >= 1 and row.last_error  # tried while it was away
            row.next_at = datetime.now(UTC)  # as if its backoff had passed
            db.add(row)
            db.commit()
        with serving(second, lifespan=True):
            deadline = time.monotonic() + 10
            while not receiver.received and time.monotonic() < deadline:
                time.sleep(0.1)
        assert len(receiver.received) == 1 and json.loads(receiver.received[0][1])["event"] == "quote.created"
    finally:
        second.state.db.dispose()
        receiver.close()


def test_a_catalog_version_seen_by_two_processes_is_delivered_once(app: FastAPI) -> None:
    mine, _theirs, _admin = _keys(app)
    client = TestClient(app)
    receiver = Receiver()
    try:
        _hook(client, mine, receiver.url, ["catalog.version_changed"])
        served = {"city-bike": "v1"}
        processes = [Dispatcher(app.state.db, versions=lambda: dict(served)) for _ in range(2)]
        assert [p.announce_versions() for p in processes] == [0, 0]  # what each started with is no change
        served["city-bike"] = "v2"
        assert sum(p.announce_versions() for p in processes) == 1
        assert sum(p.deliver_due() for p in processes) == 1
        assert json.loads(receiver.received[0][1])["data"] == {"product_id": "city-bike", "version": "v2",
                                                               "previous": "v1"}
    finally:
        receiver.close()

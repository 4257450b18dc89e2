"""Browsers on a storefront's origin (issue 26): CORS answers the origins some API key lists and no other; a key
used from an origin it does not list is refused; a publishable key configures, prices and quotes but reads nothing
stored; `configurator apikey create` takes origins and refuses what is not one."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session
from typer.testing import CliRunner

from configurator.cli import app as cli
from configurator.persistence.db import create_api_key
from tests.conftest import COMPLETE_BIKE

SHOP = "https://shop.example"
OTHER = "https://elsewhere.example"


@pytest.fixture
def app(app_on_file: FastAPI) -> FastAPI:
    return app_on_file


def _keys(app: FastAPI) -> tuple[str, str, str]:
    with Session(app.state.db) as db:
        return (create_api_key(db, "server"), create_api_key(db, "shop", origins=(SHOP,)),
                create_api_key(db, "pages", origins=(SHOP,), publishable=True))


@pytest.mark.parametrize(("origin", "allowed"), [(SHOP, True), (OTHER, False)])
def test_cors_answers_the_origins_a_key_lists_and_no_other(app: FastAPI, origin: str, allowed: bool) -> None:
    _keys(app)
    client = TestClient(app)
    preflight = client.options("/api/v1/quotes", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-api-key"})
    assert preflight.status_code == (204 if allowed else 403)
    assert preflight.headers.get("access-control-allow-origin") == (origin if allowed else None)
    if allowed:
        assert "X-API-Key" in preflight.headers["access-control-allow-headers"]
    listed = client.get("/api/v1/products", headers={"Origin": origin})
    assert listed.status_code == 200 and "Origin" in listed.headers["vary"]
    assert listed.headers.get("access-control-allow-origin") == (origin if allowed else None)
    page = client.get("/products/city-bike", headers={"Origin": origin})  # pages are never opened to others
    assert "access-control-allow-origin" not in page.headers


def test_a_key_is_refused_from_an_origin_it_does_not_list(app: FastAPI) -> None:
    server, shop, _pages = _keys(app)
    client = TestClient(app)
    body = {"product_id": "city-bike", "selections": COMPLETE_BIKE}
    assert client.post("/api/v1/quotes", json=body, headers={"X-API-Key": shop, "Origin": SHOP}).status_code == 201
    refused = client.post("/api/v1/quotes", json=body, headers={"X-API-Key": shop, "Origin": OTHER})
    assert refused.status_code == 403 and OTHER in refused.json()["detail"]
    assert client.post("/api/v1/quotes", json=body, headers={"X-API-Key": server}).status_code == 201  # a server
    from_a_page = client.post("/api/v1/quotes", json=body, headers={"X-API-Key": server, "Origin": SHOP})
    assert from_a_page.status_code == 403  # a key that lists no origin is for servers only


def test_a_publishable_key_quotes_but_reads_nothing_stored(app: FastAPI) -> None:
    _server, shop, pages = _keys(app)
    client = TestClient(app)
    browser = {"X-API-Key": pages, "Origin": SHOP}
    made = client.post("/api/v1/quotes", json={"product_id": "city-bike", "selections": COMPLETE_BIKE},
                       headers=browser)
    assert made.status_code == 201 and pages.startswith("pk_")
    for path in (f"/api/v1/quotes/{made.json()['id']}", f"/api/v1/quotes/{made.json()['id']}/bom",
                 "/api/v1/webhooks"):
        assert client.get(path, headers=browser).status_code == 403, path
    assert client.get(f"/api/v1/quotes/{made.json()['id']}", headers={"X-API-Key": shop}).status_code == 404


@pytest.mark.parametrize(("origins", "code"), [
    (["https://shop.example", "http://localhost:8080"], 0),
    (["https://shop.example/cart"], 1),  # a path is no origin
    (["shop.example"], 1),
])
def test_apikey_create_takes_origins_and_refuses_what_is_not_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 origins: list[str], code: int) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    arguments = ["apikey", "create", "shop", "--publishable"] + [x for o in origins for x in ("--origin", o)]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == code, result.output
    if code == 0:
        assert result.stdout.strip().splitlines()[-1].startswith("pk_")

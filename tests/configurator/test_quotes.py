"""Quotes behind API keys, saved configurations, and quotes surviving catalog changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session
from typer.testing import CliRunner

from configurator.app import create_app
from configurator.cli import app as cli
from configurator.persistence.db import create_api_key, find_api_key
from configurator.services.reloader import reload_catalog
from tests.conftest import BUNDLED, COMPLETE_BIKE


def _client(tmp_path: Path, catalog: Path = BUNDLED) -> tuple[TestClient, str]:
    application = create_app(catalog, f"sqlite:///{tmp_path / 'db.sqlite'}")
    with Session(application.state.db) as db:
        key = create_api_key(db, "test shop")
    return TestClient(application), key


def test_quotes_need_a_valid_key(tmp_path: Path) -> None:
    client, key = _client(tmp_path)
    body = {"product_id": "city-bike", "selections": COMPLETE_BIKE}
    assert client.post("/api/v1/quotes", json=body).status_code == 401
    wrong = client.post("/api/v1/quotes", json=body, headers={"X-API-Key": "ck_wrong"})
    assert wrong.status_code == 401 and wrong.headers["content-type"] == "application/problem+json"
    made = client.post("/api/v1/quotes", json={**body, "total": "1.00"}, headers={"X-API-Key": key})
    assert made.status_code == 201
    quote = made.json()
    assert quote["total"] == "995.00" and quote["catalog_version"] and quote["expires_at"] > quote["created_at"]
    assert client.get(f"/api/v1/quotes/{quote['id']}", headers={"X-API-Key": key}).json() == quote
    assert client.get("/api/v1/quotes/nope", headers={"X-API-Key": key}).status_code == 404


def test_incomplete_selection_is_not_quoted(tmp_path: Path) -> None:
    client, key = _client(tmp_path)
    response = client.post(
        "/api/v1/quotes", json={"product_id": "city-bike", "selections": {"gears": "hub8"}}, headers={"X-API-Key": key}
    )
    assert response.status_code == 422


def test_quote_reads_back_unchanged_after_the_catalog_changes(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    shutil.copy(BUNDLED / "city-bike.yaml", catalog)
    client, key = _client(tmp_path, catalog)
    quote = client.post(
        "/api/v1/quotes", json={"product_id": "city-bike", "selections": COMPLETE_BIKE}, headers={"X-API-Key": key}
    ).json()
    bike = catalog / "city-bike.yaml"
    bike.write_text(bike.read_text().replace('base_price: "690.00"', 'base_price: "790.00"'))
    reloaded, _ = _client(tmp_path, catalog)  # a new process on the same database, the new catalog
    assert (
        reloaded.post("/api/v1/products/city-bike/price", json={"selections": COMPLETE_BIKE}).json()["total"]
        == "1095.00"
    )
    again = reloaded.get(f"/api/v1/quotes/{quote['id']}", headers={"X-API-Key": key}).json()
    assert again == quote


def test_saved_configurations_round_trip(tmp_path: Path) -> None:
    client, key = _client(tmp_path)
    client.headers["X-API-Key"] = key
    saved = client.post("/api/v1/configurations", json={"product_id": "city-bike", "selections": {"gears": "hub8"}})
    assert saved.status_code == 201
    ident = saved.json()["id"]
    assert client.get(f"/api/v1/configurations/{ident}").json()["selections"] == {"gears": "hub8"}
    assert client.get("/api/v1/configurations/nope").status_code == 404


def test_apikey_create_prints_the_key_last(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.sqlite'}"
    result = CliRunner(env={"DATABASE_URL": url}).invoke(cli, ["apikey", "create", "storefront"])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[-1]
    application = create_app(BUNDLED, url)
    with Session(application.state.db) as db:
        stored = find_api_key(db, key)
        assert stored is not None and stored.name == "storefront" and stored.key_hash != key


def test_a_saved_configuration_says_what_the_current_catalog_refuses(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    bike = folder / "city-bike.yaml"
    bike.write_text((BUNDLED / "city-bike.yaml").read_text())
    app = create_app(folder, f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)
    client = TestClient(app)
    with Session(app.state.db) as db:
        client.headers["X-API-Key"] = create_api_key(db, "shop")
    listed = {p["id"]: p for p in client.get("/api/v1/products").json()}
    assert len(listed["city-bike"]["version"]) == 64 and listed["city-bike"]["loaded_at"]
    saved = client.post("/api/v1/configurations", json={"product_id": "city-bike",
                                                         "selections": {"gears": "hub11", "belt_drive": True}}).json()
    fresh = client.get(f"/api/v1/configurations/{saved['id']}").json()
    assert fresh["current"] is True and fresh["no_longer_fits"] == []
    bike.write_text(bike.read_text().replace("""then: 'gears in ["hub8", "hub11"]'""", """then: 'gears == "hub8"'"""))
    reload_catalog(app.state.served, folder)
    later = client.get(f"/api/v1/configurations/{saved['id']}").json()
    assert later["current"] is False and later["selections"] == {"gears": "hub11", "belt_drive": True}
    assert [v["rule"] for v in later["no_longer_fits"]] == ["belt-needs-hub"]
    assert client.get(f"/c/{saved['id']}").status_code == 404  # made through the API: for its key alone
    client.get("/products/city-bike")
    shared = client.post("/products/city-bike/save", follow_redirects=False,
                         data={"csrf": client.cookies.get("csrftoken"), "state": "gears=hub8"}).headers["location"]
    bike.write_text(bike.read_text().replace('base_price: "690.00"', 'base_price: "700.00"'))
    reload_catalog(app.state.served, folder)
    assert "earlier version of the catalog" in client.get(shared).text

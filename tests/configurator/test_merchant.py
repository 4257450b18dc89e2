"""The merchandiser's page: behind an admin key entered once (a session cookie), it shows versions, load errors
with their positions, lint findings and recent quotes; a storefront key does not open it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from configurator.app import create_app
from configurator.persistence.db import create_api_key
from configurator.services.reloader import reload_catalog
from tests.conftest import BUNDLED


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[TestClient, str, str]]:
    """A shop over a catalog with one broken file, an admin key and a storefront key."""
    folder = tmp_path / "catalog"
    folder.mkdir()
    for name in ("city-bike.yaml", "renault-megane.yaml"):
        (folder / name).write_text((BUNDLED / name).read_text())
    shutil.copytree(BUNDLED / "renault-megane", folder / "renault-megane")  # the Megane's table files
    (folder / "broken.yaml").write_text("id: broken\nname: Broken\ncurrency: EUR\nbase_price: '1'\nsteps: [\n")
    app = create_app(folder, f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)
    with Session(app.state.db) as db:
        admin, storefront = create_api_key(db, "merchandiser", admin=True), create_api_key(db, "shop")
    yield TestClient(app), admin, storefront
    app.state.db.dispose()


def test_the_merchant_page_needs_an_admin_key_once(shop: tuple[TestClient, str, str]) -> None:
    client, admin, storefront = shop
    assert "Merchandiser sign-in" in client.get("/merchant").text
    token = client.cookies.get("csrftoken")
    assert client.post("/merchant/login", data={"key": admin}).status_code == 403  # CSRF first
    refused = client.post("/merchant/login", data={"csrf": token, "key": storefront}, follow_redirects=False)
    assert refused.status_code == 401 and "merchant" not in refused.cookies
    signed = client.post("/merchant/login", data={"csrf": token, "key": admin}, follow_redirects=False)
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/merchant" in cookie
    page = unescape(client.get("/merchant").text)
    assert "broken.yaml:6:1:" in page  # the broken file's error, with its position
    assert "renault-megane" in page and "dead_value: Var8 can never be CPLG" in page  # lint
    assert "No quotes yet" in page
    client.post("/merchant/logout", data={"csrf": token})
    assert "Merchandiser sign-in" in client.get("/merchant").text


def test_each_product_says_whether_it_serves_its_file_as_it_is_now_or_its_last_good_version(tmp_path: Path) -> None:
    for name in ("city-bike.yaml", "lighting-kit.yaml"):
        (tmp_path / name).write_text((BUNDLED / name).read_text())
    app = create_app(tmp_path, "sqlite://", watch=False)
    with Session(app.state.db) as db:
        admin = create_api_key(db, "merchandiser", admin=True)
    (tmp_path / "city-bike.yaml").write_text("id: [\n")
    reload_catalog(app.state.served, tmp_path)
    client = TestClient(app)
    client.get("/merchant")
    client.post("/merchant/login", data={"csrf": client.cookies.get("csrftoken"), "key": admin})
    page = unescape(client.get("/merchant").text)
    bike = page[page.index('id="product-city-bike"') :].split("</tr>")[0]
    kit = page[page.index('id="product-lighting-kit"') :].split("</tr>")[0]
    since = app.state.served.catalog.kept["city-bike"].strftime("%Y-%m-%d %H:%M:%S UTC")
    assert f"its last good version</strong>: the file has errors (above) since {since}" in bike
    assert "the file as it is now" in kit and "last good" not in kit
    assert "city-bike.yaml:2:1: YAML syntax error" in page

"""Regression: HTML posts with `Origin: https://evil.example`, or with an attacker-chosen token placed in both the
cookie and the field, were accepted (only SameSite stopped a cross-site post). Now a post must come from the
server's own origin and carry a token signed with the server's secret, shared by every process on the database;
over HTTPS the cookie is `__Host-` prefixed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from configurator.app import create_app
from configurator.web.csrf import SECURE_COOKIE
from tests.conftest import stored_rows

STATE = "gears=hub8"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    """A browser that has opened the product page (and so holds the shop's token)."""
    browser = TestClient(create_app(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False))
    browser.get("/products/city-bike")
    return browser


def _save(client: TestClient, token: str | None, headers: dict[str, str] | None = None) -> int:
    before = stored_rows(client)
    answer = client.post("/products/city-bike/save", data={"csrf": token or "", "state": STATE},
                         headers=headers or {}, follow_redirects=False)
    if answer.status_code != 303:
        assert stored_rows(client) == before
    return answer.status_code


def test_the_shops_own_post_passes(client: TestClient) -> None:
    token = client.cookies.get("csrftoken")
    assert _save(client, token, {"Origin": "http://testserver"}) == 303
    assert _save(client, token, {"Referer": "http://testserver/products/city-bike"}) == 303
    assert _save(client, token) == 303  # neither header (stripped by a privacy tool): the signed token decides


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Referer": "https://evil.example/page"},
        {"Origin": "https://evil.example", "Referer": "http://testserver/products/city-bike"},
    ],
)
def test_a_post_from_another_origin_is_refused(client: TestClient, headers: dict[str, str]) -> None:
    assert _save(client, client.cookies.get("csrftoken"), headers) == 403


@pytest.mark.parametrize("token", ["A" * 32, "A" * 24 + "." + "B" * 24, "x.y"])
def test_a_token_the_attacker_chose_is_refused(client: TestClient, token: str) -> None:
    client.cookies.set("csrftoken", token)
    assert _save(client, token) == 403


def test_a_token_another_server_signed_is_refused(client: TestClient, tmp_path: Path) -> None:
    elsewhere = TestClient(create_app(database_url=f"sqlite:///{tmp_path / 'other.sqlite'}", watch=False))
    elsewhere.get("/products/city-bike")
    foreign = elsewhere.cookies.get("csrftoken")
    assert foreign
    client.cookies.set("csrftoken", foreign)
    assert _save(client, foreign) == 403


def test_every_process_on_one_database_signs_alike(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    first, second = create_app(database_url=url, watch=False), create_app(database_url=url, watch=False)
    assert first.state.secret == second.state.secret
    browser = TestClient(first)
    browser.get("/products/city-bike")
    token = browser.cookies.get("csrftoken")
    other = TestClient(second, cookies={"csrftoken": token or ""})
    assert other.post("/products/city-bike/save", data={"csrf": token, "state": STATE},
                      follow_redirects=False).status_code == 303


def test_over_https_the_cookie_is_host_prefixed(tmp_path: Path) -> None:
    browser = TestClient(create_app(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False),
                         base_url="https://shop.example")
    page = browser.get("/products/city-bike")
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{SECURE_COOKIE}=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
    token = browser.cookies.get(SECURE_COOKIE)
    saved = browser.post("/products/city-bike/save", data={"csrf": token, "state": STATE},
                         headers={"Origin": "https://shop.example"}, follow_redirects=False)
    assert saved.status_code == 303

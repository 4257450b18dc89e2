"""Regression: `/` wrote the request's Host header into absolute URLs, sent no security headers, and showed every
visitor the catalog's load errors with their file paths (those belong to the merchandiser, in the server log)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from configurator.app import create_app
from configurator.settings import HTMX_CDN
from tests.conftest import BUNDLED


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    (tmp_path / "bike.yaml").write_text((BUNDLED / "city-bike.yaml").read_text())
    (tmp_path / "broken.yaml").write_text("id: broken\nname: [unclosed\n")
    return TestClient(create_app(tmp_path, "sqlite://"))


def test_the_index_uses_no_host_header(client: TestClient) -> None:
    page = client.get("/", headers={"host": "evil.example"})
    assert page.status_code == 200 and "evil.example" not in page.text
    assert 'href="/static/app.css"' in page.text


def test_load_errors_go_to_the_log_not_to_shoppers(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "broken.yaml").write_text("id: broken\nname: [unclosed\n")
    with caplog.at_level(logging.WARNING):
        page = TestClient(create_app(tmp_path, "sqlite://")).get("/")
    assert "broken.yaml" not in page.text and str(tmp_path) not in page.text
    assert any("broken.yaml:" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("path", ["/", "/static/app.css", "/no-such-page"])
def test_every_page_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == f"'self' {HTMX_CDN}"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/api/v1/products", "/api/v1/products/nope", "/api/v1/openapi.json"])
def test_api_responses_forbid_framing_sniffing_and_loading(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert headers["x-content-type-options"] == "nosniff"

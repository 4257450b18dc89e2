"""The app serves the shop's index and the product list over the bundled catalog."""

from __future__ import annotations

from fastapi.testclient import TestClient

from configurator.app import create_app


def test_index_lists_bundled_products() -> None:
    client = TestClient(create_app(database_url="sqlite://"))
    response = client.get("/")
    assert response.status_code == 200
    assert "Made-to-order city bicycle" in response.text


def test_products_api() -> None:
    client = TestClient(create_app(database_url="sqlite://"))
    ids = {p["id"] for p in client.get("/api/v1/products").json()}
    assert {"city-bike", "eyeglasses", "lighting-kit", "coffee-gift-box", "detergent-subscription"} <= ids


def test_pages_are_compressed_and_small_json_answers_are_not() -> None:
    client = TestClient(create_app(database_url="sqlite://"))
    page = client.get("/products/renault-megane", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["vary"] and "HX-Request" in page.headers["vary"]
    assert int(page.headers["content-length"]) * 5 < len(page.content)  # decoded by the client: over fivefold
    plain = client.get("/products/renault-megane", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == page.content
    price = client.post("/api/v1/products/city-bike/price", json={"selections": {}},
                        headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in price.headers

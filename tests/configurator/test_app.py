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

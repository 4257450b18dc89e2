"""A 405 named only the first route's methods where two routes share a path (GET and POST settings): `Allow`
must list every method the path takes."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_allow_lists_every_method_of_the_path(keyed_shop: tuple[TestClient, str]) -> None:
    client, _ = keyed_shop
    response = client.request("PUT", "/api/v1/configurations/x/settings")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"

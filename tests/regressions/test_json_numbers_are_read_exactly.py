"""Regression: a quote with `"rider_height": 174.99999999999999` was stored as 175.0 (JSON numbers were read as
floats), while the same as a string was refused "not on the grid". JSON numbers are now read from the JSON text
as Decimals; objects that give a key twice are refused (which value was meant is not knowable)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.conftest import COMPLETE_BIKE, stored_rows


def _post(client: TestClient, path: str, text: str, key: str) -> tuple[int, dict[str, object]]:
    answer = client.post(path, content=text, headers={"Content-Type": "application/json", "X-API-Key": key})
    return answer.status_code, answer.json()


@pytest.mark.parametrize("height", ["174.99999999999999", '"174.99999999999999"', "175.00000000000001", "1.75e2"])
@pytest.mark.parametrize("path", ["/api/v1/quotes", "/api/v1/products/city-bike/price"])
def test_a_number_off_the_grid_is_refused_as_a_number_or_a_string(
    keyed_shop: tuple[TestClient, str], path: str, height: str
) -> None:
    client, key = keyed_shop
    body = json.dumps({"product_id": "city-bike", "selections": {**COMPLETE_BIKE, "rider_height": 1}})
    before = stored_rows(client)
    status, answer = _post(client, path, body.replace('"rider_height": 1', f'"rider_height": {height}'), key)
    if height == "1.75e2":  # exactly 175: on the grid
        assert status in (200, 201)
        return
    assert status == 422 and [v["option"] for v in answer["violations"]] == ["rider_height"]  # type: ignore[union-attr]
    assert stored_rows(client) == before


def test_175_point_0_is_175(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    body = json.dumps({"product_id": "city-bike", "selections": COMPLETE_BIKE}).replace("175", "175.0")
    status, answer = _post(client, "/api/v1/quotes", body, key)
    assert status == 201 and answer["selections"]["rider_height"] in (175, "175.0")  # type: ignore[index]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/api/v1/products/city-bike/price", '{"selections": {"gears": "hub8", "gears": "single"}}'),
        ("/api/v1/products/city-bike/configure", '{"selections": {}, "selections": {"gears": "hub8"}}'),
        ("/api/v1/quotes", '{"product_id": "city-bike", "product_id": "lighting-kit", "selections": {}}'),
        ("/api/v1/configurations", '{"product_id": "city-bike", "selections": {"gears": "a", "gears": "b"}}'),
    ],
)
def test_a_key_given_twice_is_refused(keyed_shop: tuple[TestClient, str], path: str, text: str) -> None:
    client, key = keyed_shop
    before = stored_rows(client)
    status, answer = _post(client, path, text, key)
    assert status == 422 and "appears twice" in answer["errors"][0]["message"]  # type: ignore[index]
    assert stored_rows(client) == before

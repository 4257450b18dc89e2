"""Regression: a number with more digits than the decimal context passed the step check by rounding, then failed
the value lookup: 500 on /configure, /complete, /price, and one such item failed a whole /price/batch."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from configurator.app import create_app
from tests.conftest import COMPLETE_BIKE

CLIENT = TestClient(create_app(database_url="sqlite://"), raise_server_exceptions=False)
TOO_PRECISE = [
    "175.0000000000000000000000000000001",
    "175." + "0" * 39 + "1",
    "174.99999999999999999999999999999999",
    175.00000000000003,
]


@pytest.mark.parametrize("value", TOO_PRECISE)
@pytest.mark.parametrize("endpoint", ["configure", "complete", "price"])
def test_an_off_grid_number_is_refused_naming_its_option(endpoint: str, value: object) -> None:
    response = CLIENT.post(
        f"/api/v1/products/city-bike/{endpoint}", json={"selections": {**COMPLETE_BIKE, "rider_height": value}}
    )
    body = response.json()
    if endpoint == "configure":
        assert response.status_code == 200 and body["consistent"] is False
    else:
        assert response.status_code == 422
    assert [v["option"] for v in body["violations"]] == ["rider_height"]
    assert "steps of 5" in body["violations"][0]["message"]


def test_one_bad_item_does_not_fail_the_batch() -> None:
    items = [{"selections": {**COMPLETE_BIKE, "rider_height": TOO_PRECISE[0]}}, {"selections": COMPLETE_BIKE}]
    response = CLIENT.post("/api/v1/products/city-bike/price/batch", json={"items": items})
    assert response.status_code == 200
    bad, good = response.json()["results"]
    assert bad["status"] == 422 and bad["violations"][0]["option"] == "rider_height"
    assert good["total"] == "995.00"


def test_exact_values_with_trailing_zeros_still_count() -> None:
    for value in ("175.000000000000000000000000000000000", 175.0, "175"):
        selections = {**COMPLETE_BIKE, "rider_height": value}
        response = CLIENT.post("/api/v1/products/city-bike/price", json={"selections": selections})
        assert response.status_code == 200 and response.json()["total"] == "995.00"

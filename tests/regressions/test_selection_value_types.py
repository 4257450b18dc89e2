"""Regression: `"rider_height": null` was refused with a 422 naming nothing (`"violations": []`), and numbers and
quantities took `true`, `"3"`, full-width digits and `1_75`. Now null names its option, quantities are JSON
integers and numbers are JSON numbers or plain decimal strings."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from configurator.app import create_app
from tests.conftest import COMPLETE_BIKE

CLIENT = TestClient(create_app(database_url="sqlite://"), raise_server_exceptions=False)
REFUSED = [
    ("rider_height", None),
    ("rider_height", True),
    ("rider_height", "１７５"),  # full-width digits
    ("rider_height", "1_75"),
    ("rider_height", " 175"),
    ("rider_height", "1.75e2"),
    ("rider_height", [175]),
    ("quantity", "3"),
    ("quantity", True),
    ("quantity", 3.0),
    ("quantity", "３"),
    ("quantity", None),
    ("gears", None),
    ("gears", True),
    ("belt_drive", None),
    ("belt_drive", 1),
    ("accessories", None),
    ("accessories", "rack"),
]


@pytest.mark.parametrize(("option", "value"), REFUSED)
@pytest.mark.parametrize("endpoint", ["price", "complete"])
def test_a_wrongly_typed_value_is_refused_naming_its_option(endpoint: str, option: str, value: object) -> None:
    selections = {**COMPLETE_BIKE, option: value}
    response = CLIENT.post(f"/api/v1/products/city-bike/{endpoint}", json={"selections": selections})
    assert response.status_code == 422
    assert [v["option"] for v in response.json()["violations"]] == [option]


@pytest.mark.parametrize("quantity", ["3", True, 3.0, 0, 10**7])
def test_the_quantity_parameter_is_a_json_integer_in_range(quantity: object) -> None:
    response = CLIENT.post("/api/v1/products/city-bike/price", json={"selections": COMPLETE_BIKE, "quantity": quantity})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "body/quantity"


@pytest.mark.parametrize(("option", "value"), [("rider_height", "175"), ("rider_height", 175.0), ("quantity", 3)])
def test_documented_forms_are_accepted(option: str, value: object) -> None:
    response = CLIENT.post("/api/v1/products/city-bike/price", json={"selections": {**COMPLETE_BIKE, option: value}})
    assert response.status_code == 200

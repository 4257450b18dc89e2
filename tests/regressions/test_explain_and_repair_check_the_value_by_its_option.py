"""Regression: `POST /explain` and `/repair` with a value of the wrong shape (`{"option": "frame_size", "value":
["M"]}`, `rider_height: [160]`) answered 500 (`unhashable type: 'list'`): the value went unchecked into the engine.
Now it is checked by its option's type first: a 422 naming the option."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from configurator.app import create_app

CLIENT = TestClient(create_app(database_url="sqlite://", watch=False), raise_server_exceptions=False)
WRONG = [
    ("frame_size", ["M"]),
    ("frame_size", {"M": 1}),
    ("frame_size", True),
    ("rider_height", [160]),
    ("rider_height", "tall"),
    ("belt_drive", [True]),
    ("accessories", ["rack"]),  # a multi is asked about one value id at a time
    ("accessories", {"rack": True}),
    ("quantity", 2.5),
]


@pytest.mark.parametrize(("option", "value"), WRONG)
@pytest.mark.parametrize("endpoint", ["explain", "repair"])
def test_a_value_of_the_wrong_shape_is_a_422_naming_its_option(endpoint: str, option: str, value: Any) -> None:
    answer = CLIENT.post(f"/api/v1/products/city-bike/{endpoint}", json={"option": option, "value": value})
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    # A value of no option's shape at all is refused by the request's schema, naming the field; the others name
    # their option.
    assert problem.get("detail", "").startswith(f"{option}: ") or problem["errors"][0]["path"] == "body/value"


@pytest.mark.parametrize(("option", "value"), [("frame_size", "M"), ("rider_height", 160), ("accessories", "rack")])
def test_a_value_of_the_right_shape_is_answered(option: str, value: Any) -> None:
    answer = CLIENT.post("/api/v1/products/city-bike/explain", json={"option": option, "value": value})
    assert answer.status_code == 200 and answer.json()["possible"] is True


@pytest.mark.parametrize(("option", "value"), [("frame_size", ["M"]), ("rider_height", [160]), ("belt_drive", 1),
                                               ("accessories", "rack"), ("quantity", "2"), ("gears", True)])
@pytest.mark.parametrize("endpoint", ["configure", "suggestions"])
def test_configure_and_suggestions_refuse_a_wrong_shape(endpoint: str, option: str, value: Any) -> None:
    answer = CLIENT.post(f"/api/v1/products/city-bike/{endpoint}", json={"selections": {option: value}})
    assert answer.status_code == 422, answer.text
    assert [v["option"] for v in answer.json()["violations"]] == [option]

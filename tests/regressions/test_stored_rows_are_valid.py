"""Regression: rows were stored, then the client got a 500 and the row could never be read back: a lone surrogate
or a 900-level nested value in a saved configuration, a lone surrogate in a quoted text option. Everything is now
checked before anything is written, and a saved configuration's values must fit the product."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.conftest import COMPLETE_BIKE, stored_rows

NESTED = "[" * 900 + "]" * 900
NUL_COLOUR = json.dumps({**COMPLETE_BIKE, "color": "\x00"})


def _post(client: TestClient, url: str, body_text: str, key: str) -> int:
    headers = {"content-type": "application/json", "X-API-Key": key}
    return client.post(url, content=body_text.encode(), headers=headers).status_code


REFUSED = [
    ("/api/v1/configurations", '{"product_id": "city-bike", "selections": {"color": "\\ud800"}}'),
    ("/api/v1/configurations", '{"product_id": "city-bike", "selections": {"color": ' + NESTED + "}}"),
    ("/api/v1/configurations", '{"product_id": "city-bike", "selections": {"\\udfff": "black"}}'),
    ("/api/v1/configurations", '{"product_id": "city-bike", "selections": {"nonsense": 1}}'),
    ("/api/v1/configurations", '{"product_id": "city-bike", "selections": {"rider_height": "tall"}}'),
    ("/api/v1/configurations", '{"product_id": "city-bike", "selections": {"rider_height": NaN}}'),
    ("/api/v1/configurations", '{"product_id": "city-bike", "selections": {"accessories": ["rack", ["x"]]}}'),
    ("/api/v1/configurations", '{"product_id": "\\ud800", "selections": {}}'),
    ("/api/v1/quotes", '{"product_id": "city-bike", "selections": ' + NUL_COLOUR + "}"),
]


@pytest.mark.parametrize(("url", "text"), REFUSED)
def test_refused_requests_store_nothing(keyed_shop: tuple[TestClient, str], url: str, text: str) -> None:
    client, key = keyed_shop
    before = stored_rows(client)
    status = _post(client, url, text, key)
    assert status in (404, 422)
    assert stored_rows(client) == before


def test_a_valid_partial_selection_is_saved_and_reads_back(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    made = client.post("/api/v1/configurations", json={"product_id": "city-bike", "selections": {"color": "cream"}},
                       headers={"X-API-Key": key})
    assert made.status_code == 201
    assert client.get(f"/api/v1/configurations/{made.json()['id']}", headers={"X-API-Key": key}).json() == made.json()


@pytest.mark.parametrize("text", ["\\ud800", "ok\\u0000", "\\udbff\\udbff"])
def test_a_broken_text_option_value_is_not_quoted(keyed_shop: tuple[TestClient, str], text: str) -> None:
    client, key = keyed_shop
    complete = client.post("/api/v1/products/eyeglasses/complete", json={"selections": {"engraving": "AB"}})
    selections = json.dumps(complete.json()["selections"])
    assert _post(client, "/api/v1/quotes", f'{{"product_id": "eyeglasses", "selections": {selections}}}', key) == 201
    before = stored_rows(client)
    broken = selections.replace('"AB"', f'"{text}"')
    assert broken != selections
    assert _post(client, "/api/v1/quotes", f'{{"product_id": "eyeglasses", "selections": {broken}}}', key) == 422
    assert stored_rows(client) == before

"""Regression: rows were stored, then the client got a 500 and the row could never be read back: a lone surrogate
or a 900-level nested value in a saved configuration, a lone surrogate in a quoted text option. Everything is now
checked before anything is written, and a saved configuration's values must fit the product."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from configurator.app import create_app
from configurator.db import Quote, SavedConfiguration, create_api_key
from tests.conftest import COMPLETE_BIKE

NESTED = "[" * 900 + "]" * 900
NUL_COLOUR = json.dumps({**COMPLETE_BIKE, "color": "\x00"})


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    app = create_app(database_url=f"sqlite:///{tmp_path_factory.mktemp('db') / 'db.sqlite'}")
    with Session(app.state.db) as db:
        key = create_api_key(db, "shop")
    yield TestClient(app, raise_server_exceptions=False), key
    app.state.db.dispose()


def _rows(client: TestClient) -> tuple[int, int]:
    app = client.app
    with Session(app.state.db) as db:  # type: ignore[attr-defined]
        return (
            db.exec(select(func.count()).select_from(Quote)).one(),
            db.exec(select(func.count()).select_from(SavedConfiguration)).one(),
        )


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
def test_refused_requests_store_nothing(shop: tuple[TestClient, str], url: str, text: str) -> None:
    client, key = shop
    before = _rows(client)
    status = _post(client, url, text, key)
    assert status in (404, 422)
    assert _rows(client) == before


def test_a_valid_partial_selection_is_saved_and_reads_back(shop: tuple[TestClient, str]) -> None:
    client, _ = shop
    made = client.post("/api/v1/configurations", json={"product_id": "city-bike", "selections": {"color": "cream"}})
    assert made.status_code == 201
    assert client.get(f"/api/v1/configurations/{made.json()['id']}").json() == made.json()


@pytest.mark.parametrize("text", ["\\ud800", "ok\\u0000", "\\udbff\\udbff"])
def test_a_broken_text_option_value_is_not_quoted(shop: tuple[TestClient, str], text: str) -> None:
    client, key = shop
    complete = client.post("/api/v1/products/eyeglasses/complete", json={"selections": {"engraving": "AB"}})
    selections = json.dumps(complete.json()["selections"])
    assert _post(client, "/api/v1/quotes", f'{{"product_id": "eyeglasses", "selections": {selections}}}', key) == 201
    before = _rows(client)
    broken = selections.replace('"AB"', f'"{text}"')
    assert broken != selections
    assert _post(client, "/api/v1/quotes", f'{{"product_id": "eyeglasses", "selections": {broken}}}', key) == 422
    assert _rows(client) == before

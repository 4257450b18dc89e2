"""Regression (found trying to break the signed configurations by hand): a server that had never signed anything
had no key, and any token sent to `POST /quotes` (or checked at all) failed reading an empty key set: a 500. It is
a 422 "Signed configuration refused", and nothing is stored."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from configurator.persistence.db import create_api_key
from tests.conftest import stored_rows


def test_a_token_sent_to_a_server_with_no_key_yet_is_refused(app_on_file: FastAPI) -> None:
    with Session(app_on_file.state.db) as db:
        key = create_api_key(db, "shop")
    client = TestClient(app_on_file, raise_server_exceptions=False)
    for token in ("a.b.c", "eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.", "x" * 5_000):
        refused = client.post("/api/v1/quotes", json={"signed": token}, headers={"X-API-Key": key})
        assert refused.status_code == 422 and refused.json()["title"] == "Signed configuration refused"
    assert stored_rows(client) == (0, 0)
    assert client.get("/.well-known/jwks.json").json() == {"keys": []}

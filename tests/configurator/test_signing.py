"""Signed configurations (issue 26, first part): the server signs what it priced; the signature verifies with the
published key alone (checked here with `cryptography`, not the library that signed); a quote is made from a token;
an altered, expired or outdated token is refused with a clear problem and stores nothing; keys rotate without
breaking tokens already given; every process signs and verifies alike."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from configurator.app import create_app
from configurator.persistence.db import Quote, SigningKey, create_api_key
from configurator.services.signing import TOKEN_HOURS, rotate_keys
from tests.conftest import COMPLETE_BIKE


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _verified(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """The claims of an ES256 token, checked against the published keys with `cryptography` alone."""
    header, payload, signature = token.split(".")
    found = next(k for k in jwks["keys"] if k["kid"] == json.loads(_b64(header))["kid"])
    numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(_b64(found["x"])), int.from_bytes(_b64(found["y"])),
                                            ec.SECP256R1())
    raw = _b64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
    numbers.public_key().verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
    claims: dict[str, Any] = json.loads(_b64(payload))
    return claims


@pytest.fixture
def app(app_on_file: FastAPI) -> FastAPI:
    return app_on_file


def _key(app: FastAPI) -> str:
    with Session(app.state.db) as db:
        return create_api_key(db, "shop")


def _quotes(app: FastAPI) -> int:
    with Session(app.state.db) as db:
        return int(db.exec(select(func.count()).select_from(Quote)).one())


def test_what_was_priced_is_signed_and_verifies_with_the_published_key(app: FastAPI) -> None:
    client = TestClient(app)
    signed = client.post("/api/v1/products/city-bike/sign", json={"selections": COMPLETE_BIKE, "quantity": 2})
    assert signed.status_code == 200, signed.text
    priced = client.post("/api/v1/products/city-bike/price", json={"selections": COMPLETE_BIKE, "quantity": 2})
    jwks = client.get("/.well-known/jwks.json").json()
    assert all("d" not in key for key in jwks["keys"])  # public keys only
    claims = _verified(signed.json()["token"], jwks)
    assert claims["total"] == priced.json()["total"] and claims["quantity"] == 2
    assert claims["product"] == "city-bike" and claims["selections"] == COMPLETE_BIKE
    assert claims["exp"] - claims["iat"] == TOKEN_HOURS * 3600
    with pytest.raises(InvalidSignature):  # the check above can fail: an altered total does not verify
        _verified(_altered(signed.json()["token"], total="1.00"), jwks)
    made = client.post("/api/v1/quotes", json={"signed": signed.json()["token"]}, headers={"X-API-Key": _key(app)})
    assert made.status_code == 201 and made.json()["total"] == claims["total"] and made.json()["quantity"] == 2


def _altered(token: str, **changes: Any) -> str:
    header, payload, signature = token.split(".")
    claims = {**json.loads(_b64(payload)), **changes}
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{encoded}.{signature}"


@pytest.mark.parametrize(("make", "words"), [
    (lambda app, token: _altered(token, total="1.00"), "altered"),
    (lambda app, token: token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB"), "altered"),
    (lambda app, token: "not.a.token", "altered"),
    (lambda app, token: app.state.signer.sign(_claims(token), datetime.now(UTC) - timedelta(hours=25)).token,
     "expired"),
    (lambda app, token: app.state.signer.sign({**_claims(token), "total": "1.00"}).token, "no longer the price"),
])
def test_an_altered_expired_or_outdated_token_is_refused_and_stores_nothing(app: FastAPI, make: Any,
                                                                             words: str) -> None:
    client = TestClient(app)
    token = client.post("/api/v1/products/city-bike/sign", json={"selections": COMPLETE_BIKE}).json()["token"]
    refused = client.post("/api/v1/quotes", json={"signed": make(app, token)}, headers={"X-API-Key": _key(app)})
    assert refused.status_code == 422 and refused.json()["title"] == "Signed configuration refused"
    assert words in refused.json()["detail"]
    assert _quotes(app) == 0


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = json.loads(_b64(token.split(".")[1]))
    return {k: v for k, v in claims.items() if k not in ("iat", "exp")}


def test_keys_rotate_without_breaking_tokens_given_and_every_process_verifies(app: FastAPI, tmp_path: Path) -> None:
    client = TestClient(app)
    key = _key(app)
    before = client.post("/api/v1/products/city-bike/sign", json={"selections": COMPLETE_BIKE}).json()["token"]
    rotate_keys(app.state.db)
    other = create_app(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)  # another process
    try:
        after = TestClient(other).post("/api/v1/products/city-bike/sign", json={"selections": COMPLETE_BIKE})
        token = after.json()["token"]
        assert json.loads(_b64(token.split(".")[0]))["kid"] != json.loads(_b64(before.split(".")[0]))["kid"]
        for signed in (before, token):  # each process verifies what either signed
            assert client.post("/api/v1/quotes", json={"signed": signed}, headers={"X-API-Key": key}).status_code == 201
        jwks = TestClient(other).get("/.well-known/jwks.json").json()
        assert len(jwks["keys"]) == 2 and _verified(before, jwks) and _verified(token, jwks)
        with Session(app.state.db) as db:  # the old key retired longer ago than a token lives: no longer published
            for row in db.exec(select(SigningKey).where(SigningKey.retired_at.is_not(None))):  # type: ignore[union-attr]
                row.retired_at = datetime.now(UTC) - timedelta(hours=TOKEN_HOURS + 1)
                db.add(row)
            db.commit()
        fresh = create_app(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)
        assert len(TestClient(fresh).get("/.well-known/jwks.json").json()["keys"]) == 1
        refused = TestClient(fresh).post("/api/v1/quotes", json={"signed": before}, headers={"X-API-Key": key})
        assert refused.status_code == 422
        fresh.state.db.dispose()
    finally:
        other.state.db.dispose()

"""Signed configurations (issue 26): what the server priced (product, version, selections, quantity, price list,
total, currency, variant, expiry) as a compact JWS (a JWT, ES256), which a cart, a checkout or an ERP verifies
offline with the keys published as a JWKS, and which `POST /quotes` takes back.

Keys live in the database, so every process signs and verifies alike: the newest key not retired signs; a rotated
key keeps verifying (and stays published) for as long as a token it signed may live. Each process keeps the keys
it read and reads them again when a token names a key it does not know, or after KEYS_SECONDS.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import ECKey, KeySet
from sqlalchemy import Engine as Database
from sqlmodel import Session, col, select

from catalog.errors import ConfiguratorError
from catalog.wording import _
from configurator.persistence.db import SigningKey, writing

ALGORITHM = "ES256"  # what browsers' Web Crypto verifies too
TOKEN_HOURS = 24  # how long a signed configuration is good for
KEYS_SECONDS = 60.0  # how long a process trusts the keys it read


class SignatureRefused(ConfiguratorError):
    """A signed configuration that is not one: altered, expired, malformed, or signed by a key not ours."""


@dataclass(frozen=True)
class Signed:
    """A token and when it expires."""

    token: str
    expires_at: datetime


class Signer:
    """Signs and verifies with the keys in the database."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._lock = threading.Lock()
        self._keys: list[SigningKey] = []
        self._read_at = 0.0

    def sign(self, claims: dict[str, Any], now: datetime | None = None) -> Signed:
        """The claims signed with the current key, with their issue and expiry times."""
        moment = now or datetime.now(UTC)
        expires = moment + timedelta(hours=TOKEN_HOURS)
        key = self._current()
        header = {"alg": ALGORITHM, "kid": key.kid, "typ": "JWT"}
        body = {**claims, "iat": int(moment.timestamp()), "exp": int(expires.timestamp())}
        return Signed(jwt.encode(header, body, _private(key)), expires)

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a token this server signed and that has not expired; SignatureRefused otherwise."""
        try:
            try:
                decoded = jwt.decode(token, self._key_set(refresh=False), algorithms=[ALGORITHM])
            except JoseError:  # perhaps a key another process made since: read the keys again, once
                decoded = jwt.decode(token, self._key_set(refresh=True), algorithms=[ALGORITHM])
            jwt.JWTClaimsRegistry(exp={"essential": True}).validate(decoded.claims)
        except ExpiredTokenError:
            raise SignatureRefused(_("The signed configuration has expired: price it again.")) from None
        except (JoseError, ValueError, TypeError):
            raise SignatureRefused(_("The signed configuration is not one this server signed, or was altered.")) \
                from None
        return dict(decoded.claims)

    def jwks(self) -> dict[str, Any]:
        """The public keys that verify tokens still alive, as a JSON Web Key Set."""
        return {"keys": [_public(key) for key in self._alive(self._keys_read(refresh=False))]}

    def _key_set(self, refresh: bool) -> KeySet:
        return KeySet.import_key_set({"keys": [_public(k) for k in self._alive(self._keys_read(refresh))]})

    def _current(self) -> SigningKey:
        keys = [k for k in self._keys_read(refresh=False) if k.retired_at is None]
        if not keys:
            make_key(self.database)
            keys = [k for k in self._keys_read(refresh=True) if k.retired_at is None]
        return max(keys, key=lambda k: (_aware(k.created_at), k.kid))

    def _keys_read(self, refresh: bool) -> list[SigningKey]:
        with self._lock:
            if refresh or not self._keys or time.monotonic() - self._read_at > KEYS_SECONDS:
                with Session(self.database) as db:
                    self._keys = list(db.exec(select(SigningKey).order_by(col(SigningKey.created_at))))
                self._read_at = time.monotonic()
            return list(self._keys)

    @staticmethod
    def _alive(keys: list[SigningKey]) -> list[SigningKey]:
        """Keys not retired, or retired so recently that a token they signed may still be alive."""
        oldest = datetime.now(UTC) - timedelta(hours=TOKEN_HOURS)
        return [k for k in keys if k.retired_at is None or _aware(k.retired_at) > oldest]


def make_key(database: Database) -> str:
    """A new signing key, stored; its id."""
    kid = secrets.token_urlsafe(9)
    key = ECKey.generate_key("P-256", parameters={"kid": kid, "use": "sig", "alg": ALGORITHM})
    with writing(database) as db:
        db.add(SigningKey(kid=kid, private_jwk=json.dumps(key.as_dict(private=True))))
        db.commit()
    return kid


def rotate_keys(database: Database) -> str:
    """A new key signs from now on; the others are retired (they verify what they signed until it expires)."""
    now = datetime.now(UTC)
    with writing(database) as db:
        for key in db.exec(select(SigningKey).where(col(SigningKey.retired_at).is_(None))):
            key.retired_at = now
            db.add(key)
        db.commit()
    return make_key(database)


def _private(key: SigningKey) -> ECKey:
    return ECKey.import_key(json.loads(key.private_jwk))


def _public(key: SigningKey) -> dict[str, Any]:
    return dict(_private(key).as_dict(private=False))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

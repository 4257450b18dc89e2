"""Idempotency-Key on the API's creating posts: a retry with the same key and body gets the first answer again,
the same key with another body is refused, and the first answer is stored in the same transaction as what it
created, so that a cut connection never leaves a row without its answer (or two rows for one order)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session

from catalog.errors import ConfiguratorError
from catalog.wording import _
from configurator.persistence.db import IdempotentAnswer

MAX_KEY = 200
HEADER = "Idempotency-Key"


class IdempotencyError(ConfiguratorError):
    """An Idempotency-Key that is malformed, or reused with another body."""


@dataclass(frozen=True)
class Attempt:
    """One request under an Idempotency-Key: whose, where, which key, and what it asked."""

    api_key_id: int
    endpoint: str
    key: str
    body_hash: str

    def answer(self, status: int, body: BaseModel) -> IdempotentAnswer:
        """The row that keeps this attempt's answer."""
        return IdempotentAnswer(api_key_id=self.api_key_id, endpoint=self.endpoint, key=self.key,
                                body_hash=self.body_hash, status=status, answer=body.model_dump(mode="json"))


def attempt(api_key_id: int, endpoint: str, key: str | None, body: BaseModel) -> Attempt | None:
    """The attempt a request makes (None without the header); IdempotencyError for a malformed key."""
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY or not key.isascii() or not key.isprintable():
        raise IdempotencyError(_("%(header)s must be 1 to %(most)s printable ASCII characters") % {
            "header": HEADER, "most": MAX_KEY})
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return Attempt(api_key_id, endpoint, key, hashlib.sha256(canonical.encode()).hexdigest())


def earlier_answer(engine: Engine, tried: Attempt | None) -> tuple[int, dict[str, Any]] | None:
    """The first answer to this key (status and body) where there is one; IdempotencyError if it was asked with
    another body."""
    if tried is None:
        return None
    with Session(engine) as db:
        found = db.get(IdempotentAnswer, (tried.api_key_id, tried.endpoint, tried.key))
    if found is None:
        return None
    if found.body_hash != tried.body_hash:
        raise IdempotencyError(_("this %(header)s was used with another request body: use a new key for a new request")
                               % {"header": HEADER})
    return found.status, dict(found.answer)

"""Merchandising: the merchandiser's sessions (opened with an admin API key, only the token's hash stored) and
what their page reads."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine as Database
from sqlmodel import Session, col, select

from configurator.persistence.db import MerchantSession, Quote, find_api_key, hash_key, writing
from configurator.services.refusals import Missing

SESSION_HOURS = 8
RECENT_QUOTES = 20


def signed_in(database: Database, token: str | None) -> bool:
    """Whether a session token is one of an open session."""
    if not token:
        return False
    with Session(database) as db:
        found = db.get(MerchantSession, hash_key(token[:200]))
    return found is not None and found.expires_at.replace(tzinfo=UTC) > datetime.now(UTC)


def recent_quotes(database: Database) -> list[Quote]:
    """The latest quotes, from every channel."""
    with Session(database) as db:
        return list(db.exec(select(Quote).order_by(col(Quote.created_at).desc()).limit(RECENT_QUOTES)))


def open_session(database: Database, key: str) -> str | None:
    """A new session's token for an admin API key; None for any other key."""
    with writing(database) as db:
        found = find_api_key(db, key) if key else None
        if found is None or not found.admin or found.id is None:
            return None
        token = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + timedelta(hours=SESSION_HOURS)
        db.add(MerchantSession(token_hash=hash_key(token), api_key_id=found.id, expires_at=expires))
        db.commit()
        return token


def close_session(database: Database, token: str) -> None:
    """End a session (nothing where there is none)."""
    with writing(database) as db:
        found = db.get(MerchantSession, hash_key(token))
        if found is not None:
            db.delete(found)
            db.commit()


def any_quote(database: Database, quote_id: str) -> Quote:
    """A quote from any channel (the merchandiser sees them all); Missing where there is none."""
    with Session(database) as db:
        quote = db.get(Quote, quote_id[:32])
    if quote is None:
        raise Missing(f"no quote '{quote_id}'")
    return quote

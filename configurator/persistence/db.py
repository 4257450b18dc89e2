"""Persistence (SQLModel): saved configurations, immutable quotes, hashed API keys, customer profiles.

SQLite by default (WAL mode), PostgreSQL when DATABASE_URL says so; the schema is made by Alembic migrations.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, event, text
from sqlalchemy import false as sa_false
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool
from sqlmodel import Field, Session, SQLModel, create_engine, select

from rules.selection import plain

MIGRATIONS = Path(__file__).parent / "migrations"
QUOTE_DAYS = 30


def _now() -> datetime:
    return datetime.now(UTC)


def short_id() -> str:
    """A short, unguessable, URL-safe id."""
    return secrets.token_urlsafe(8)


class SavedConfiguration(SQLModel, table=True):
    """A shopper's selection, saved to share or come back to."""

    __tablename__ = "saved_configuration"
    id: str = Field(default_factory=short_id, primary_key=True, max_length=32)
    product_id: str = Field(index=True, max_length=200)
    catalog_version: str = Field(max_length=64)
    selections: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=_now)
    # Made through the API: readable and changeable only with this key. Made in the shop: None, read by its
    # share link, its settings changed by the holder of its secret link (only the secret's hash is kept).
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id")
    edit_hash: str | None = Field(default=None, max_length=64)


class Quote(SQLModel, table=True):
    """A priced configuration frozen as the customer was told it: never updated."""

    __tablename__ = "quote"
    # The order history of a product version (recommendations) and its stamp, read by an index alone.
    __table_args__ = (Index("ix_quote_product_version", "product_id", "catalog_version", "created_at"),)
    id: str = Field(default_factory=short_id, primary_key=True, max_length=32)
    product_id: str = Field(index=True, max_length=200)
    catalog_version: str = Field(max_length=64)
    selections: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    quantity: int
    currency: str = Field(max_length=3)
    total: str = Field(max_length=64)
    breakdown: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id")
    created_at: datetime = Field(default_factory=_now)
    expires_at: datetime
    variant: str | None = Field(default=None, index=True, max_length=64)  # what product was quoted
    profile_id: str | None = Field(default=None, max_length=32)  # the customer profile it was made with
    inferred: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # from the profile
    settings_id: str | None = Field(default=None, max_length=32)  # its settings card: a saved configuration


class Signal(SQLModel, table=True):
    """One thing a shopper did in the shop (issue 25), kept per product version and without personal data: no
    address, cookie, key, profile or free text; `session` is a random id of one configuring session, never reused."""

    __tablename__ = "signal"
    __table_args__ = (Index("ix_signal_product_version", "product_id", "catalog_version", "at"),
                      Index("ix_signal_product_kind", "product_id", "catalog_version", "kind", "id"))
    id: int | None = Field(default=None, primary_key=True)
    product_id: str = Field(max_length=200)
    catalog_version: str = Field(max_length=64)
    session: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    option: str | None = Field(default=None, max_length=200)
    value: str | None = Field(default=None, max_length=200)
    step: str | None = Field(default=None, max_length=200)
    at: datetime = Field(default_factory=_now, index=True)
    # Where a blocked value was reached for, or a configuration completed: the choices (as the shop's query, texts
    # left out), and the rules in the value's way (ids, comma-separated).
    selection: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    rules: str | None = Field(default=None, max_length=400)


class DemandRequest(SQLModel, table=True):
    """A shopper's request for a combination the catalog does not offer ("Ask for this"), read and deleted by its
    private link (the id), answered by the merchandiser: no personal data but the note the shopper writes."""

    __tablename__ = "demand_request"
    __table_args__ = (Index("ix_demand_request_product", "product_id", "created_at"),)
    id: str = Field(default_factory=lambda: secrets.token_urlsafe(16), primary_key=True, max_length=32)
    product_id: str = Field(max_length=200)
    catalog_version: str = Field(max_length=64)
    option: str = Field(max_length=200)
    value: str = Field(max_length=200)
    selection: str = Field(sa_column=Column(Text, nullable=False))  # the choices it was asked with (JSON)
    rules: str | None = Field(default=None, max_length=400)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=_now)
    answer: str | None = Field(default=None, max_length=16)  # "offer" (we will offer this) or "refuse"
    answer_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answered_at: datetime | None = None
    # The ask form's one-time value: the same form sent twice (a second click) is the same request.
    form_nonce: str | None = Field(default=None, max_length=32, unique=True)


class SigningKey(SQLModel, table=True):
    """A key the server signs priced configurations with (ES256); the newest one not retired signs, and every
    key still within a token's lifetime is published to verify with."""

    __tablename__ = "signing_key"
    kid: str = Field(primary_key=True, max_length=32)
    private_jwk: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=_now)
    retired_at: datetime | None = None


class Webhook(SQLModel, table=True):
    """A URL a storefront registered for events, with the secret its deliveries are signed with."""

    __tablename__ = "webhook"
    id: str = Field(default_factory=short_id, primary_key=True, max_length=32)
    api_key_id: int = Field(foreign_key="api_key.id")
    url: str = Field(max_length=2000)
    events: str = Field(max_length=400)  # comma-separated event names
    secret: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=_now)


class WebhookDelivery(SQLModel, table=True):
    """One event for one webhook, until it is delivered or given up on (a process leases it while it tries)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("webhook_id", "event_key", name="uq_webhook_delivery_event"),
                      Index("ix_webhook_delivery_due", "status", "next_at"))
    id: int | None = Field(default=None, primary_key=True)
    webhook_id: str = Field(foreign_key="webhook.id", max_length=32, ondelete="CASCADE")
    event: str = Field(max_length=64)
    event_key: str = Field(max_length=400)  # the same event twice (from two processes) is delivered once
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=16)  # pending, delivered, failed
    attempts: int = 0
    next_at: datetime = Field(default_factory=_now)
    lease_until: datetime | None = None
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=400)
    created_at: datetime = Field(default_factory=_now)
    delivered_at: datetime | None = None


class ApiKey(SQLModel, table=True):
    """A storefront's key; only its SHA-256 is stored."""

    __tablename__ = "api_key"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    prefix: str = Field(max_length=16, index=True)
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=_now)
    admin: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})  # may open the merchant page
    # The browser origins it may be used from (space-separated; none: from servers only), and whether it is a
    # publishable key, shown in pages: it configures, prices and quotes, but reads nothing stored.
    origins: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    publishable: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})


class MerchantSession(SQLModel, table=True):
    """A merchandiser's login: only the hash of the cookie's token is stored."""

    __tablename__ = "merchant_session"
    token_hash: str = Field(primary_key=True, max_length=64)
    api_key_id: int = Field(foreign_key="api_key.id")
    expires_at: datetime


class CustomerProfile(SQLModel, table=True):
    """What the firm knows of a customer, from which transparent options are inferred."""

    __tablename__ = "customer_profile"
    id: str = Field(default_factory=short_id, primary_key=True, max_length=32)
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # stated preferences, by profile field
    created_at: datetime = Field(default_factory=_now)
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id")  # None: made on the shop's own pages


class SettingsChange(SQLModel, table=True):
    """One change to a setting adjusted in use, on a saved configuration after purchase: never updated."""

    __tablename__ = "settings_change"
    id: int | None = Field(default=None, primary_key=True)
    saved_id: str = Field(foreign_key="saved_configuration.id", index=True, max_length=32)
    option: str = Field(max_length=200)
    old: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    new: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    who: str = Field(max_length=200)
    at: datetime = Field(default_factory=_now)


class IdempotentAnswer(SQLModel, table=True):
    """The first answer to a request with an Idempotency-Key, kept for its retries: never updated."""

    __tablename__ = "idempotent_answer"
    api_key_id: int = Field(foreign_key="api_key.id", primary_key=True)
    endpoint: str = Field(primary_key=True, max_length=64)
    key: str = Field(primary_key=True, max_length=200)
    body_hash: str = Field(max_length=64)
    status: int
    answer: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=_now)


class ServerSecret(SQLModel, table=True):
    """A secret of the server's (the CSRF signing key), made once, so that every process signs alike."""

    __tablename__ = "server_secret"
    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=128)


def server_secret(engine: Engine, name: str) -> str:
    """The named secret, made on first use; where two processes make it at once, the first one stored wins."""
    with Session(engine) as db:
        found = db.get(ServerSecret, name)
        if found is not None:
            return found.value
    try:
        with writing(engine) as db:
            db.add(ServerSecret(name=name, value=secrets.token_urlsafe(48)))
            db.commit()
    except IntegrityError:
        pass  # another process stored it first
    with Session(engine) as db:
        stored = db.get(ServerSecret, name)
        assert stored is not None
        return stored.value


# How long a SQLite writer waits for the one write lock before giving up (seconds).
SQLITE_BUSY_SECONDS = 30


def make_engine(url: str) -> Engine:
    """A database engine; SQLite files get WAL mode, in-memory SQLite one shared connection."""
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS},
            poolclass=StaticPool if memory else None,
            json_serializer=_standard_json,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, record: Any) -> None:
            # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so savepoints work.
            connection.isolation_level = None
            cursor = connection.cursor()
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            # A write transaction takes the write lock at BEGIN, waiting its turn (busy timeout). A deferred one
            # that reads first and writes later cannot wait: SQLite answers "database is locked" at once.
            immediate = connection.get_execution_options().get(WRITE_OPTION)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=_standard_json)


def _standard_json(value: Any) -> str:
    # Requests are checked before anything is written; this makes sure no NaN or Infinity is ever stored as JSON.
    # Numbers a client wrote with a fraction are Decimals (read exactly): stored as `plain` writes them.
    return json.dumps(value, allow_nan=False, default=plain)


WRITE_OPTION = "configurator_write"
# The PostgreSQL advisory lock migrations hold (any number, the same in every process).
MIGRATION_LOCK = 7_300_001


def writing(engine: Engine) -> Session:
    """A session for one short write transaction (on SQLite it waits for, then holds, the write lock)."""
    return Session(engine.execution_options(**{WRITE_OPTION: True}))


def migrate(engine: Engine) -> None:
    """Bring the schema up to date with the Alembic migrations; several processes starting at once take turns
    (SQLite's write lock, a PostgreSQL advisory lock), so each finds the schema made or makes it alone."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def hash_key(key: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(session: Session, name: str, admin: bool = False, origins: tuple[str, ...] = (),
                   publishable: bool = False) -> str:
    """Make a key (an admin key opens the merchandiser page; `origins`, the browser origins it may be used from; a
    publishable one reads nothing stored), store its hash, and return the key (shown once)."""
    key = ("pk_" if publishable else "ck_") + secrets.token_urlsafe(24)
    session.add(ApiKey(name=name, prefix=key[:8], key_hash=hash_key(key), admin=admin and not publishable,
                       origins=" ".join(origins) or None, publishable=publishable))
    session.commit()
    return key


def find_api_key(session: Session, key: str) -> ApiKey | None:
    """The stored key matching `key`, if any."""
    return session.exec(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).first()


def quote_expiry(now: datetime | None = None) -> datetime:
    """When a quote made now expires."""
    return (now or _now()) + timedelta(days=QUOTE_DAYS)

"""The persistence suite, on SQLite and on a real PostgreSQL server; every test rolls back."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from configurator.app import create_app
from configurator.persistence.db import (
    ApiKey,
    CustomerProfile,
    Quote,
    SavedConfiguration,
    create_api_key,
    find_api_key,
    make_engine,
    migrate,
    quote_expiry,
)
from tests.conftest import COMPLETE_BIKE


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    made = make_engine(url)
    migrate(made)
    migrate(made)  # a second upgrade is a no-op
    yield made
    made.dispose()


@contextmanager
def rolled_back(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction that is rolled back at the end."""
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        outer.rollback()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with rolled_back(engine) as session:
        yield session


def test_api_keys_are_stored_hashed(db: Session) -> None:
    key = create_api_key(db, "shop")
    stored = find_api_key(db, key)
    assert stored is not None and stored.name == "shop"
    assert key not in (stored.key_hash, stored.prefix) and stored.prefix == key[:8]
    assert find_api_key(db, key + "x") is None


def test_key_hashes_are_unique(db: Session) -> None:
    db.add(ApiKey(name="a", prefix="p", key_hash="h" * 64))
    db.commit()
    db.add(ApiKey(name="b", prefix="p", key_hash="h" * 64))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()


def test_quotes_keep_their_breakdown(db: Session) -> None:
    breakdown = {"lines": [{"label": "Base price", "amount": "690.00"}], "total": "690.00"}
    quote = Quote(
        product_id="city-bike",
        catalog_version="abc",
        selections={"gears": "hub8", "accessories": ["rack"]},
        quantity=2,
        currency="EUR",
        total="690.00",
        breakdown=breakdown,
        expires_at=quote_expiry(),
    )
    db.add(quote)
    db.commit()
    db.expire_all()
    read = db.get(Quote, quote.id)
    assert read is not None
    assert (read.breakdown, read.selections, read.total) == (
        breakdown,
        {"gears": "hub8", "accessories": ["rack"]},
        "690.00",
    )
    assert read.expires_at > read.created_at


def test_saved_configurations_and_profiles(db: Session) -> None:
    db.add(SavedConfiguration(id="abc12345", product_id="city-bike", catalog_version="v", selections={}))
    db.add(CustomerProfile(id="p1", data={"postcode": "75001", "household_size": 3}))
    db.commit()
    assert db.exec(select(SavedConfiguration)).one().id == "abc12345"
    profile = db.get(CustomerProfile, "p1")
    assert profile is not None and profile.data["household_size"] == 3


def test_rollback_isolates_tests(engine: Engine) -> None:
    # What one test commits through the `db` fixture is gone for the next, whatever the order they run in.
    name = f"isolation-{secrets.token_hex(4)}"
    with rolled_back(engine) as session:
        create_api_key(session, name)  # commits
        assert session.exec(select(ApiKey).where(ApiKey.name == name)).one()
    with Session(engine) as fresh:
        assert fresh.exec(select(ApiKey).where(ApiKey.name == name)).all() == []


def test_the_api_runs_on_postgresql(fresh_postgres_url: str) -> None:
    # Its own database: the server commits, so the rolled-back suite's database must not see its rows.
    application = create_app(database_url=fresh_postgres_url)
    with Session(application.state.db) as session:
        key = create_api_key(session, "pg shop")
    client = TestClient(application)
    made = client.post(
        "/api/v1/quotes", json={"product_id": "city-bike", "selections": COMPLETE_BIKE}, headers={"X-API-Key": key}
    )
    assert made.status_code == 201
    assert client.get(f"/api/v1/quotes/{made.json()['id']}", headers={"X-API-Key": key}).json() == made.json()
    application.state.db.dispose()


def test_the_migrations_make_what_the_models_say(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine.connect() as connection:
        drift = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert drift == []

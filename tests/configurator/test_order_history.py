"""The order history recommendations come from (configurator/services/order_history.py): kept per product version
and per process, read again when any process stores a quote or a completion of that version, never mixing versions;
a configuring session counts once (its quote, else its last completed configuration)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine as Database

from catalog.loader import load_product
from configurator.persistence.db import Quote, Signal, make_engine, migrate, writing
from configurator.services.order_history import OrderHistories
from rules.engine import Engine, engine_for
from tests.conftest import BUNDLED

ORDER = {"water_hardness": "soft", "household": 3, "sensitive_skin": False, "scent": "citrus", "dose_ml": 55}


def _engine() -> Engine:
    loaded = load_product(BUNDLED / "detergent-subscription.yaml")
    return engine_for(loaded.product, loaded.content_hash)


def _store(database: Database, version: str, selections: dict[str, object]) -> None:
    with writing(database) as db:
        db.add(Quote(product_id="detergent-subscription", catalog_version=version, selections=selections, quantity=1,
                     currency="EUR", total="1", breakdown={}, expires_at=datetime.now(UTC) + timedelta(days=1)))
        db.commit()


def test_a_quote_stored_by_another_process_is_read_and_an_unchanged_history_is_not(database_url: str) -> None:
    databases = [make_engine(database_url) for _ in range(3)]  # each process has its own
    try:
        migrate(databases[0])
        engine = _engine()
        here, there = OrderHistories(databases[0]), OrderHistories(databases[1])
        assert len(here.of(engine.model)) == 0 and len(there.of(engine.model)) == 0
        _store(databases[2], engine.model.content_hash, ORDER)  # as a third process would
        first = here.of(engine.model)
        assert len(first) == 1 and here.of(engine.model) is first  # kept while no quote of the version is stored
        _store(databases[2], "another version", {**ORDER, "scent": "linen"})
        assert here.of(engine.model) is first  # another version's quote changes nothing here
        assert len(there.of(engine.model)) == 1
    finally:
        for database in databases:
            database.dispose()


def _signal(database: Database, version: str, session: str, kind: str, selection: dict[str, object] | None) -> None:
    with writing(database) as db:
        db.add(Signal(product_id="detergent-subscription", catalog_version=version, session=session, kind=kind,
                      selection=None if selection is None else json.dumps(selection)))
        db.commit()


def test_completed_configurations_join_the_quotes_once_per_session(database_url: str) -> None:
    database = make_engine(database_url)
    try:
        migrate(database)
        engine = _engine()
        version, histories = engine.model.content_hash, OrderHistories(database)
        _signal(database, version, "a" * 16, "completed", {**ORDER, "scent": "linen"})  # changed their mind...
        _signal(database, version, "a" * 16, "completed", ORDER)  # ...and left: their last configuration counts
        _signal(database, version, "b" * 16, "completed", ORDER)
        _signal(database, version, "b" * 16, "quoted", None)  # their quote is in the history already
        _store(database, version, ORDER)
        _signal(database, "another version", "c" * 16, "completed", ORDER)
        history = histories.of(engine.model)
        assert len(history) == 2  # the quote, and the session that completed without quoting
        scents = history.matrix[:, history.columns["scent"]].tolist()
        assert scents == [history.codes["scent"]["citrus"]] * 2
        _signal(database, version, "d" * 16, "completed", ORDER)
        assert len(histories.of(engine.model)) == 3  # a new completion is read
    finally:
        database.dispose()

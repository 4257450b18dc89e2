"""The order history recommendations come from (configurator/services/order_history.py): kept per product version
and per process, read again when any process stores a quote of that version, and never mixing versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine as Database

from catalog.loader import load_product
from configurator.persistence.db import Quote, make_engine, migrate, writing
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

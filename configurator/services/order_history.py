"""The order history recommendations are drawn from: per product version, its stored quotes' configurations,
coded once (`rules.recommendation.History`) and read again only when a quote of that version is stored."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from sqlalchemy import Engine as Database
from sqlalchemy import func
from sqlmodel import Session, col, select

from configurator.persistence.db import Quote
from rules.compile import CompiledModel
from rules.recommendation import History, history_of

# Stored quotes read per product version: the most recent ones.
HISTORY_QUOTES = 1_000
# Product versions whose history a process keeps.
VERSIONS_KEPT = 64

Stamp = tuple[int, datetime | None]


class OrderHistories:
    """Each product version's history, kept per process and checked against the database on every read by one
    index-only query (how many quotes of that version, and the latest): any process storing a quote makes every
    other one read that version's quotes again, and a render never reads them otherwise."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._kept: OrderedDict[tuple[str, str], tuple[Stamp, History]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, model: CompiledModel) -> History:
        """The history of the model's product version, up to date with the stored quotes."""
        key = (model.product.id, model.content_hash)
        of_version = (col(Quote.product_id) == key[0], col(Quote.catalog_version) == key[1])
        with Session(self.database) as db:
            count, latest = db.exec(select(func.count(), func.max(Quote.created_at)).where(*of_version)).one()
            stamp: Stamp = (int(count), latest)
            with self._lock:
                kept = self._kept.get(key)
            if kept is not None and kept[0] == stamp:
                return kept[1]
            query = select(Quote.selections).where(*of_version).order_by(col(Quote.created_at).desc())
            configurations = [dict(selections) for selections in db.exec(query.limit(HISTORY_QUOTES))]
        history = history_of(model, configurations)
        with self._lock:
            self._kept[key] = (stamp, history)
            self._kept.move_to_end(key)
            while len(self._kept) > VERSIONS_KEPT:
                self._kept.popitem(last=False)
        return history

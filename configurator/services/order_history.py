"""The order history recommendations are drawn from: per product version, its stored quotes' configurations and
the configurations shoppers completed in the shop without quoting them (the last one of each configuring session,
from its signals), coded once (`rules.recommendation.History`) and read again only when either grows."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from sqlalchemy import Engine as Database
from sqlalchemy import func
from sqlmodel import Session, col, select

from configurator.persistence.db import Quote, Signal
from rules.compile import CompiledModel
from rules.recommendation import History, history_of

# Stored quotes read per product version: the most recent ones.
HISTORY_QUOTES = 1_000
# Product versions whose history a process keeps.
VERSIONS_KEPT = 64

Stamp = tuple[int, datetime | None, int | None]


class OrderHistories:
    """Each product version's history, kept per process and checked against the database on every read by one
    index-only query (how many quotes of that version, and the latest): any process storing a quote makes every
    other one read that version's quotes again, and a render never reads them otherwise."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._kept: OrderedDict[tuple[str, str], tuple[Stamp, History]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, model: CompiledModel) -> History:
        """The history of the model's product version, up to date with the stored quotes and completions."""
        key = (model.product.id, model.content_hash)
        of_version = (col(Quote.product_id) == key[0], col(Quote.catalog_version) == key[1])
        completions = _completions(*key)
        with Session(self.database) as db:
            count, latest = db.exec(select(func.count(), func.max(Quote.created_at)).where(*of_version)).one()
            last = db.exec(select(func.max(col(Signal.id))).where(  # by an index alone: the latest completion
                col(Signal.product_id) == key[0], col(Signal.catalog_version) == key[1],
                col(Signal.kind) == "completed")).one()
            stamp: Stamp = (int(count), latest, last)
            with self._lock:
                kept = self._kept.get(key)
            if kept is not None and kept[0] == stamp:
                return kept[1]
            query = select(Quote.selections).where(*of_version).order_by(col(Quote.created_at).desc())
            configurations = [dict(selections) for selections in db.exec(query.limit(HISTORY_QUOTES))]
            completed = select(Signal.selection).where(col(Signal.id).in_(completions))
            configurations += [_selection(text) for text in db.exec(
                completed.order_by(col(Signal.id).desc()).limit(HISTORY_QUOTES))]
        history = history_of(model, configurations)
        with self._lock:
            self._kept[key] = (stamp, history)
            self._kept.move_to_end(key)
            while len(self._kept) > VERSIONS_KEPT:
                self._kept.popitem(last=False)
        return history


def _completions(product_id: str, version: str) -> Any:
    """The ids of the last completion signal of each configuring session of the version that did not quote (its
    quote is in the history already)."""
    ours = (col(Signal.product_id) == product_id, col(Signal.catalog_version) == version)
    quoted = select(col(Signal.session)).where(*ours, col(Signal.kind) == "quoted")
    return (select(func.max(col(Signal.id))).where(*ours, col(Signal.kind) == "completed",
                                                   col(Signal.selection).is_not(None),
                                                   col(Signal.session).not_in(quoted))
            .group_by(col(Signal.session)))


def _selection(text: str | None) -> dict[str, Any]:
    loaded = json.loads(text or "{}")
    return loaded if isinstance(loaded, dict) else {}

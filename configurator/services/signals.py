"""Signals from the shop (issue 25): what shoppers try, reach for and give up on, kept for the merchandiser.

A request records what happened into a buffer and goes on: a background task writes the buffer to the database in
batches, off the request path, and once more when the server stops; nothing is dropped (a burst waits in memory
for the next batch). Each process has its own buffer, so several processes on one PostgreSQL record alike. Kept
per product version, without personal data: no address, cookie, key, profile or free text, only a random id per
configuring session; rows older than the retention are deleted. A shop may turn signals off.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine as Database
from sqlalchemy import delete, insert
from sqlalchemy.exc import DataError, IntegrityError

from catalog.errors import ConfiguratorError
from catalog.kinds import traits
from catalog.schema import Product
from configurator.persistence.db import Signal, writing
from rules.engine import Engine
from rules.selection import plain

_log = logging.getLogger(__name__)

SignalKind = Literal[
    "started",  # a configuring session began (a product page opened afresh)
    "choice",  # an option was given a value
    "blocked",  # a value ruled out was reached for ("Choose anyway")
    "why",  # the full reason of a value ruled out was asked for
    "repair_accepted",  # the repair offered for a value reached for was taken
    "repair_declined",  # ... or declined
    "completed",  # the configuration became complete
    "saved",
    "quoted",
]
BATCH_SECONDS = 1.0  # how often the buffer is written
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16}")  # what new_session makes: anything else a form sends is replaced
BATCH_ROWS = 5_000  # the most rows one insert writes


@dataclass(frozen=True)
class Event:
    """One signal, as a request records it."""

    product_id: str
    catalog_version: str
    session: str
    kind: SignalKind
    option: str | None = None
    value: str | None = None
    step: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    selection: str | None = None  # the choices (JSON, texts left out) where a value was reached for or completed
    rules: tuple[str, ...] = ()  # the rules in a blocked value's way


class Recorder:
    """The buffer requests record into, and its writer."""

    def __init__(self, database: Database, enabled: bool = True, keep_days: int = 90) -> None:
        self.database = database
        self.enabled = enabled
        self.keep_days = keep_days
        self._pending: deque[Event] = deque()
        self._lock = threading.Lock()  # requests record from worker threads as well as the event loop

    def record(self, event: Event) -> None:
        """Keep one signal for the next batch (nothing where signals are off); never waits for the database."""
        if self.enabled:
            with self._lock:
                self._pending.append(event)

    def record_all(self, events: Iterable[Event]) -> None:
        """Keep several signals for the next batch."""
        for event in events:
            self.record(event)

    def flush(self) -> int:
        """Write what is buffered, in batches; how many rows were written."""
        written = 0
        while True:
            with self._lock:
                batch = [self._pending.popleft() for _ in range(min(BATCH_ROWS, len(self._pending)))]
            if not batch:
                return written
            rows = [_row(event) for event in batch]
            try:
                self._insert(rows)
            except (DataError, IntegrityError):  # a row the database refuses: the others are written all the same
                written += self._one_by_one(rows)
                continue
            except Exception:  # the database is away: keep the batch for the next time, in its order
                with self._lock:
                    self._pending.extendleft(reversed(batch))
                raise
            written += len(batch)

    def _insert(self, rows: list[dict[str, object]]) -> None:
        with writing(self.database) as db:
            db.execute(insert(Signal), rows)
            db.commit()

    def _one_by_one(self, rows: list[dict[str, object]]) -> int:
        """Write rows one at a time, dropping (and logging) each the database refuses; how many were written."""
        written = 0
        for row in rows:
            try:
                self._insert([row])
                written += 1
            except (DataError, IntegrityError):
                _log.warning("a signal the database refuses was dropped: %r", row)
        return written

    def purge(self, now: datetime | None = None) -> int:
        """Delete signals older than the retention; how many."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=self.keep_days)
        with writing(self.database) as db:
            result = db.execute(delete(Signal).where(Signal.at < cutoff))  # type: ignore[arg-type]
            db.commit()
        return int(getattr(result, "rowcount", 0) or 0)

    async def run(self, stop: asyncio.Event) -> None:
        """Write the buffer every BATCH_SECONDS until `stop`, then once more; purge old signals once a day."""
        purged = datetime.min.replace(tzinfo=UTC)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), BATCH_SECONDS)
            try:
                await asyncio.to_thread(self.flush)
                if datetime.now(UTC) - purged > timedelta(days=1):
                    await asyncio.to_thread(self.purge)
                    purged = datetime.now(UTC)
            except Exception:  # kept in the buffer; the next round tries again
                _log.exception("signals could not be written; kept for the next batch")


def _row(event: Event) -> dict[str, object]:
    return {"product_id": event.product_id[:200], "catalog_version": event.catalog_version[:64],
            "session": event.session[:32], "kind": event.kind, "option": _short(event.option),
            "value": _short(event.value), "step": _short(event.step), "at": event.at, "selection": event.selection,
            "rules": ",".join(event.rules)[:400] or None}


def _short(text: str | None) -> str | None:
    """A field as stored: at most 200 characters, control characters left out (a form is anyone's to make, and
    PostgreSQL refuses a NUL in text: one such event would hold up every batch after it)."""
    return None if text is None else "".join(c for c in text if c >= " " and c != "\x7f")[:200]


def new_session() -> str:
    """A random id for one configuring session (never derived from anything about the shopper)."""
    return secrets.token_urlsafe(12)


def step_events(
    product: Product, version: str, session: str, action: str, before: Mapping[str, Any],
    after: Mapping[str, Any], complete: bool, step: str, rules: tuple[str, ...] = (),
) -> list[Event]:
    """What one post of the product form did, as signals: the choices it changed, or the blocked value it reached
    for (with the choices it was reached for with, and `rules`, those in its way), the full reason it asked for,
    the repair it took or declined; and whether the configuration is complete (with the configuration)."""
    kind, _sep, target = action.partition(":")
    option, _sep, value = target.partition("=")
    texts = {o.id for o in product.options() if traits(o).expression == "text"}
    made: list[Event] = []

    def add(what: SignalKind, name: str | None = None, said: str | None = None, chosen: str | None = None) -> None:
        made.append(Event(product.id, version, session, what, name, said, step or None, selection=chosen,
                          rules=rules if what == "blocked" else ()))

    match kind:
        case "try":
            add("blocked", option, value, recorded_selection(before, texts))
        case "why":
            add("why", option, value)
        case "apply":
            add("repair_accepted", option, value)
        case "keep":
            add("repair_declined", target)
        case "complete" | "cheapest":
            pass  # the values it filled in are the engine's, not the shopper's: the completion says what they are
        case _:
            for name in after:
                if after[name] != before.get(name):  # a text's words are the shopper's: only that it was filled
                    add("choice", name, None if name in texts else _said(after[name]))
    if complete:
        add("completed", chosen=recorded_selection(after, texts))
    return made


def rules_in_the_way(engine: Engine, selection: Mapping[str, Any], option_id: str, value: str) -> tuple[str, ...]:
    """The catalog rules that, with the other choices, rule a value reached for out (none where it is possible,
    or is no value of the option)."""
    option = engine.model.options.get(option_id)
    if option is None:
        return ()
    wanted: Any = (value == "true") if traits(option).expression == "bool" else value
    try:
        return engine.advisor.explain({k: v for k, v in selection.items() if k != option_id}, option_id, wanted).rules
    except ConfiguratorError:  # not one of its values (the form was made by hand), or past the solver's budget
        return ()


def recorded_selection(selection: Mapping[str, Any], texts: Iterable[str] = ()) -> str:
    """A selection as kept with a signal or a request: JSON of its plain values, the shopper's own words (text
    options) left out."""
    left_out = set(texts)
    kept = {name: plain(value) for name, value in sorted(selection.items()) if name not in left_out}
    return json.dumps(kept, separators=(",", ":"), default=str)


def _said(value: Any) -> str:
    return ",".join(str(plain(v)) for v in sorted(value)) if isinstance(value, list | set | frozenset) else str(
        plain(value))

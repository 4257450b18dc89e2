"""Regression (found trying to break the signals by hand): the form's `do` field is anyone's to make, and a value
reached for with a NUL in it (`try:gears=sin\\x00gle`) was recorded as it came; PostgreSQL refuses a NUL in text,
so that batch failed, was put back, and failed again: no signal after it was ever written. Control characters are
left out of a signal's fields, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from configurator.persistence.db import Signal, make_engine, migrate
from configurator.services.signals import Event, Recorder


def test_a_signal_with_control_characters_is_written_without_them(database_url: str) -> None:
    database = make_engine(database_url)
    try:
        migrate(database)
        recorder = Recorder(database)
        recorder.record(Event("city-bike", "v1", "s" * 16, "blocked", "gea\x00rs", "sin\x00gle\x1b", "dri\x07ve"))
        recorder.record(Event("city-bike", "v1", "s" * 16, "completed"))
        assert recorder.flush() == 2
        with Session(database) as db:
            first = db.exec(select(Signal).order_by(Signal.id)).first()  # type: ignore[arg-type]
        assert first is not None and (first.option, first.value, first.step) == ("gears", "single", "drive")
    finally:
        database.dispose()


def test_a_signal_the_database_refuses_is_dropped_and_the_others_written(database_url: str) -> None:
    database = make_engine(database_url)
    try:
        migrate(database)
        recorder = Recorder(database)
        too_long: Any = "k" * 40  # PostgreSQL refuses it (a kind is at most 32 characters); SQLite takes it
        for kind in ("started", too_long, "completed"):
            recorder.record(Event("city-bike", "v1", "s" * 16, kind))
        recorder.flush()
        with Session(database) as db:
            kinds = [s.kind for s in db.exec(select(Signal).order_by(Signal.id))]  # type: ignore[arg-type]
        assert kinds[0] == "started" and kinds[-1] == "completed" and len(kinds) in (2, 3)
        assert recorder.flush() == 0  # nothing held back
    finally:
        database.dispose()

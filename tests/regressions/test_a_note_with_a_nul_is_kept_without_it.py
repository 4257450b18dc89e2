"""Regression (found trying to break "Ask for this" by hand): a shopper's note, or a merchandiser's answer, with a
NUL character in it was stored as it came, and PostgreSQL refuses a NUL in text: a 500, the request lost. Control
characters are left out (line breaks and tabs kept), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from catalog.loader import load_product
from configurator.persistence.db import make_engine, migrate
from configurator.services.asks import Ask, answer_ask, make_ask, read_ask
from rules.engine import engine_for
from tests.conftest import BUNDLED


def test_a_note_and_an_answer_with_control_characters_are_stored_without_them(database_url: str) -> None:
    database = make_engine(database_url)
    try:
        migrate(database)
        loaded = load_product(BUNDLED / "city-bike.yaml")
        engine = engine_for(loaded.product, loaded.content_hash)
        ask = Ask("city-bike", "v1", "gears", "single", {"belt_drive": True}, "flat\x00 town\nno\x1b hills\t!")
        row = make_ask(database, engine, "v1", ask)
        assert read_ask(database, row.id).note == "flat town\nno hills\t!"
        answered = answer_ask(database, row.id, "refuse", "a belt\x00 needs a hub")
        assert answered.answer_text == "a belt needs a hub"
    finally:
        database.dispose()

"""Asks (issue 25, "Ask for this"): a shopper asks for a value the catalog rules out with their other choices,
with an optional note, and holds a private link to the request; the merchandiser answers it ("we will offer this",
or "not possible, because ..."), the shopper reads the answer there and may delete the request."""

from __future__ import annotations

import json
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine as Database
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from catalog.kinds import traits, value_set
from catalog.schema import AnyOption
from catalog.wording import _
from configurator.persistence.db import DemandRequest, writing
from configurator.services.refusals import Missing, NotPermitted
from configurator.services.signals import recorded_selection, rules_in_the_way
from configurator.services.spreadsheet import csv_table
from rules.engine import Engine

NOTE_CHARS = 1_000  # the longest note a shopper may write (and an answer's reason)
Answer = Literal["offer", "refuse"]
ANSWERS: tuple[Answer, ...] = ("offer", "refuse")


@dataclass(frozen=True)
class Ask:
    """What the shopper asked for, as it was asked."""

    product_id: str
    version: str
    option: str
    value: str
    selection: dict[str, Any]  # the choices it was asked with
    note: str = ""
    nonce: str = ""  # the form's one-time value (none: every post is a request of its own)


def make_ask(database: Database, engine: Engine, version: str, ask: Ask) -> DemandRequest:
    """Store a request for a value ruled out with the other choices; NotPermitted if the value is possible (there
    is nothing to ask for) or is no value of the option."""
    option = engine.model.options.get(ask.option)
    if option is None or ask.value not in _askable(option):
        raise NotPermitted(_("There is no such value to ask for."))
    rules = rules_in_the_way(engine, ask.selection, ask.option, ask.value)
    if not rules:
        raise NotPermitted(_("This is offered already: choose it in the form."))
    texts = [o.id for o in engine.model.options.values() if traits(o).expression == "text"]
    nonce = ask.nonce[:32] or None
    row = DemandRequest(product_id=ask.product_id, catalog_version=version, option=ask.option, value=ask.value,
                        selection=recorded_selection(ask.selection, texts), rules=",".join(rules)[:400],
                        note=written(ask.note) or None, form_nonce=nonce)
    try:
        with writing(database) as db:
            db.add(row)
            db.commit()
            db.refresh(row)
            return row
    except IntegrityError:  # the same form sent again: the request it made the first time
        with Session(database) as db:
            first = db.exec(select(DemandRequest).where(col(DemandRequest.form_nonce) == nonce)).first()
            if first is None:
                raise
            return first


def written(text: str) -> str:
    """A note or an answer as stored: control characters (a NUL, which PostgreSQL refuses in text) left out but
    line breaks and tabs, at most NOTE_CHARS, trimmed."""
    kept = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs"))
    return kept.strip()[:NOTE_CHARS]


def form_nonce() -> str:
    """A one-time value for an ask form."""
    return secrets.token_urlsafe(16)


def _askable(option: AnyOption) -> frozenset[str]:
    """The values of an option one may reach for one by one, as a form names them (a choice's or a multi's value
    ids, yes and no)."""
    kind = traits(option).expression
    if kind == "bool":
        return frozenset({"true", "false"})
    return frozenset(map(str, value_set(option))) if kind in ("choice", "set") else frozenset()


def read_ask(database: Database, ask_id: str) -> DemandRequest:
    """A request by its private link's id; Missing if there is none (or it was deleted)."""
    with Session(database) as db:
        found = db.get(DemandRequest, ask_id[:32])
        if found is None:
            raise Missing(_("There is no such request (it may have been deleted)."))
        return found


def delete_ask(database: Database, ask_id: str) -> None:
    """Delete a request for good (its holder's right); Missing if there is none."""
    with writing(database) as db:
        found = db.get(DemandRequest, ask_id[:32])
        if found is None:
            raise Missing(_("There is no such request (it may have been deleted)."))
        db.delete(found)
        db.commit()


def answer_ask(database: Database, ask_id: str, answer: str, reason: str) -> DemandRequest:
    """The merchandiser's answer to a request (a later answer replaces an earlier one)."""
    if answer not in ANSWERS:
        raise NotPermitted(_("An answer is either “we will offer this” or “not possible”."))
    if answer == "refuse" and not written(reason):
        raise NotPermitted(_("Say why it is not possible: the shopper reads it."))
    with writing(database) as db:
        found = db.get(DemandRequest, ask_id[:32])
        if found is None:
            raise Missing(_("There is no such request (it may have been deleted)."))
        found.answer, found.answer_text = answer, written(reason) or None
        found.answered_at = datetime.now(UTC)
        db.add(found)
        db.commit()
        db.refresh(found)
        return found


def asks_of(database: Database, product_id: str | None = None, limit: int = 200) -> list[DemandRequest]:
    """The latest requests (for one product, or all), newest first."""
    query = select(DemandRequest).order_by(col(DemandRequest.created_at).desc()).limit(limit)
    if product_id is not None:
        query = query.where(col(DemandRequest.product_id) == product_id)
    with Session(database) as db:
        return list(db.exec(query))


def asked_selection(row: DemandRequest) -> dict[str, Any]:
    """The other choices a request was made with, as a selection."""
    loaded = json.loads(row.selection)
    return loaded if isinstance(loaded, dict) else {}


def asks_csv(rows: list[DemandRequest]) -> str:
    """Requests as CSV: what was asked, the rules in its way, the note, the answer (not the private link's id: a
    spreadsheet travels further than the merchandiser's page)."""
    return csv_table(["product", "version", "option", "value", "rules", "note", "asked", "answer", "reason"],
                     [[r.product_id, r.catalog_version, r.option, r.value, r.rules or "", r.note or "",
                       r.created_at.isoformat(), r.answer or "", r.answer_text or ""] for r in rows])

"""A shopper's request for a combination the catalog does not offer, as its pages show it: the form that asks
(what is asked for, what stands in its way and why) and the request behind its private link (the answer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from babel.dates import format_datetime

from catalog.kinds import choice_words, traits, value_label
from catalog.wording import current_language
from configurator.persistence.db import DemandRequest
from configurator.services.asks import asked_selection, form_nonce
from configurator.views.form import query_of
from rules.engine import Engine


@dataclass(frozen=True)
class AskView:
    """The form that asks for a value ruled out: what it is, the choices and rules in its way."""

    product_id: str
    product_name: str
    option: str
    value: str
    wanted: str  # "Gears: Single speed"
    in_the_way: tuple[str, ...]  # the shopper's choices that rule it out, in words
    reasons: tuple[str, ...]  # the rules' messages
    state: str  # the other choices, as the shop's query
    csrf: str
    nonce: str  # the form's one-time value


@dataclass(frozen=True)
class AskedView:
    """A request behind its private link: what was asked, the note, the merchandiser's answer."""

    id: str
    product_name: str
    wanted: str
    note: str
    asked: str  # when, in words
    answer: str  # "offer", "refuse" or "" (none yet)
    answer_text: str
    answered: str
    configuration: str  # the link back to the configuration it was asked from
    csrf: str


def ask_view(engine: Engine, selection: dict[str, Any], option_id: str, value: str, csrf: str) -> AskView:
    """The ask form for one value of `option_id` reached for with the other choices."""
    others = {k: v for k, v in selection.items() if k != option_id}
    why = engine.advisor.explain(others, option_id, _wanted(engine, option_id, value))
    in_the_way = tuple(choice_words(engine.model.options.get(name), chosen, name) for name, chosen in why.choices)
    return AskView(engine.model.product.id, engine.model.product.name, option_id, value,
                   _wanted_words(engine, option_id, value), in_the_way, why.messages, query_of(others), csrf,
                   form_nonce())


def asked_view(row: DemandRequest, engine: Engine | None, csrf: str) -> AskedView:
    """A stored request as its holder reads it (the option's words from the catalog where it is still served)."""
    served = engine is not None and row.option in engine.model.options
    name = row.product_id if engine is None else engine.model.product.name
    wanted = _wanted_words(engine, row.option, row.value) if engine is not None and served else (
        f"{row.option}: {row.value}")
    query = query_of(asked_selection(row))
    return AskedView(row.id, name, wanted, row.note or "", _when(row.created_at), row.answer or "",
                     row.answer_text or "", _when(row.answered_at) if row.answered_at else "",
                     f"/products/{row.product_id}" + (f"?{query}" if query else ""), csrf)


def _wanted(engine: Engine, option_id: str, value: str) -> Any:
    """A value as a form names it, as the engine takes it (yes and no as booleans)."""
    return (value == "true") if traits(engine.model.options[option_id]).expression == "bool" else value


def _wanted_words(engine: Engine, option_id: str, value: str) -> str:
    option = engine.model.options[option_id]
    return f"{option.label or option.id}: {value_label(option, _wanted(engine, option_id, value))}"


def _when(moment: datetime) -> str:
    at = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return format_datetime(at, "medium", tzinfo=UTC, locale=current_language()) + " UTC"

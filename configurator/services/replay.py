"""Recorded demand replayed against a catalog (issue 25): of the values shoppers reached for and found blocked, and
of the combinations they asked for, how many a catalog version offers; of the quotes made, how many it rules out.
So a merchandiser relaxing a rule sees both sides: the demand it would meet, the orders it would make invalid."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine as Database
from sqlmodel import Session, col, select

from catalog.kinds import traits
from configurator.persistence.db import DemandRequest, Quote, Signal
from rules.engine import Engine


@dataclass(frozen=True)
class Reach:
    """A value reached for (blocked, or asked for) with the choices it was reached for with."""

    selection: dict[str, Any]
    option: str
    value: str


@dataclass(frozen=True)
class Replay:
    """How much recorded demand a catalog version meets, and how many quotes it rules out."""

    product_id: str
    attempts: int  # values reached for and found blocked (with their choices recorded)
    attempts_met: int
    asks: int
    asks_met: int
    quotes: int
    quotes_ruled_out: int


def reached(engine: Engine, reach: Reach) -> dict[str, Any]:
    """The selection the shopper reached for: the value taken (a multi's added to its others), the rest kept."""
    option = engine.model.options.get(reach.option)
    if option is None:
        return dict(reach.selection)
    kind = traits(option).expression
    if kind == "set":
        current = reach.selection.get(reach.option)
        members = current if isinstance(current, list) else []
        return {**reach.selection, reach.option: sorted({*map(str, members), reach.value})}
    value: Any = (reach.value.lower() == "true") if kind == "bool" else reach.value
    return {**reach.selection, reach.option: value}


def meets(engine: Engine, reach: Reach) -> bool:
    """Whether the catalog offers the value with the choices it was reached for with (some valid product has
    both); never for an option or value it does not have."""
    return reach.option in engine.model.options and engine.consistent(reached(engine, reach))


def replay(database: Database, product_id: str, new: Engine, old: Engine | None = None,
           version: str | None = None) -> Replay:
    """The product's recorded demand against `new`: attempts and requests met (where `old` is given, only those it
    did not meet either: what the change would meet), and its quotes that `new` rules out (of those `old`
    allowed). `version`: only what was recorded under another catalog version than this one."""
    attempts, asks, quotes = _recorded(database, product_id, version)

    def newly(reach: Reach) -> bool:
        return meets(new, reach) and (old is None or not meets(old, reach))

    def ruled_out(selection: dict[str, Any]) -> bool:
        return not new.consistent(selection) and (old is None or old.consistent(selection))

    return Replay(product_id, len(attempts), sum(map(newly, attempts)), len(asks), sum(map(newly, asks)),
                  len(quotes), sum(map(ruled_out, quotes)))


def _recorded(database: Database, product_id: str,
              version: str | None) -> tuple[list[Reach], list[Reach], list[dict[str, Any]]]:
    def ours(table: type[Signal] | type[DemandRequest] | type[Quote]) -> list[Any]:
        where = [col(table.product_id) == product_id]
        return where if version is None else [*where, col(table.catalog_version) != version]

    with Session(database) as db:
        blocked = db.exec(select(Signal).where(
            *ours(Signal), col(Signal.kind) == "blocked", col(Signal.selection).is_not(None)))
        attempts = [_reach(s.selection or "{}", s.option or "", s.value or "") for s in blocked]
        asks = [_reach(r.selection, r.option, r.value) for r in db.exec(select(DemandRequest).where(
            *ours(DemandRequest)))]
        quotes = [dict(q.selections) for q in db.exec(select(Quote).where(*ours(Quote)))]
    return attempts, asks, quotes


def _reach(selection: str, option: str, value: str) -> Reach:
    loaded = json.loads(selection)
    return Reach(loaded if isinstance(loaded, dict) else {}, option, value)


def replay_json(found: Iterable[Replay]) -> list[Mapping[str, Any]]:
    """Replays as JSON-ready records."""
    return [dict(vars(r)) for r in found]

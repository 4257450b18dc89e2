"""Demand, read from the shop's signals (issue 25): per product, how many configuring sessions started, reached a
complete configuration, were saved and were quoted, and the step where the others ended."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import Engine as Database
from sqlalchemy import func, select
from sqlmodel import col

from configurator.persistence.db import Signal

FUNNEL = ("started", "completed", "saved", "quoted")


@dataclass(frozen=True)
class Funnel:
    """One product's sessions at each stage, and where those neither saved nor quoted ended (by step)."""

    product_id: str
    counts: dict[str, int]
    ended: dict[str, int] = field(default_factory=dict)  # step ("" where none was shown) -> sessions


def funnels(database: Database) -> list[Funnel]:
    """Every product's funnel, by product id."""
    product, kind, session, step, row = (col(Signal.product_id), col(Signal.kind), col(Signal.session),
                                         col(Signal.step), col(Signal.id))
    stages = (select(product, kind, func.count(func.distinct(session)))
              .where(kind.in_(FUNNEL)).group_by(product, kind))
    finished = select(session).where(kind.in_(("saved", "quoted")))
    last = select(func.max(row).label("id")).group_by(session).subquery()
    ends = (select(product, step, func.count()).join(last, row == last.c.id)
            .where(session.not_in(finished)).group_by(product, step))
    found: dict[str, Funnel] = {}
    with database.connect() as connection:
        for product_id, stage, sessions in connection.execute(stages):
            found.setdefault(product_id, Funnel(product_id, dict.fromkeys(FUNNEL, 0))).counts[stage] = sessions
        for product_id, where, sessions in connection.execute(ends):
            found.setdefault(product_id, Funnel(product_id, dict.fromkeys(FUNNEL, 0))).ended[where or ""] = sessions
    return [found[key] for key in sorted(found)]


def funnels_csv(rows: list[Funnel]) -> str:
    """The funnels as CSV: a row per product, a column per stage and per step sessions ended at."""
    steps = sorted({step for row in rows for step in row.ended})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["product", *FUNNEL, *(f"ended at {step or '(no step)'}" for step in steps)])
    for row in rows:
        writer.writerow([row.product_id, *(row.counts[kind] for kind in FUNNEL),
                         *(row.ended.get(step, 0) for step in steps)])
    return out.getvalue()

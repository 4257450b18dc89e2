"""Demand, read from the shop's signals (issue 25): per product, how many configuring sessions started, reached a
complete configuration, were saved and were quoted, and the step where the others ended; the values chosen most;
the rules that block shoppers most (how often, how many repaired, how many left); and the sessions day by day."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine as Database
from sqlalchemy import func, select
from sqlmodel import col

from configurator.persistence.db import DemandRequest, Signal
from configurator.services.spreadsheet import csv_table

FUNNEL = ("started", "completed", "saved", "quoted")
TREND = ("started", "completed", "quoted")
TREND_DAYS = 30
TOP_VALUES = 20


@dataclass(frozen=True)
class Funnel:
    """One product's sessions at each stage, and where those neither saved nor quoted ended (by step)."""

    product_id: str
    counts: dict[str, int]
    ended: dict[str, int] = field(default_factory=dict)  # step ("" where none was shown) -> sessions


@dataclass(frozen=True)
class ChosenValue:
    """A value shoppers gave an option, and in how many sessions."""

    option: str
    value: str
    sessions: int


@dataclass(frozen=True)
class BlockingRule:
    """A rule in the way of values shoppers reached for: how often, in how many sessions, how many of those took
    a repair, how many ended with nothing complete, saved or quoted, and how many asked for the combination."""

    rule: str
    attempts: int
    sessions: int
    repaired: int
    left: int
    asked: int


@dataclass(frozen=True)
class Day:
    """One day's sessions: started, completed, quoted."""

    day: date
    counts: dict[str, int]


@dataclass(frozen=True)
class DemandReport:
    """Everything the merchandiser reads of one product's demand."""

    funnel: Funnel
    values: tuple[ChosenValue, ...]
    rules: tuple[BlockingRule, ...]
    trend: tuple[Day, ...]


def funnels(database: Database, product_id: str | None = None) -> list[Funnel]:
    """Every product's funnel (or one product's), by product id."""
    product, kind, session, step, row = (col(Signal.product_id), col(Signal.kind), col(Signal.session),
                                         col(Signal.step), col(Signal.id))
    stages = (select(product, kind, func.count(func.distinct(session)))
              .where(kind.in_(FUNNEL)).group_by(product, kind))
    finished = select(session).where(kind.in_(("saved", "quoted")))
    last = select(func.max(row).label("id")).group_by(session).subquery()
    ends = (select(product, step, func.count()).join(last, row == last.c.id)
            .where(session.not_in(finished)).group_by(product, step))
    if product_id is not None:
        stages, ends = stages.where(product == product_id), ends.where(product == product_id)
    found: dict[str, Funnel] = {}
    with database.connect() as connection:
        for name, stage, sessions in connection.execute(stages):
            found.setdefault(name, Funnel(name, dict.fromkeys(FUNNEL, 0))).counts[stage] = sessions
        for name, where, sessions in connection.execute(ends):
            found.setdefault(name, Funnel(name, dict.fromkeys(FUNNEL, 0))).ended[where or ""] = sessions
    return [found[key] for key in sorted(found)]


def demand_report(database: Database, product_id: str, now: datetime | None = None) -> DemandReport:
    """One product's demand: its funnel, the values chosen most, the rules that block most, the last days."""
    funnel = next(iter(funnels(database, product_id)), Funnel(product_id, dict.fromkeys(FUNNEL, 0)))
    return DemandReport(funnel, _chosen(database, product_id), _blocking(database, product_id),
                        _trend(database, product_id, now or datetime.now(UTC)))


def _chosen(database: Database, product_id: str) -> tuple[ChosenValue, ...]:
    option, value, session = col(Signal.option), col(Signal.value), col(Signal.session)
    sessions = func.count(func.distinct(session))
    query = (select(option, value, sessions)
             .where(col(Signal.product_id) == product_id, col(Signal.kind) == "choice", value.is_not(None))
             .group_by(option, value).order_by(sessions.desc(), option, value).limit(TOP_VALUES))
    with database.connect() as connection:
        return tuple(ChosenValue(str(o), str(v), int(n)) for o, v, n in connection.execute(query))


def _blocking(database: Database, product_id: str) -> tuple[BlockingRule, ...]:
    ours = col(Signal.product_id) == product_id
    kind = col(Signal.kind)
    what = select(col(Signal.session), col(Signal.option), col(Signal.value), col(Signal.rules))
    asked = select(col(DemandRequest.rules)).where(col(DemandRequest.product_id) == product_id)
    with database.connect() as connection:
        blocked = list(connection.execute(what.where(ours, kind == "blocked")))
        repaired = {(s, o, v) for s, o, v, _r in connection.execute(what.where(ours, kind == "repair_accepted"))}
        finished = select(col(Signal.session)).where(ours, kind.in_(("completed", "saved", "quoted")))
        done = set(connection.scalars(finished))
        requests = Counter(rule for (rules,) in connection.execute(asked) for rule in _split(rules))
    attempts: Counter[str] = Counter()
    sessions: dict[str, set[str]] = defaultdict(set)
    fixed: dict[str, set[str]] = defaultdict(set)
    for session, option, value, rules in blocked:
        for rule in _split(rules):
            attempts[rule] += 1
            sessions[rule].add(session)
            if (session, option, value) in repaired:
                fixed[rule].add(session)
    found = [BlockingRule(rule, n, len(sessions[rule]), len(fixed[rule]), len(sessions[rule] - done),
                          requests[rule]) for rule, n in attempts.items()]
    found += [BlockingRule(rule, 0, 0, 0, 0, n) for rule, n in requests.items() if rule not in attempts]
    return tuple(sorted(found, key=lambda r: (-r.attempts, -r.asked, r.rule)))


def _trend(database: Database, product_id: str, now: datetime) -> tuple[Day, ...]:
    first = (now - timedelta(days=TREND_DAYS - 1)).date()
    since = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    query = select(col(Signal.at), col(Signal.kind), col(Signal.session)).where(
        col(Signal.product_id) == product_id, col(Signal.kind).in_(TREND), col(Signal.at) >= since)
    seen: dict[tuple[date, str], set[str]] = defaultdict(set)
    with database.connect() as connection:
        for at, kind, session in connection.execute(query):
            seen[(at.date(), kind)].add(session)
    days = [first + timedelta(days=i) for i in range(TREND_DAYS)]
    return tuple(Day(day, {kind: len(seen[(day, kind)]) for kind in TREND}) for day in days)


def _split(rules: str | None) -> list[str]:
    return [rule for rule in (rules or "").split(",") if rule]


def funnels_csv(rows: list[Funnel]) -> str:
    """The funnels as CSV: a row per product, a column per stage and per step sessions ended at."""
    steps = sorted({step for row in rows for step in row.ended})
    header = ["product", *FUNNEL, *(f"ended at {step or '(no step)'}" for step in steps)]
    return csv_table(header, [[row.product_id, *(row.counts[kind] for kind in FUNNEL),
                               *(row.ended.get(step, 0) for step in steps)] for row in rows])


def report_csv(report: DemandReport, table: str) -> str | None:
    """One table of a product's report as CSV (`funnel`, `values`, `rules`, `trend`); None for another name."""
    match table:
        case "funnel":
            return funnels_csv([report.funnel])
        case "values":
            return csv_table(["option", "value", "sessions"], [[v.option, v.value, v.sessions] for v in report.values])
        case "rules":
            return csv_table(["rule", "attempts", "sessions", "repaired", "left", "asked"],
                             [[r.rule, r.attempts, r.sessions, r.repaired, r.left, r.asked] for r in report.rules])
        case "trend":
            days = report.trend
            return csv_table(["day", *TREND], [[d.day.isoformat(), *(d.counts[k] for k in TREND)] for d in days])
    return None

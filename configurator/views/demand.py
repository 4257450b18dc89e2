"""One product's demand as the merchandiser reads it (issue 25): the funnel and the last days drawn as charts
(SVG made here, the numbers in a table beside each), the values chosen most, the rules that block shoppers most,
and the combinations shoppers asked for, each with the answer given or a form to give one."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.kinds import traits, value_label
from catalog.wording import N_, _
from configurator.persistence.db import DemandRequest
from configurator.services.demand import FUNNEL, TREND, DemandReport
from configurator.services.replay import Replay
from rules.engine import Engine

BAR_WIDTH = 320  # the longest bar, in the funnel chart's units
CHART_WIDTH, CHART_HEIGHT = 600, 160  # the trend chart's plot area
STAGE_WORDS = {"started": N_("Started"), "completed": N_("Complete"), "saved": N_("Saved"), "quoted": N_("Quoted")}
# Each trend line is told apart by its dash as well as its colour (no meaning by colour alone).
LINE_DASHES = {"started": "", "completed": "6 3", "quoted": "2 3"}


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its words, its number, its length."""

    label: str
    count: int
    length: int


@dataclass(frozen=True)
class Line:
    """One series of the trend chart: its words, its dash pattern, its points ("x,y x,y ...")."""

    kind: str
    label: str
    dash: str
    points: str


@dataclass(frozen=True)
class RuleRow:
    """A rule in shoppers' way: its id, its message, and what happened to those it stopped."""

    rule: str
    message: str
    attempts: int
    sessions: int
    repaired: int
    left: int
    asked: int


@dataclass(frozen=True)
class AskRow:
    """A combination a shopper asked for, and the answer given (if any)."""

    id: str
    wanted: str
    rules: str
    note: str
    asked: str
    answer: str
    answer_text: str


@dataclass(frozen=True)
class DemandView:
    """The product's demand page."""

    product_id: str
    product_name: str
    funnel: tuple[Bar, ...]
    ended: tuple[tuple[str, int], ...]  # step label, sessions that ended there
    days: tuple[tuple[str, tuple[int, ...]], ...]  # ISO day, counts in TREND's order
    lines: tuple[Line, ...]
    peak: int  # the trend chart's top
    values: tuple[tuple[str, str, int], ...]  # option label, value label, sessions
    rules: tuple[RuleRow, ...]
    asks: tuple[AskRow, ...]
    csrf: str
    since: Replay | None = None  # what was recorded under earlier catalog versions, against the version served


def demand_view(report: DemandReport, engine: Engine | None, asks: list[DemandRequest], csrf: str,
                since: Replay | None = None) -> DemandView:
    """The page's data, in the catalog's words where the product is served (ids where it no longer is)."""
    counts = report.funnel.counts
    top = max(counts.values()) or 1
    funnel = tuple(Bar(_(STAGE_WORDS[k]), counts[k], round(BAR_WIDTH * counts[k] / top)) for k in FUNNEL)
    steps = {s.id: s.label for s in engine.model.product.steps} if engine is not None else {}
    ended = tuple((steps.get(step, step) or _("(first step)"), n)
                  for step, n in sorted(report.funnel.ended.items(), key=lambda item: (-item[1], item[0])))
    days = tuple((d.day.isoformat(), tuple(d.counts[k] for k in TREND)) for d in report.trend)
    peak = max((n for _day, ns in days for n in ns), default=0) or 1
    lines = tuple(Line(k, _(STAGE_WORDS[k]), LINE_DASHES[k], _points([ns[i] for _day, ns in days], peak))
                  for i, k in enumerate(TREND))
    messages = engine.model.messages if engine is not None else {}
    rules = tuple(RuleRow(r.rule, messages.get(r.rule, ""), r.attempts, r.sessions, r.repaired, r.left, r.asked)
                  for r in report.rules)
    name = engine.model.product.name if engine is not None else report.funnel.product_id
    values = tuple((*_words(engine, v.option, v.value), v.sessions) for v in report.values)
    return DemandView(report.funnel.product_id, name, funnel, ended, days, lines, peak, values, rules,
                      tuple(_ask_row(engine, a) for a in asks), csrf, since)


def _points(counts: list[int], peak: int) -> str:
    """A series as polyline points: days along, counts up from the bottom."""
    step = CHART_WIDTH / max(1, len(counts) - 1)
    return " ".join(f"{round(i * step, 1)},{round(CHART_HEIGHT - CHART_HEIGHT * n / peak, 1)}"
                    for i, n in enumerate(counts))


def _words(engine: Engine | None, option_id: str, value: str) -> tuple[str, str]:
    """An option and one of its values as the catalog words them (a multi's several, yes or no)."""
    option = None if engine is None else engine.model.options.get(option_id)
    if option is None:
        return option_id, value
    kind = traits(option).expression
    said: object = value
    if kind == "bool":
        said = value.lower() == "true"
    elif kind == "set":
        said = [member for member in value.split(",") if member]
    return option.label or option.id, value_label(option, said)


def _ask_row(engine: Engine | None, ask: DemandRequest) -> AskRow:
    option, value = _words(engine, ask.option, ask.value)
    return AskRow(ask.id, f"{option}: {value}", (ask.rules or "").replace(",", ", "), ask.note or "",
                  ask.created_at.strftime("%Y-%m-%d %H:%M UTC"), ask.answer or "", ask.answer_text or "")

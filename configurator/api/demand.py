"""The demand API (issue 25), for admin keys: one product's funnel, values chosen most, rules in shoppers' way,
the last days and the combinations asked for, as the merchandiser's page shows them."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import Engine as Database
from sqlmodel import Session

from catalog.wording import _
from configurator.api.body import ExactJSONRoute
from configurator.api.problems import ERRORS
from configurator.deps import DatabaseDep, KeyId, interface_language
from configurator.persistence.db import ApiKey
from configurator.services.asks import asks_of
from configurator.services.demand import demand_report
from configurator.services.refusals import NotPermitted

router = APIRouter(prefix="/api/v1", responses={**ERRORS, 401: {"description": "Missing or invalid X-API-Key"}},
                   route_class=ExactJSONRoute, dependencies=[Depends(interface_language)], tags=["demand"])


class FunnelOut(BaseModel):
    """Configuring sessions at each stage, and the step where those neither saved nor quoted ended."""

    started: int
    completed: int
    saved: int
    quoted: int
    ended: dict[str, int] = Field(description="Step id ('' for none shown) to the sessions that ended there.")


class ChosenOut(BaseModel):
    """A value given to an option, and in how many sessions."""

    option: str
    value: str
    sessions: int


class RuleOut(BaseModel):
    """A rule in the way of values shoppers reached for."""

    rule: str
    attempts: int = Field(description="Values reached for that it ruled out.")
    sessions: int
    repaired: int = Field(description="Sessions that took the change offered to get the value.")
    left: int = Field(description="Sessions that ended with nothing complete, saved or quoted.")
    asked: int = Field(description="Requests for a combination it rules out.")


class DayOut(BaseModel):
    """One day's sessions."""

    day: str
    started: int
    completed: int
    quoted: int


class AskOut(BaseModel):
    """A combination a shopper asked for (without its private link), and the answer given."""

    option: str
    value: str
    rules: list[str]
    note: str | None
    asked_at: str
    answer: str | None = Field(description="'offer' (we will offer this), 'refuse' (not possible), or none yet.")
    reason: str | None


class DemandOut(BaseModel):
    """One product's demand."""

    product_id: str
    funnel: FunnelOut
    values: list[ChosenOut]
    rules: list[RuleOut]
    trend: list[DayOut]
    asks: list[AskOut]


def _admin(database: Database, key: int) -> None:
    with Session(database) as db:
        found = db.get(ApiKey, key)
        if found is None or not found.admin:
            raise NotPermitted(_("Demand is read with an admin key (configurator apikey create NAME --admin)."))


@router.get("/demand/{product_id}", response_model=DemandOut)
def read_demand(database: DatabaseDep, key: KeyId, product_id: str) -> DemandOut:
    """A product's demand from the shop's signals and requests (admin keys only); a product no shopper has
    configured has zeros throughout."""
    _admin(database, key)
    report = demand_report(database, product_id)
    counts = report.funnel.counts
    return DemandOut(
        product_id=product_id,
        funnel=FunnelOut(**counts, ended=report.funnel.ended),
        values=[ChosenOut(option=v.option, value=v.value, sessions=v.sessions) for v in report.values],
        rules=[RuleOut(rule=r.rule, attempts=r.attempts, sessions=r.sessions, repaired=r.repaired, left=r.left,
                       asked=r.asked) for r in report.rules],
        trend=[DayOut(day=d.day.isoformat(), **d.counts) for d in report.trend],
        asks=[AskOut(option=a.option, value=a.value, rules=[r for r in (a.rules or "").split(",") if r],
                     note=a.note, asked_at=a.created_at.isoformat(), answer=a.answer, reason=a.answer_text)
              for a in asks_of(database, product_id)],
    )

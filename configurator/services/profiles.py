"""Customer profiles as the transparent face uses them: what the firm knows of a customer, read from the database,
applied to a selection through the engine, and the order history recommendations are made from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine as Database
from sqlmodel import Session, col, select

from configurator.persistence.db import CustomerProfile, Quote, writing
from configurator.services.order_history import OrderHistories
from configurator.services.refusals import Missing
from rules.engine import Engine
from rules.inference import infer_defaults, unusable
from rules.recommendation import recommend
from rules.selection import Parsed, Selection, plain

# The shop's own pages keep the visitor's profile id in this cookie.
PROFILE_COOKIE = "profile"


def preferences_of(database: Database, profile_id: str | None, key: int | None) -> dict[str, Any]:
    """A profile's preferences ({} without a profile); Missing for one that is not there or is another channel's
    (`key`: the storefront's API key id, None for the shop's own pages)."""
    if profile_id is None:
        return {}
    with Session(database) as db:
        profile = db.get(CustomerProfile, profile_id[:64])
    if profile is None or profile.api_key_id != key:
        raise Missing(f"no profile '{profile_id[:64]}'")
    return dict(profile.data)


def create_profile(database: Database, preferences: Mapping[str, Any], key: int | None) -> CustomerProfile:
    """Store a customer's profile (`key`: the storefront's API key id, None for the shop's own pages)."""
    profile = CustomerProfile(data=dict(preferences), api_key_id=key)
    with writing(database) as db:
        db.add(profile)
        db.commit()
        db.refresh(profile)
    return profile


def orders_of(database: Database, profile_id: str) -> list[str]:
    """The ids of the quotes made with a profile, newest first."""
    query = select(Quote.id).where(Quote.profile_id == profile_id).order_by(col(Quote.created_at).desc())
    with Session(database) as db:
        return list(db.exec(query))


def apply_profile(
    engine: Engine, selections: Selection, preferences: Mapping[str, Any]
) -> tuple[Parsed, dict[str, Any]]:
    """The selection with the open options the profile tells filled in (parsed, once for every later use), and the
    values the profile chose: those it infers (given the shopper's other choices) that the configuration has, filled
    now or taken earlier."""
    given = engine.parse(selections).given
    if not preferences:
        return engine.parse(selections), {}
    inferable = {o.id for o in engine.model.product.options() if o.customization.inferred_from}
    told = infer_defaults(engine, {k: v for k, v in given.items() if k not in inferable}, preferences)
    filled = engine.parse({**given, **{k: plain(v) for k, v in infer_defaults(engine, given, preferences).items()}})
    inferred = {k: plain(v) for k, v in told.items() if k in filled.values and filled.values[k] == v}
    return filled, inferred


def shop_filled(
    database: Database, engine: Engine, selection: Selection, profile_id: str | None
) -> tuple[Parsed, frozenset[str], dict[str, Any]]:
    """For the shop's pages: the selection with what the visitor's profile tells filled in, the options whose
    value the profile chose, and the profile's values the product could not use, by option (a profile that is
    gone is no profile)."""
    preferences = shop_profile(database, profile_id)[1]
    filled, inferred = apply_profile(engine, selection, preferences)
    return filled, frozenset(inferred), unusable(engine, preferences)


def suggest(
    histories: OrderHistories, engine: Engine, selection: Selection, preferences: Mapping[str, Any]
) -> tuple[Parsed, dict[str, Any]]:
    """The selection with what the preferences tell filled in, and recommendations for the options still open
    from the product version's order history."""
    filled, _ = apply_profile(engine, selection, preferences)
    state = engine.valid_domains(filled)
    return filled, recommend(engine.model, filled, state, histories.of(engine.model))


def shop_profile(database: Database, profile_id: str | None) -> tuple[str | None, dict[str, Any]]:
    """The shop visitor's profile id and preferences from their cookie's id; (None, {}) where it is gone."""
    try:
        return profile_id, preferences_of(database, profile_id, None)
    except Missing:
        return None, {}


def shop_profile_row(database: Database, profile_id: str | None) -> CustomerProfile | None:
    """The shop visitor's own profile, if their cookie's id names one made on the shop's pages."""
    if not profile_id:
        return None
    with Session(database) as db:
        profile = db.get(CustomerProfile, profile_id[:64])
    return profile if profile is not None and profile.api_key_id is None else None


def keep_shop_profile(database: Database, profile_id: str | None, answers: Mapping[str, str]) -> str:
    """Update the shop visitor's profile with their answers, or make one; its id."""
    current = shop_profile_row(database, profile_id)
    with writing(database) as db:
        profile = db.get(CustomerProfile, current.id) if current is not None else None
        if profile is None:
            profile = CustomerProfile(data=dict(answers))
        else:
            profile.data = dict(answers)
        db.add(profile)
        db.commit()
        return profile.id

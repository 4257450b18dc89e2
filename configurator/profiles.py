"""Customer profiles as the transparent face uses them: what the firm knows of a customer, read from the database,
applied to a selection through the engine, and the order history recommendations are made from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine as Database
from sqlmodel import Session, col, select

from configurator.db import CustomerProfile, Quote
from configurator.refusals import NotFound
from rules.engine import Engine
from rules.inference import infer_defaults
from rules.recommendation import recommend
from rules.selection import parse_selection, plain

# Stored quotes read per recommendation: the most recent ones.
HISTORY_QUOTES = 1_000
# The shop's own pages keep the visitor's profile id in this cookie.
PROFILE_COOKIE = "profile"


def preferences_of(database: Database, profile_id: str | None, key: int | None) -> dict[str, Any]:
    """A profile's preferences ({} without a profile); NotFound for one that is not there or is another channel's
    (`key`: the storefront's API key id, None for the shop's own pages)."""
    if profile_id is None:
        return {}
    with Session(database) as db:
        profile = db.get(CustomerProfile, profile_id[:64])
    if profile is None or profile.api_key_id != key:
        raise NotFound(f"no profile '{profile_id[:64]}'")
    return dict(profile.data)


def history_of(database: Database, product_id: str) -> list[dict[str, Any]]:
    """The selections of the product's most recent stored quotes, from every channel."""
    query = select(Quote.selections).where(Quote.product_id == product_id)
    with Session(database) as db:
        rows = db.exec(query.order_by(col(Quote.created_at).desc()).limit(HISTORY_QUOTES))
        return [dict(selections) for selections in rows]


def apply_profile(
    engine: Engine, selections: Mapping[str, Any], preferences: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The selection with the open options the profile tells filled in, and the values the profile chose: those
    it infers (given the shopper's other choices) that the configuration has, filled now or taken earlier."""
    if not preferences:
        return dict(selections), {}
    inferable = {o.id for o in engine.model.product.options() if o.customization.inferred_from}
    told = infer_defaults(engine, {k: v for k, v in selections.items() if k not in inferable}, preferences)
    filled = {**selections, **{k: plain(v) for k, v in infer_defaults(engine, selections, preferences).items()}}
    values = parse_selection(engine.model, filled).values
    inferred = {k: plain(v) for k, v in told.items() if k in values and values[k] == v}
    return filled, inferred


def shop_suggestions(
    database: Database, engine: Engine, selection: Mapping[str, Any], profile_id: str | None
) -> tuple[dict[str, Any], frozenset[str], dict[str, Any]]:
    """For the shop's pages: the selection with what the visitor's profile tells filled in, the options whose value
    the profile chose, and recommendations from order history (a profile that is gone is no profile)."""
    filled, inferred, recommended = suggest(database, engine, selection, shop_profile(database, profile_id)[1])
    return filled, frozenset(inferred), recommended


def suggest(
    database: Database, engine: Engine, selection: Mapping[str, Any], preferences: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The selection with what the preferences tell filled in, the values they chose (see `apply_profile`), and
    recommendations for the options still open from the product's order history."""
    filled, inferred = apply_profile(engine, selection, preferences)
    return filled, inferred, recommend(engine, filled, history_of(database, engine.model.product.id))


def shop_profile(database: Database, profile_id: str | None) -> tuple[str | None, dict[str, Any]]:
    """The shop visitor's profile id and preferences from their cookie's id; (None, {}) where it is gone."""
    try:
        return profile_id, preferences_of(database, profile_id, None)
    except NotFound:
        return None, {}

"""Customer profiles and suggestions (the transparent face): defaults inferred from a profile through the engine,
and per open option the value customers who chose alike chose most (from stored quotes)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from catalog.wording import _
from configurator.api.body import ExactJSONRoute
from configurator.api.problems import ERRORS
from configurator.api.schemas import EXAMPLE_SELECTIONS, Selections, Text
from configurator.deps import DatabaseDep, EngineDep, HistoriesDep, KeyId, OptionalKeyId, interface_language
from configurator.services import profiles
from configurator.services.profiles import preferences_of
from configurator.services.refusals import Refused
from rules.selection import misshapen, plain

router = APIRouter(prefix="/api/v1", responses={**ERRORS, 401: {"description": "Missing or invalid X-API-Key"}},
                   route_class=ExactJSONRoute, dependencies=[Depends(interface_language)])

class ProfileRequest(BaseModel):
    """What a customer has told the firm, by profile field (the catalog's `inferred_from` names)."""

    model_config = ConfigDict(extra="ignore")
    preferences: Selections = Field(examples=[{"household_size": 4, "sensitive_skin": True}])


class ProfileOut(BaseModel):
    """A customer profile: stated preferences and past orders (quote ids, newest first)."""

    id: str
    preferences: dict[str, Any]
    orders: list[str]


class SuggestRequest(BaseModel):
    """A selection, and the customer's profile if there is one."""

    model_config = ConfigDict(extra="ignore")
    selections: Selections = Field(default_factory=dict, examples=[EXAMPLE_SELECTIONS])
    profile_id: Text | None = None


class SuggestOut(BaseModel):
    """Defaults inferred from the profile, the selection with them filled in, and recommendations from history."""

    inferred: dict[str, Any] = Field(description="Open options filled from the profile, through the engine.")
    selections: dict[str, Any] = Field(description="The selection with the inferred values filled in.")
    recommended: dict[str, Any] = Field(description="Per open option, what customers who chose alike chose most.")


@router.post("/profiles", status_code=201, response_model=ProfileOut)
def create_profile(database: DatabaseDep, key: KeyId, body: ProfileRequest) -> ProfileOut:
    """Store a customer's profile for this storefront's key."""
    profile = profiles.create_profile(database, body.preferences, key)
    return ProfileOut(id=profile.id, preferences=profile.data, orders=[])


@router.get("/profiles/{profile_id}", response_model=ProfileOut)
def read_profile(database: DatabaseDep, key: KeyId, profile_id: str) -> ProfileOut:
    """A profile with its past orders; only to the key that made it."""
    preferences = preferences_of(database, profile_id, key)
    return ProfileOut(id=profile_id, preferences=preferences, orders=profiles.orders_of(database, profile_id))


@router.post("/products/{product_id}/suggestions", response_model=SuggestOut)
def suggest(
    engine: EngineDep, database: DatabaseDep, histories: HistoriesDep, body: SuggestRequest, key: OptionalKeyId
) -> SuggestOut:
    """Fill the open options the profile tells (never against the rules), and recommend values for the rest
    from what customers who chose alike chose; a profile needs the key that made it."""
    malformed = misshapen(engine.model, body.selections)
    if malformed:
        raise Refused(_("Invalid selection"), malformed)
    preferences = preferences_of(database, body.profile_id, key)
    selection = dict(body.selections)
    filled, recommended = profiles.suggest(histories, engine, selection, preferences)
    inferred = {k: v for k, v in filled.given.items() if k not in selection}
    return SuggestOut(inferred=inferred, selections=dict(filled.given),
                      recommended={name: plain(value) for name, value in recommended.items()})

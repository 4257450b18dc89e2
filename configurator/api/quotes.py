"""Quotes (immutable, behind an API key) and saved configurations (shareable short ids)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from configurator.api.routes import ERRORS, engine_of, loaded_product, price_out, violations_out
from configurator.api.schemas import EXAMPLE_SELECTIONS, Selections
from configurator.db import ApiKey, Quote, SavedConfiguration, find_api_key, quote_expiry
from configurator.errors import NotFound, Unauthorized, Unprocessable
from rules.pricing import price_selection

router = APIRouter(prefix="/api/v1", responses={**ERRORS, 401: {"description": "Missing or invalid X-API-Key"}})


def session(request: Request) -> Iterator[Session]:
    """A database session for one request."""
    with Session(request.app.state.db) as db:
        yield db


DB = Annotated[Session, Depends(session)]


def api_key(db: DB, x_api_key: Annotated[str | None, Header()] = None) -> ApiKey:
    """The caller's API key, or 401."""
    found = find_api_key(db, x_api_key) if x_api_key else None
    if found is None:
        raise Unauthorized("a valid X-API-Key header is required")
    return found


class QuoteRequest(BaseModel):
    """A complete configuration to quote; any price the client sends is ignored."""

    model_config = ConfigDict(extra="ignore")
    product_id: str = Field(examples=["city-bike"])
    selections: Selections = Field(examples=[EXAMPLE_SELECTIONS])
    quantity: int | None = Field(None, ge=1, le=1_000_000)
    price_list: str | None = None


class QuoteOut(BaseModel):
    """A quote exactly as it was given."""

    id: str
    product_id: str
    catalog_version: str
    selections: Selections
    quantity: int
    currency: str
    total: str
    lines: list[dict[str, Any]]
    created_at: str
    expires_at: str


class SaveRequest(BaseModel):
    """A selection to save and share."""

    model_config = ConfigDict(extra="ignore")
    product_id: str
    selections: Selections = Field(default_factory=dict)


class SavedOut(BaseModel):
    """A saved configuration."""

    id: str
    product_id: str
    catalog_version: str
    selections: Selections
    created_at: str


def _quote_out(quote: Quote) -> QuoteOut:
    return QuoteOut(
        id=quote.id,
        product_id=quote.product_id,
        catalog_version=quote.catalog_version,
        selections=quote.selections,
        quantity=quote.quantity,
        currency=quote.currency,
        total=quote.total,
        lines=list(quote.breakdown.get("lines", [])),
        created_at=quote.created_at.isoformat(),
        expires_at=quote.expires_at.isoformat(),
    )


@router.post("/quotes", status_code=201, response_model=QuoteOut)
def create_quote(request: Request, db: DB, key: Annotated[ApiKey, Depends(api_key)], body: QuoteRequest) -> QuoteOut:
    """Price a complete configuration and freeze it as a quote."""
    loaded = loaded_product(request, body.product_id)
    priced = price_selection(engine_of(loaded), body.selections, body.quantity, body.price_list)
    if priced.price is None:
        raise Unprocessable("Cannot quote this selection", violations_out(priced.violations))
    breakdown = price_out(priced.price).model_dump()
    quote = Quote(
        product_id=body.product_id,
        catalog_version=loaded.content_hash,
        selections=body.selections,
        quantity=priced.price.quantity,
        currency=priced.price.currency,
        total=str(priced.price.total),
        breakdown=breakdown,
        api_key_id=key.id,
        expires_at=quote_expiry(),
    )
    db.add(quote)
    db.commit()
    db.refresh(quote)
    return _quote_out(quote)


@router.get("/quotes/{quote_id}", response_model=QuoteOut)
def read_quote(db: DB, key: Annotated[ApiKey, Depends(api_key)], quote_id: str) -> QuoteOut:
    """A quote as it was given, whatever the catalog says today."""
    quote = db.get(Quote, quote_id)
    if quote is None:
        raise NotFound(f"no quote '{quote_id}'")
    return _quote_out(quote)


@router.post("/configurations", status_code=201, response_model=SavedOut)
def save_configuration(request: Request, db: DB, body: SaveRequest) -> SavedOut:
    """Save a (partial) selection under a short id to share or come back to."""
    loaded = loaded_product(request, body.product_id)
    saved = SavedConfiguration(
        product_id=body.product_id, catalog_version=loaded.content_hash, selections=body.selections
    )
    db.add(saved)
    db.commit()
    db.refresh(saved)
    return SavedOut(**saved.model_dump(exclude={"created_at"}), created_at=saved.created_at.isoformat())


@router.get("/configurations/{saved_id}", response_model=SavedOut)
def read_configuration(db: DB, saved_id: str) -> SavedOut:
    """A saved configuration."""
    saved = db.get(SavedConfiguration, saved_id)
    if saved is None:
        raise NotFound(f"no saved configuration '{saved_id}'")
    return SavedOut(**saved.model_dump(exclude={"created_at"}), created_at=saved.created_at.isoformat())

"""Quotes (immutable, behind an API key) and saved configurations (shareable short ids)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy import Engine as Database
from sqlalchemy.exc import IntegrityError

from catalog.loader import Catalog, LoadedProduct
from catalog.schema import MAX_UNITS, Product
from catalog.wording import _, speaking
from configurator.api.body import ExactJSONRoute, loads_exact, parse_body
from configurator.api.problems import ERRORS
from configurator.api.schemas import EXAMPLE_SELECTIONS, Selections, Text
from configurator.api.signed import SignerDep
from configurator.deps import (
    LANGUAGE_QUERY,
    CatalogDep,
    DatabaseDep,
    KeyId,
    OptionalKeyId,
    SecretKeyId,
    answer_language,
    interface_language,
    said_in,
)
from configurator.persistence.db import Quote, SavedConfiguration, SettingsChange
from configurator.services import adjustments, quoting
from configurator.services.adjustments import adjustable, current_selection
from configurator.services.catalogs import engine_of, product_of
from configurator.services.idempotency import HEADER, Attempt, attempt, earlier_answer
from configurator.services.languages import named_market
from configurator.services.making import bom_csv
from configurator.services.profiles import preferences_of
from configurator.services.quoting import make_quote, save_selection, store
from configurator.services.refusals import violations_out
from configurator.services.signing import SignatureRefused, Signer

router = APIRouter(prefix="/api/v1", responses={**ERRORS, 401: {"description": "Missing or invalid X-API-Key"}},
                   route_class=ExactJSONRoute, dependencies=[Depends(interface_language)])


def _created(
    database: Database, row: Quote | SavedConfiguration, out: BaseModel, tried: Attempt | None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Store the row (with its answer, under an Idempotency-Key) and answer 201; a concurrent retry that stored
    first is answered with that first answer instead."""
    try:
        store(database, row, answer=None if tried is None else tried.answer(201, out))
    except IntegrityError:
        first = earlier_answer(database, tried)
        if first is None:
            raise
        return _replayed(first)
    return Response(out.model_dump_json(), status_code=201, media_type="application/json", headers=headers)


def _replayed(first: tuple[int, dict[str, Any]]) -> Response:
    status, body = first
    spoken = {"Content-Language": body["language"]} if isinstance(body.get("language"), str) else {}
    return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true", **spoken})


IDEMPOTENCY = Annotated[
    str | None,
    Header(alias=HEADER, description="Retry-safe: a retry with the same key and body gets the first answer "
           "again (with `Idempotent-Replayed: true`); the same key with another body is a 422."),
]


class QuoteRequest(BaseModel):
    """A complete configuration to quote; any price the client sends is ignored."""

    model_config = ConfigDict(extra="ignore")
    product_id: Text = Field(examples=["city-bike"])
    selections: Selections = Field(examples=[EXAMPLE_SELECTIONS])
    quantity: StrictInt | None = Field(None, ge=1, le=MAX_UNITS)
    price_list: Text | None = None
    market: Text | None = Field(None, description="A market the product names: priced by its price list, and "
                                "recorded with the quote.")
    profile_id: Text | None = Field(None, description="The customer's profile: fills the options it tells.")


class SignedQuoteRequest(BaseModel):
    """A configuration signed by `POST /api/v1/products/{id}/sign` to quote: what was signed is quoted (its
    product, selections, quantity and price list), priced again, and refused if the price is no longer the one
    signed."""

    model_config = ConfigDict(extra="ignore")
    signed: str = Field(min_length=1, max_length=8_000, description="The token the sign endpoint gave.")
    profile_id: Text | None = Field(None, description="The customer's profile: fills the options it tells.")


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
    variant: str | None = Field(None, description="The variant quoted (None for quotes made before variants).")
    profile_id: str | None = None
    inferred: dict[str, Any] | None = Field(None, description="The values quoted that the profile chose.")
    settings_id: str | None = Field(
        None, description="The order's settings card, a saved configuration: /api/v1/configurations/{id}/settings."
    )
    language: str | None = Field(None, description="The language of the quote's words (None for quotes made "
                                 "before languages); it is always shown in it.")
    market: dict[str, str] | None = Field(None, description="The market it was quoted in (id and label), if any.")


class SaveRequest(BaseModel):
    """A selection to save and share."""

    model_config = ConfigDict(extra="ignore")
    product_id: Text
    selections: Selections = Field(default_factory=dict)


class SavedOut(BaseModel):
    """A saved configuration."""

    id: str
    product_id: str
    catalog_version: str
    selections: Selections
    created_at: str
    current: bool | None = Field(None, description="Whether it was saved with the catalog version on sale now.")
    no_longer_fits: list[dict[str, Any]] = Field(
        [], description="What in it the current catalog refuses (it is never altered to fit)."
    )


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
        variant=quote.variant,
        profile_id=quote.profile_id,
        inferred=quote.inferred,
        settings_id=quote.settings_id,
        language=quote.breakdown.get("language"),
        market=quote.breakdown.get("market"),
    )


async def quote_body(request: Request) -> SignedQuoteRequest | QuoteRequest:
    """The body of `POST /quotes`: a signed configuration where it has `signed`, else a configuration (whose
    errors are reported as ever, field by field)."""
    raw = await request.body()
    try:
        found = loads_exact(raw) if b'"signed"' in raw else None
    except (ValueError, RecursionError):
        found = None  # not JSON: parsed below, and refused as such
    signed = isinstance(found, dict) and "signed" in found
    return parse_body(SignedQuoteRequest, raw) if signed else parse_body(QuoteRequest, raw)


_QUOTE_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
    QuoteRequest.model_json_schema(ref_template="#/components/schemas/{model}"),
    SignedQuoteRequest.model_json_schema(ref_template="#/components/schemas/{model}"),
]}}}}}


@router.post("/quotes", status_code=201, response_model=QuoteOut, openapi_extra=_QUOTE_BODY)
def create_quote(
    request: Request,
    database: DatabaseDep,
    catalog: CatalogDep,
    key: KeyId,
    signer: SignerDep,
    given: Annotated[SignedQuoteRequest | QuoteRequest, Depends(quote_body)],
    idempotency_key: IDEMPOTENCY = None,
    lang: Annotated[str | None, LANGUAGE_QUERY] = None,
) -> Response:
    """Price a complete configuration (or one signed by the sign endpoint) and freeze it as a quote, in the
    language asked for (its lines' words; the quote is shown in it ever after)."""
    tried = attempt(key, "quotes", idempotency_key, given)
    first = earlier_answer(database, tried)
    if first is not None:
        return _replayed(first)
    body, signed_total = unsigned(signer, given) if isinstance(given, SignedQuoteRequest) else (given, None)
    loaded = product_of(catalog, body.product_id)
    chosen = answer_language(request, loaded.languages(), lang)
    with speaking(chosen):
        preferences = preferences_of(database, body.profile_id, key)
        market, price_list = named_market(loaded.product, body.market, body.price_list)
        quote = make_quote(loaded, body.selections, key, body.quantity, price_list, (body.profile_id, preferences),
                           market)
        if signed_total is not None and (quote.total, quote.currency) != signed_total:
            raise SignatureRefused(_("The price signed is no longer the price: sign the configuration again."))
    return _created(database, quote, _quote_out(quote), tried, said_in(chosen))


def unsigned(signer: Signer, given: SignedQuoteRequest) -> tuple[QuoteRequest, tuple[str, str]]:
    """The quote request a verified token stands for, and the total and currency it was signed with."""
    claims = signer.verify(given.signed)
    try:
        body = QuoteRequest(product_id=claims["product"], selections=claims["selections"],
                            quantity=claims.get("quantity"), price_list=claims.get("price_list"),
                            profile_id=given.profile_id)
        return body, (str(claims["total"]), str(claims["currency"]))
    except (KeyError, ValueError, TypeError):
        raise SignatureRefused(_("The signed configuration is not one this server signed, or was altered.")) \
            from None


@router.get("/quotes/{quote_id}", response_model=QuoteOut)
def read_quote(database: DatabaseDep, key: SecretKeyId, quote_id: str, response: Response) -> QuoteOut:
    """A quote as it was given, in the language it was given in, whatever the catalog says today; only to the key
    that made it."""
    out = _quote_out(quoting.read_quote(database, quote_id, key))
    if out.language:
        response.headers["Content-Language"] = out.language
    return out


class BomLineOut(BaseModel):
    """A part in a quantity per unit, or (kind "assembly") a sub-assembly whose parts follow at the next level."""

    level: int = Field(description="1: the product's own; 2: a part of a sub-assembly (a component's instance).")
    assembly: str = Field(description="The sub-assembly it goes into ('Section 2'), or '' for the product itself.")
    part: str
    description: str
    unit: str
    quantity: str = Field(examples=["3.5"])
    kind: str | None
    unit_cost: str | None
    cost: str | None


class OperationOut(BaseModel):
    """An operation of the routing, per unit."""

    level: int
    assembly: str
    operation: str
    description: str
    work_centre: str
    minutes: str
    cost: str | None


class BomOut(BaseModel):
    """The bill of materials and routing of a quoted configuration, per unit, with the cost roll-up and margin."""

    product: str
    currency: str
    units: int = Field(description="How many units the quote is for (quantities and costs below are per unit).")
    lines: list[BomLineOut]
    operations: list[OperationOut]
    material_cost: str
    labour_cost: str
    cost: str = Field(description="Material and labour for one unit.")
    order_cost: str = Field(description="The cost of every unit quoted.")
    costed: bool = Field(description="Every part and operation has a cost: the roll-up is the whole cost.")
    net: str | None = Field(description="The quote's net price (all units).")
    margin: str | None = Field(description="Net price less the order's cost, where both are known in one currency.")
    problems: list[str]


BOM_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                                                        "description": "The bill as JSON, or as CSV (format=csv)."}}


@router.get("/quotes/{quote_id}/bom", response_model=BomOut, responses=BOM_RESPONSES)
def quote_bom(database: DatabaseDep, catalog: CatalogDep, key: SecretKeyId, quote_id: str,
              output: Annotated[Literal["json", "csv"], Query(alias="format")] = "json") -> Response:
    """The bill of materials and routing of a quote, as the catalog said them when it was quoted: JSON, or CSV
    for a spreadsheet or an ERP import (`format=csv`); only to the key that made the quote."""
    record = quoting.quote_bom(database, catalog, quote_id, key)
    if output == "csv":
        disposition = f'attachment; filename="bom-{quote_id}.csv"'
        return Response(bom_csv(record), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": disposition})
    return JSONResponse(BomOut.model_validate(record).model_dump())


@router.post("/configurations", status_code=201, response_model=SavedOut)
def save_configuration(
    database: DatabaseDep, catalog: CatalogDep, key: KeyId, body: SaveRequest, idempotency_key: IDEMPOTENCY = None
) -> Response:
    """Save a (partial) selection under a short id to come back to, for this key alone; its values must fit the
    product."""
    tried = attempt(key, "configurations", idempotency_key, body)
    first = earlier_answer(database, tried)
    if first is not None:
        return _replayed(first)
    saved = save_selection(product_of(catalog, body.product_id), body.selections)
    saved.api_key_id = key
    return _created(database, saved, saved_out(catalog, saved), tried)


@router.get("/configurations/{saved_id}", response_model=SavedOut)
def read_configuration(
    database: DatabaseDep, catalog: CatalogDep, key: OptionalKeyId, saved_id: str
) -> SavedOut:
    """A saved configuration as saved, and whether today's catalog still takes it (what it refuses, if not): one
    made through the API only to the key that made it; one shared from the shop to anyone with its id."""
    saved, _ = adjustments.load(database, saved_id, key)
    return saved_out(catalog, saved)


def saved_out(catalog: Catalog, saved: SavedConfiguration) -> SavedOut:
    """A saved configuration as saved, with whether today's catalog takes it."""
    out = SavedOut(**saved.model_dump(exclude={"created_at"}), created_at=saved.created_at.isoformat())
    loaded = catalog.products.get(saved.product_id)
    if loaded is None:
        gone = {"rule": None, "option": None, "message": "the product is no longer on sale"}
        return out.model_copy(update={"current": False, "no_longer_fits": [gone]})
    return out.model_copy(update={"current": loaded.version == saved.catalog_version,
                                  "no_longer_fits": no_longer_fits(loaded, saved.selections)})


def no_longer_fits(loaded: LoadedProduct, selections: dict[str, Any]) -> list[dict[str, Any]]:
    """What of a saved selection the product as loaded now refuses: unknown options and values, broken rules."""
    return violations_out(engine_of(loaded).validate(selections).violations)


class SettingsRequest(BaseModel):
    """New values for settings adjusted in use."""

    model_config = ConfigDict(extra="ignore")
    settings: Selections = Field(examples=[{"scene_evening": "candle", "brightness": 40}])


class SettingsChangeOut(BaseModel):
    """One change to a setting: who made it, when, the value before and after."""

    option: str
    old: Any
    new: Any
    who: str
    at: str


class SettingsOut(BaseModel):
    """A saved configuration's settings adjusted in use: their values now, and every change made to them."""

    configuration: str
    product_id: str
    settings: dict[str, Any]
    history: list[SettingsChangeOut]


def settings_out(saved: SavedConfiguration, history: list[SettingsChange], product: Product) -> SettingsOut:
    """The settings card as API data."""
    current = current_selection(saved, history)
    names = [option.id for option in adjustable(product)]
    return SettingsOut(
        configuration=saved.id,
        product_id=saved.product_id,
        settings={name: current[name] for name in names if name in current},
        history=[
            SettingsChangeOut(option=c.option, old=c.old, new=c.new, who=c.who, at=c.at.isoformat()) for c in history
        ],
    )


@router.get("/configurations/{saved_id}/settings", response_model=SettingsOut)
def read_settings(database: DatabaseDep, catalog: CatalogDep, key: OptionalKeyId, saved_id: str) -> SettingsOut:
    """The settings adjusted in use of a saved configuration, and their history (who, when, old and new); one made
    through the API only to the key that made it."""
    saved, history = adjustments.load(database, saved_id, key)
    return settings_out(saved, history, product_of(catalog, saved.product_id).product)


@router.post("/configurations/{saved_id}/settings", response_model=SettingsOut)
def change_settings(
    database: DatabaseDep, catalog: CatalogDep, key: KeyId, saved_id: str, body: SettingsRequest
) -> SettingsOut:
    """Change settings adjusted in use, within the rules, for the customer (each change is kept): only with the
    key that made the configuration or its order."""
    saved, _ = adjustments.load(database, saved_id, key)
    loaded = product_of(catalog, saved.product_id)
    who = f"api key {key}"
    history = adjustments.adjust(database, engine_of(loaded), saved.id, body.settings, who, key)
    return settings_out(saved, history, loaded.product)

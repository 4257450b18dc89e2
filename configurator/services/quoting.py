"""Quoting and saving configurations: the rows a quote or a saved configuration becomes, checked before anything is
stored, and their storing (a domain service: plain inputs, domain errors, no HTTP)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine as Database
from sqlmodel import Session

from catalog.instances import shown_options
from catalog.kinds import traits, value_label
from catalog.loader import Catalog, LoadedProduct
from catalog.schema import Market
from catalog.wording import _, asked_language
from configurator.persistence.db import IdempotentAnswer, Quote, SavedConfiguration, quote_expiry, short_id, writing
from configurator.services.adjustments import adjustable
from configurator.services.catalogs import engine_of
from configurator.services.making import bom_record, has_making
from configurator.services.prices import price_out
from configurator.services.profiles import apply_profile
from configurator.services.refusals import Missing, Refused
from configurator.services.webhooks import EventName, emit
from rules.bom import bill_of_materials
from rules.cost import cost_for
from rules.engine import Engine
from rules.pricing import price_selection
from rules.selection import Selection, parse_selection

_log = logging.getLogger(__name__)


def store(
    database: Database,
    row: Quote | SavedConfiguration,
    edit_hash: str | None = None,
    answer: IdempotentAnswer | None = None,
) -> None:
    """Insert one row in its own write transaction, once everything about it has been checked; a quote with
    settings adjusted in use comes with its settings card (a saved configuration, owned by the quote's key), and a
    request under an Idempotency-Key with its `answer`, in the same transaction (IntegrityError, and nothing
    stored, where that key has one). `edit_hash`, for a card made in the shop (the saved row itself, or the
    quote's card): the hash of the secret its customer changes the settings with."""
    if isinstance(row, SavedConfiguration) and edit_hash is not None:
        row.edit_hash = edit_hash
    with writing(database) as db:
        if isinstance(row, Quote) and row.settings_id is not None:
            db.add(SavedConfiguration(id=row.settings_id, product_id=row.product_id,
                                      catalog_version=row.catalog_version, selections=row.selections,
                                      api_key_id=row.api_key_id, edit_hash=edit_hash))
        db.add(row)
        if answer is not None:
            db.add(answer)
        db.commit()
        db.refresh(row)
    announce(database, row)


def announce(database: Database, row: Quote | SavedConfiguration) -> None:
    """Queue the webhooks' event for a row just stored (a failure to queue is logged: the row stays stored)."""
    data: dict[str, object] = {"id": row.id, "product_id": row.product_id, "catalog_version": row.catalog_version,
                               "selections": row.selections}
    if isinstance(row, Quote):
        data |= {"total": row.total, "currency": row.currency, "quantity": row.quantity, "variant": row.variant}
    event: EventName = "quote.created" if isinstance(row, Quote) else "configuration.saved"
    try:
        emit(database, event, data, row.api_key_id, row.id)
    except Exception:  # the database refused the queue's rows just after taking the row: say so, lose no row
        _log.exception("webhook event %s for %s could not be queued", event, row.id)


def make_quote(
    loaded: LoadedProduct,
    selections: dict[str, Any],
    key: int | None,
    quantity: int | None = None,
    price_list: str | None = None,
    profile: tuple[str | None, dict[str, Any]] = (None, {}),
    market: Market | None = None,
) -> Quote:
    """A quote row for a complete configuration (not stored yet); Refused, naming why, for anything else.

    `key` is the storefront's API key, or None for the shop's own pages. `profile` (its id and preferences) fills
    the options it tells that the selection leaves open, and the quote records which values it chose; `market`,
    where the shopper buys, is recorded with it (its price list prices it).
    """
    engine = engine_of(loaded)
    profile_id, preferences = profile
    filled, inferred = apply_profile(engine, selections, preferences)
    priced = price_selection(engine, filled, quantity, price_list)
    if priced.price is None:
        raise Refused(_("Cannot quote this selection"), priced.violations)
    making = {} if not has_making(engine) else {"bom": bom_record(
        bill_of_materials(engine.model.product, parse_selection(engine.model, filled).values),
        priced.price.quantity, priced.price.net, priced.price.currency)}
    return Quote(
        product_id=loaded.product.id,
        catalog_version=loaded.content_hash,
        selections=dict(filled.given),
        quantity=priced.price.quantity,
        currency=priced.price.currency,
        total=str(priced.price.total),
        breakdown=price_out(priced.price, variant=priced.variant).model_dump()
        | quoted_words(engine, filled, priced.price.price_list)
        | ({} if market is None else {"market": {"id": market.id, "label": market.label}})
        | making,  # what the factory needs, as the catalog said it when the quote was made
        variant=priced.variant,
        profile_id=profile_id,
        inferred=inferred or None,
        settings_id=short_id() if adjustable(loaded.product) else None,
        api_key_id=key,
        expires_at=quote_expiry(),
    )


def quoted_words(engine: Engine, selection: Selection, price_list: str | None = None) -> dict[str, Any]:
    """The quote's product and choices as the customer read them when it was made (kept with the quote: a later
    catalog edit changes neither): every option with a value, in the product's order, with what it added."""
    product = engine.model.product
    values = parse_selection(engine.model, selection).values
    added = {(p.option, p.value): p.amount for p in cost.values} if (cost := cost_for(engine.model, price_list)) else {}
    choices = []
    shown = shown_options(product, values)  # an absent instance's implied values are no choice of the customer
    for step in product.steps:
        for option in step.options:
            if option.id not in values or option.id not in shown or traits(option).order_quantity:
                continue
            value = values[option.id]
            keys = [(option.id, v) for v in sorted(value)] if isinstance(value, frozenset) else [(option.id, value)]
            amount = sum((added.get(key, Decimal(0)) for key in keys), Decimal(0))
            choices.append({"step": step.label, "option": option.id, "label": option.label or option.id,
                            "words": value_label(option, value), "amount": str(amount) if amount else ""})
    return {"product": {"name": product.name, "description": product.description}, "choices": choices,
            "language": asked_language() or product.language}  # the quote is shown in it ever after


def save_selection(loaded: LoadedProduct, selections: dict[str, Any]) -> SavedConfiguration:
    """A saved-configuration row whose values fit the product (not stored yet); Refused otherwise."""
    parsed = parse_selection(engine_of(loaded).model, selections)
    if parsed.violations:
        raise Refused(_("Cannot save this selection"), parsed.violations)
    # Kept as the options it names (a component's instances each by their own): settings changes apply to those.
    return SavedConfiguration(product_id=loaded.product.id, catalog_version=loaded.content_hash,
                              selections=dict(parsed.given))


def read_quote(database: Database, quote_id: str, key: int | None) -> Quote:
    """A stored quote, only to the key that made it (another key's quote is as unknown as a missing one); `key`
    None: a quote made on the shop's own pages."""
    with Session(database) as db:
        quote = db.get(Quote, quote_id)
    if quote is None or quote.api_key_id != key:
        raise Missing(f"no quote '{quote_id}'")
    return quote


def quote_bom(database: Database, catalog: Catalog, quote_id: str, key: int | None) -> dict[str, Any]:
    """A quote's bill of materials as it was recorded with it (for a quote made before bills were recorded: made
    now, where the catalog still has the version it was quoted from); Missing where there is none."""
    return bill_of(read_quote(database, quote_id, key), catalog)


def bill_of(quote: Quote, catalog: Catalog) -> dict[str, Any]:
    """The bill of materials of a quote read already (see quote_bom)."""
    quote_id = quote.id
    recorded = quote.breakdown.get("bom")
    if isinstance(recorded, dict):
        return recorded
    loaded = catalog.products.get(quote.product_id)
    if loaded is None or loaded.version != quote.catalog_version or not has_making(engine_of(loaded)):
        raise Missing(f"quote '{quote_id}' has no bill of materials: its product lists no parts or operations, or "
                      "the catalog changed since it was quoted")
    engine = engine_of(loaded)
    bom = bill_of_materials(engine.model.product, parse_selection(engine.model, quote.selections).values)
    return bom_record(bom, quote.quantity, Decimal(quote.breakdown.get("net", quote.total)), quote.currency)

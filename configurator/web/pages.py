"""The shop's catalog index, four-faces page and product configurator pages (Jinja2 + htmx, no session state),
and saving or quoting from them."""

from __future__ import annotations

import dataclasses
import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from catalog.loader import LoadedProduct
from catalog.wording import _, current_language
from configurator.deps import CatalogDep, ProductDep, Shop, ShopDep
from configurator.persistence.db import Quote, SavedConfiguration
from configurator.services import adjustments
from configurator.services.catalogs import engine_of
from configurator.services.profiles import shop_filled, shop_profile
from configurator.services.quoting import make_quote, save_selection, store
from configurator.services.refusals import Refused
from configurator.services.signals import (
    SESSION_ID,
    Event,
    SignalKind,
    new_session,
    rules_in_the_way,
    step_events,
)
from configurator.views.form import (
    HISTORY_FIELD,
    SESSION_FIELD,
    answers_from_fields,
    blank_quantities,
    decode_history,
    shop_selection,
)
from configurator.views.matrix import face_name, faces_view
from configurator.views.money import money
from configurator.views.product import Hints, ProductView, RepairView, product_view
from configurator.views.stepper import stepper_of
from configurator.web import csrf
from configurator.web.render import MAX_FORM_FIELDS, form_text, parse_query, render
from configurator.web.saved import keep_secret
from configurator.web.steps import step_of
from rules.classify import classify
from rules.engine import Engine
from rules.pricing import from_price
from rules.selection import Violation

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class CatalogEntry:
    """One product on the index: its link, picture or swatch, from-price and face."""

    id: str
    name: str
    description: str
    image: str | None
    swatch: str | None
    from_price: str
    face: str
    face_reason: str


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, catalog: CatalogDep) -> Response:
    """The catalog: every product with its exact from-price and its face of mass customization."""
    language = current_language()
    products = list(catalog.products.values())
    entries = await run_in_threadpool(lambda: [_entry(engine_of(loaded), language) for loaded in products])
    token = csrf.csrf_token(request)
    response = render(request, "pages/index.html", ["products"], {"products": entries})
    csrf.remember(request, response, token)
    return response


@router.get("/faces", response_class=HTMLResponse)
async def faces_page(request: Request, catalog: CatalogDep) -> Response:
    """The four faces of mass customization as a 2x2 matrix, every product placed with the options behind it."""
    cells = faces_view(loaded.in_language(current_language()) for loaded in catalog.products.values())
    return render(request, "pages/faces.html", [], {"cells": cells})


@functools.lru_cache(maxsize=256)
def _entry(engine: Engine, language: str) -> CatalogEntry:
    """A product's index entry in a language (the words are the engine's, the wording the language's): its
    from-price is the cheapest search, so once per compiled product and language."""
    product = engine.model.product
    priced = from_price(engine, {})
    face = classify(product)
    swatch = next((v.swatch for o in product.options() for v in getattr(o, "values", []) if v.swatch), None)
    shown = money(priced.price.total, priced.price.currency, language) if priced.price is not None else _(
        "not available")
    return CatalogEntry(product.id, product.name, product.description, product.image, swatch, shown,
                        face_name(face.face), face.reason)


@router.get("/products/{product_id}", response_class=HTMLResponse)
async def product_page(request: Request, loaded: ProductDep, shop: ShopDep) -> Response:
    """The configurator for the selection in the query string (every state has a URL)."""
    fields = request.query_params.multi_items()[:MAX_FORM_FIELDS]
    selection = shop_selection(loaded.product, fields)
    history = decode_history(request.query_params.get(HISTORY_FIELD))
    token = csrf.csrf_token(request)
    answers = answers_from_fields(fields)
    view = await run_in_threadpool(_page, shop, engine_of(loaded), selection, history, token, answers=answers)
    # A configuring session begins with the first thing the shopper does (so the same page is the same markup);
    # a page the form redirected to without JavaScript carries it on.
    carried = request.query_params.get(SESSION_FIELD) or ""
    view = dataclasses.replace(view, session=carried if SESSION_ID.fullmatch(carried) else "")
    stepper = stepper_of(view, request.query_params.get("step", ""))
    response = render(request, "pages/product.html", ["configurator"], {"view": view, "stepper": stepper})
    csrf.remember(request, response, token)
    return response


@router.post("/products/{product_id}", response_class=HTMLResponse)
async def product_post(request: Request, loaded: ProductDep, shop: ShopDep) -> Response:
    """One step: a change, undo, complete, cheapest, or a value chosen anyway (which offers its repair)."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, form_text(form, csrf.FIELD))
    engine = engine_of(loaded)
    step = await run_in_threadpool(step_of, engine, form, shop.price_list)
    session = _session(shop, loaded, form)
    if step.repair is None and step.focus is None and request.headers.get("HX-Request") != "true":
        done = shop.signals is not None and (await run_in_threadpool(engine.check, step.selection)).complete
        await run_in_threadpool(_signal, shop, loaded, form, step.selection, session, step.current, done)
        joiner = "&" if "?" in step.permalink and not step.permalink.endswith("?") else ""
        return RedirectResponse(f"{step.permalink}{joiner}{SESSION_FIELD}={session}", status_code=303)
    token = form_text(form, csrf.FIELD) or ""
    view = await run_in_threadpool(
        _page, shop, engine, step.selection, step.history, token, step.repair, step.messages, step.focus,
        step.answers,
    )
    view = dataclasses.replace(view, session=session)
    await run_in_threadpool(_signal, shop, loaded, form, step.selection, session, step.current, view.complete)
    stepper = stepper_of(view, step.current)
    shown = form_text(form, "shown")
    # Each answer is told apart (the page's script puts its boxes in step with answers, never with refusals).
    context = {"view": view, "land": step.land, "stepper": stepper, "answer": secrets.token_hex(6)}
    if shown and not step.moved:  # the page says what it shows: only what changed goes back, out of band
        response = render(request, "pages/product.html", ["update"], {**context, "changed": view.changed(shown)})
    else:
        response = render(request, "pages/product.html", ["configurator"], context)
    if step.repair is None:
        response.headers["HX-Push-Url"] = step.permalink
    return response


def _session(shop: Shop, loaded: LoadedProduct, form: FormData) -> str:
    """The form's configuring session, or a new one begun now (its first signal: started)."""
    session = form_text(form, SESSION_FIELD) or ""
    if not SESSION_ID.fullmatch(session):  # none yet (or not one of ours: never stored as it came)
        session = new_session()
        if shop.signals is not None:
            shop.signals.record(Event(loaded.product.id, loaded.version, session, "started"))
    return session


def _signal(shop: Shop, loaded: LoadedProduct, form: FormData, after: dict[str, Any], session: str, step: str,
            complete: bool) -> None:
    """Record what the post did (the recorder writes in batches, off the request path); a value reached for
    anyway is recorded with the rules in its way."""
    if shop.signals is None:
        return
    before = shop_selection(loaded.product, parse_query(form_text(form, "was") or ""))
    action = form_text(form, "do") or "update"
    rules: tuple[str, ...] = ()
    if action.startswith("try:"):
        option_id, _sep, value = action.removeprefix("try:").partition("=")
        rules = rules_in_the_way(engine_of(loaded), before, option_id, value)
    shop.signals.record_all(step_events(loaded.product, loaded.version, session, action, before, after, complete,
                                        step, rules))


def _page(
    shop: Shop,
    engine: Engine,
    selection: dict[str, Any],
    history: list[str],
    token: str,
    repair: RepairView | None = None,
    messages: tuple[str, ...] = (),
    focus: tuple[str, str] | None = None,
    answers: dict[str, str] | None = None,
) -> ProductView:
    """The product page, with what the visitor's profile tells filled in and the order history's suggestions."""
    filled, inferred, unused = shop_filled(shop.database, engine, selection, shop.profile_id)
    hints = Hints(inferred, shop.histories.of(engine.model), {k: str(v) for k, v in unused.items()}, shop.suggest_from)
    return product_view(engine, filled, history, token, repair, messages, focus, hints, answers, shop.price_list)


@router.post("/products/{product_id}/save", response_class=HTMLResponse)
async def save_page(request: Request, loaded: ProductDep, shop: ShopDep) -> Response:
    """Save the selection under a short id and go to its short link."""
    return await _record(request, loaded, shop, save_selection, "/c/")


@router.post("/products/{product_id}/quote", response_class=HTMLResponse)
async def quote_page_post(request: Request, loaded: ProductDep, shop: ShopDep) -> Response:
    """Quote a complete configuration for the shop's own channel (no API key in the browser) and show it."""

    def quote(loaded: LoadedProduct, selection: dict[str, Any]) -> Quote:
        empty = blank_quantities(loaded.product, selection)
        blank = [o for o in loaded.product.options() if o.id in empty]
        if blank:  # the engine would price one unit; the shopper has not said how many
            raise Refused(_("Cannot quote this selection"), [
                Violation(_("%(option)s: how many? A quote needs the quantity.") % {"option": o.label or o.id},
                          option=o.id) for o in blank])
        return make_quote(loaded, selection, None, price_list=shop.price_list,
                          profile=shop_profile(shop.database, shop.profile_id), market=shop.market)

    return await _record(request, loaded, shop, quote, "/quotes/")


async def _record(
    request: Request,
    loaded: LoadedProduct,
    shop: Shop,
    make: Callable[[LoadedProduct, dict[str, Any]], Quote | SavedConfiguration],
    link: str,
) -> Response:
    """Check the form, make the row (refused: the page again, saying why, nothing stored), store it, go to it."""
    selection, form = await _posted(request, loaded)
    try:
        row = await run_in_threadpool(make, loaded, selection)
    except Refused as exc:
        return await _refused(request, loaded, shop, selection, form, exc)
    # The customer's settings card (a saved configuration with settings adjusted in use, or a quote's card) is
    # theirs to change: a secret kept in a cookie of this browser, its hash stored; the short link only reads.
    card = row.id if isinstance(row, SavedConfiguration) else row.settings_id
    if not adjustments.adjustable(loaded.product):
        card = None  # nothing to change after purchase: no secret
    secret, edit_hash = adjustments.new_edit_secret()
    await run_in_threadpool(store, shop.database, row, None if card is None else edit_hash)
    session = _session(shop, loaded, form)
    if shop.signals is not None:
        kind: SignalKind = "saved" if isinstance(row, SavedConfiguration) else "quoted"
        shop.signals.record(Event(loaded.product.id, loaded.version, session, kind))
    response = RedirectResponse(f"{link}{row.id}", status_code=303)
    if card is not None:
        keep_secret(request, response, card, secret)
    return response


async def _posted(request: Request, loaded: LoadedProduct) -> tuple[dict[str, Any], FormData]:
    """The selection in the form's `state` field, and the form; CSRF checked first."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, form_text(form, csrf.FIELD))
    return shop_selection(loaded.product, parse_query(form_text(form, "state") or "")), form


async def _refused(
    request: Request, loaded: LoadedProduct, shop: Shop, selection: dict[str, Any], form: FormData, exc: Refused
) -> Response:
    """The product page again, saying why (nothing was stored)."""
    reasons = tuple(v.message for v in exc.violations) or (exc.title,)
    token = form_text(form, csrf.FIELD) or ""
    view = await run_in_threadpool(
        product_view, engine_of(loaded), selection, [], token, None, (exc.title, *reasons), price_list=shop.price_list
    )
    context = {"view": view, "stepper": stepper_of(view, form_text(form, "step") or "")}
    return render(request, "pages/product.html", [], context, status=422)

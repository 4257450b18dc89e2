"""Saved configurations and quotes in the shop: the short link, the settings card adjusted in use (its secret
kept in a cookie and a private link) and the quote page."""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from catalog.loader import LoadedProduct
from catalog.schema import Market
from catalog.wording import _, speaking
from configurator.deps import CatalogDep, DatabaseDep, shop_language_of
from configurator.persistence.db import SavedConfiguration, SettingsChange
from configurator.services import adjustments
from configurator.services.catalogs import engine_of, product_of
from configurator.services.quoting import read_quote
from configurator.services.refusals import NotPermitted, Refused
from configurator.views.form import (
    fields_of,
    selection_from_fields,
)
from configurator.views.product import product_view
from configurator.views.quote import quote_view
from configurator.views.quote_pdf import quote_pdf
from configurator.views.settings_card import settings_card
from configurator.views.stepper import stepper_of
from configurator.web import csrf
from configurator.web.render import MAX_FORM_FIELDS, form_text, render

router = APIRouter(include_in_schema=False)


EDIT_COOKIE_SECONDS = 400 * 24 * 3600  # the most browsers keep a cookie


def secret_link(saved_id: str, secret: str) -> str:
    """The customer's private link for changing a card's settings (from another device)."""
    return f"/c/{saved_id}/settings?key={secret}"


def edit_cookie(saved_id: str) -> str:
    return f"edit_{saved_id}"


def keep_secret(request: Request, response: Response, saved_id: str, secret: str) -> None:
    """Keep the customer's secret for changing a card's settings in this browser, for that card's pages only."""
    response.set_cookie(edit_cookie(saved_id), secret, max_age=EDIT_COOKIE_SECONDS, path=f"/c/{saved_id}",
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")


@router.get("/c/{saved_id}", response_class=HTMLResponse)
async def saved_link(request: Request, database: DatabaseDep, catalog: CatalogDep, saved_id: str) -> Response:
    """A saved configuration's short link: the product page of its selection (its settings as adjusted since)."""
    saved, history = await run_in_threadpool(adjustments.load, database, saved_id)
    loaded = product_of(catalog, saved.product_id)
    with speaking(shop_language_of(request, loaded)):  # the product's languages and markets, now it is known
        return await _saved_page(request, loaded, saved, history)


async def _saved_page(
    request: Request, loaded: LoadedProduct, saved: SavedConfiguration, history: list[SettingsChange]
) -> Response:
    token = csrf.csrf_token(request)
    current = adjustments.current_selection(saved, history)
    selection = selection_from_fields(loaded.product, fields_of(current))
    note: tuple[str, ...] = (
        _("Saved: share this configuration with its short link, %(link)s") % {"link": f"/c/{saved.id}"},)
    if saved.catalog_version != loaded.version:
        note += (_("It was saved with an earlier version of the catalog: anything that no longer fits is shown as "
                   "it was saved, with what is wrong."),)
    market: Market | None = request.state.market
    view = await run_in_threadpool(product_view, engine_of(loaded), selection, [], token, None, note,
                                   price_list=None if market is None else market.price_list)
    if adjustments.adjustable(loaded.product):
        view = dataclasses.replace(view, settings=f"/c/{saved.id}/settings")
    response = render(request, "pages/product.html", ["configurator"], {"view": view, "stepper": stepper_of(view, "")})
    csrf.remember(request, response, token)
    return response


@router.get("/c/{saved_id}/settings", response_class=HTMLResponse)
async def settings_page(
    request: Request, database: DatabaseDep, catalog: CatalogDep, saved_id: str, key: str | None = None
) -> Response:
    """The settings card: the settings adjusted in use and their history; the customer who saved it (their secret
    in a cookie, or once in `key` from their secret link) changes them here, anyone else with the link reads."""
    saved, history = await run_in_threadpool(adjustments.load, database, saved_id)
    if key is not None:  # the secret link: kept as this browser's cookie, then out of the address bar
        response: Response = RedirectResponse(f"/c/{saved.id}/settings", status_code=303)
        if adjustments.may_edit(saved, key):
            keep_secret(request, response, saved.id, key)
        return response
    loaded = product_of(catalog, saved.product_id)
    token = csrf.csrf_token(request)
    secret = request.cookies.get(edit_cookie(saved.id))
    link = secret_link(saved.id, secret) if secret and adjustments.may_edit(saved, secret) else None
    card = await run_in_threadpool(settings_card, engine_of(loaded), saved, history, token, (), link)
    response = render(request, "pages/settings.html", [], {"card": card})
    csrf.remember(request, response, token)
    return response


@router.post("/c/{saved_id}/settings", response_class=HTMLResponse)
async def settings_post(request: Request, database: DatabaseDep, catalog: CatalogDep, saved_id: str) -> Response:
    """Change settings adjusted in use (post/redirect/get); refused: the card again, saying why, nothing stored."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, form_text(form, csrf.FIELD))
    saved, history = await run_in_threadpool(adjustments.load, database, saved_id)
    secret = request.cookies.get(edit_cookie(saved.id))
    if not adjustments.may_edit(saved, secret):
        raise NotPermitted("only the customer who saved this configuration can change its settings, with their link")
    loaded = product_of(catalog, saved.product_id)
    engine = engine_of(loaded)
    names = {option.id for option in adjustments.adjustable(loaded.product)}
    fields = [(k, v) for k, v in form.multi_items() if k in names and isinstance(v, str)]
    requested = selection_from_fields(loaded.product, fields)
    try:
        await run_in_threadpool(adjustments.adjust, database, engine, saved.id, requested, "customer (shop)", None)
    except Refused as exc:
        reasons = tuple(v.message for v in exc.violations)
        token = form_text(form, csrf.FIELD) or ""
        link = secret_link(saved.id, secret or "")
        typed = {k: v for k, v in fields}
        errors = {v.option: v.message for v in exc.violations if v.option}
        card = await run_in_threadpool(settings_card, engine, saved, history, token, (exc.title, *reasons), link,
                                       typed, errors)
        return render(request, "pages/settings.html", [], {"card": card}, status=422)
    return RedirectResponse(f"/c/{saved.id}/settings", status_code=303)


@router.get("/quotes/{quote_id}", response_class=HTMLResponse)
def quote_page(request: Request, database: DatabaseDep, quote_id: str) -> Response:
    """A quote made on the shop's pages, as it was given (a storefront's quotes are for its key alone); with
    `.pdf` after its id, the same quote as a PDF."""
    if quote_id.endswith(".pdf"):
        quote = read_quote(database, quote_id.removesuffix(".pdf")[:64], None)
        view = quote_view(quote)
        with speaking(view.language):
            made = quote_pdf(view)
        headers = {"Content-Disposition": f'inline; filename="quote-{quote.id}.pdf"', "Content-Language": view.language}
        return Response(made, media_type="application/pdf", headers=headers)
    view = quote_view(read_quote(database, quote_id[:64], None))
    request.state.language, request.state.languages = view.language, ()  # a quote is shown as it was made
    return render(request, "pages/quote.html", [], {"quote": view})

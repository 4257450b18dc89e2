"""The shop's HTML pages: the catalog index and the product configurator (Jinja2 + htmx, no session state).

Page or fragment is decided in one place (`render`): an htmx request gets named blocks of the same template
the full page is made of, and every answer varies on HX-Request. Without JavaScript every control is a real
form field and a post redirects to the permalink of the new state (post/redirect/get).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_blocks
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.types import Scope

from catalog.loader import Catalog, LoadedProduct
from configurator.api.products import loaded_product
from configurator.errors import ProblemResponse
from configurator.persistence.db import Quote, SavedConfiguration
from configurator.services import adjustments
from configurator.services.catalogs import engine_of
from configurator.services.profiles import PROFILE_COOKIE, shop_filled, shop_profile
from configurator.services.quoting import make_quote, save_selection, store
from configurator.services.refusals import Forbidden, NotFound, Unprocessable
from configurator.settings import FRONTEND, HTMX_CDN, HTMX_INTEGRITY, HTMX_VENDORED
from configurator.views.form import (
    HISTORY_FIELD,
    answers_from_fields,
    decode_history,
    fields_of,
    query_of,
    selection_from_fields,
)
from configurator.views.matrix import faces_view
from configurator.views.product import Hints, ProductView, RepairView, product_view, quote_view
from configurator.views.settings_card import settings_card
from configurator.web import csrf
from rules.classify import classify
from rules.engine import Engine
from rules.pricing import from_price
from rules.selection import choice_phrase, parse_selection

MAX_FORM_FIELDS = 2_000
EDIT_COOKIE_SECONDS = 400 * 24 * 3600  # the most browsers keep a cookie
# Block tags leave no blank lines behind: a product page of a few hundred values is a third smaller.
ENVIRONMENT = Environment(
    loader=FileSystemLoader(FRONTEND / "templates"),
    autoescape=select_autoescape(default=True),
    auto_reload=False,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.globals.update(htmx_cdn=HTMX_CDN, htmx_integrity=HTMX_INTEGRITY, htmx_vendored=HTMX_VENDORED)
router = APIRouter(include_in_schema=False)


def render(
    request: Request, template: str, blocks: Sequence[str], context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    """The whole page, or for an htmx request only `blocks` of it: the same markup either way."""
    if request.headers.get("HX-Request") == "true" and blocks:
        html = render_blocks(ENVIRONMENT, template, list(blocks), **context)
    else:
        html = ENVIRONMENT.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers={"Vary": "HX-Request"})


def error_page(request: Request, problem: Mapping[str, Any]) -> HTMLResponse:
    """A problem (the registry's status, title and detail) as a page of the shop; for an htmx change, as a message
    in the page's messages, leaving the form as it is (htmx swaps error answers too)."""
    status = int(problem["status"])
    if request.headers.get("HX-Request") == "true":
        html = ENVIRONMENT.get_template("partials/_problem.html").render(problem=problem)
        headers = {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML", "Vary": "HX-Request"}
        return HTMLResponse(html, status_code=status, headers=headers)
    return render(request, "pages/error.html", [], {"problem": problem}, status=status)


def refusal(scope: Scope, problem: dict[str, Any]) -> Response:
    """A request refused before it reached a route (a client over its rate): problem+json for the API, the
    shop's own error (page or message) for its pages."""
    request = Request(scope)
    if request.url.path.startswith("/api/"):
        return ProblemResponse(problem, status_code=int(problem["status"]))
    return error_page(request, problem)


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
async def index(request: Request) -> Response:
    """The catalog: every product with its exact from-price and its face of mass customization."""
    catalog: Catalog = request.app.state.catalog
    entries = await run_in_threadpool(lambda: [_entry(engine_of(loaded)) for loaded in catalog.products.values()])
    token = csrf.csrf_token(request)
    response = render(request, "pages/index.html", ["products"], {"products": entries})
    csrf.remember(request, response, token)
    return response


@router.get("/faces", response_class=HTMLResponse)
async def faces_page(request: Request) -> Response:
    """The four faces of mass customization as a 2x2 matrix, every product placed with the options behind it."""
    catalog: Catalog = request.app.state.catalog
    cells = faces_view(loaded.product for loaded in catalog.products.values())
    return render(request, "pages/faces.html", [], {"cells": cells})


@functools.lru_cache(maxsize=256)
def _entry(engine: Engine) -> CatalogEntry:
    """A product's index entry: its from-price is the cheapest search, so once per compiled product."""
    product = engine.model.product
    priced = from_price(engine, {})
    face = classify(product)
    swatch = next((v.swatch for o in product.options() for v in getattr(o, "values", []) if v.swatch), None)
    shown = f"{priced.price.total} {priced.price.currency}" if priced.price is not None else "not available"
    return CatalogEntry(product.id, product.name, product.description, product.image, swatch, shown, face.face,
                        face.reason)


@router.get("/products/{product_id}", response_class=HTMLResponse)
async def product_page(request: Request, product_id: str) -> Response:
    """The configurator for the selection in the query string (every state has a URL)."""
    loaded = loaded_product(request, product_id)
    fields = request.query_params.multi_items()[:MAX_FORM_FIELDS]
    selection = selection_from_fields(loaded.product, fields)
    history = decode_history(request.query_params.get(HISTORY_FIELD))
    token = csrf.csrf_token(request)
    answers = answers_from_fields(fields)
    view = await run_in_threadpool(_page, request, engine_of(loaded), selection, history, token, answers=answers)
    response = render(request, "pages/product.html", ["configurator"], {"view": view})
    csrf.remember(request, response, token)
    return response


@router.post("/products/{product_id}", response_class=HTMLResponse)
async def product_post(request: Request, product_id: str) -> Response:
    """One step: a change, undo, complete, cheapest, or a value chosen anyway (which offers its repair)."""
    loaded = loaded_product(request, product_id)
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, _text(form, csrf.FIELD))
    engine = engine_of(loaded)
    step = await run_in_threadpool(_step, engine, form)
    if step.repair is None and step.focus is None and request.headers.get("HX-Request") != "true":
        return RedirectResponse(step.permalink, status_code=303)
    token = _text(form, csrf.FIELD) or ""
    view = await run_in_threadpool(
        _page, request, engine, step.selection, step.history, token, step.repair, step.messages, step.focus,
        step.answers,
    )
    response = render(request, "pages/product.html", ["configurator"], {"view": view})
    if step.repair is None:
        response.headers["HX-Push-Url"] = step.permalink
    return response


def _page(
    request: Request,
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
    profile_id = request.cookies.get(PROFILE_COOKIE)
    filled, inferred = shop_filled(request.app.state.db, engine, selection, profile_id)
    hints = Hints(inferred, request.app.state.histories.of(engine.model))
    return product_view(engine, filled, history, token, repair, messages, focus, hints, answers)


def _step(engine: Engine, form: FormData) -> StepResult:
    """What the post leads to, the dialog's answers it carries kept."""
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    return dataclasses.replace(_move(engine, form), answers=answers_from_fields(fields))


def _move(engine: Engine, form: FormData) -> StepResult:
    product = engine.model.product
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    selection = selection_from_fields(product, fields)
    was = _text(form, "was") or ""
    history = decode_history(_text(form, HISTORY_FIELD))
    action = _text(form, "do") or "update"
    if action == "undo" and history:
        previous = history[-1]
        return StepResult(engine, selection_from_fields(product, _parse_query(previous)), history[:-1])
    if action in ("complete", "cheapest"):
        done = engine.complete(selection) if action == "complete" else from_price(engine, selection).selections
        if done is None:
            return StepResult(engine, selection, history, messages=("No valid configuration extends these choices.",))
        # Catalog values (a set for a multi choice) back to the form's own shape, as a redirect would give them.
        return StepResult(engine, selection_from_fields(product, fields_of(done)), _pushed(history, was))
    if action.startswith(("try:", "apply:")):
        return _repair_step(engine, selection, history, was, action)
    if action.startswith("why:"):  # the full explanation of one value: the same page, that reason complete
        option_id, _, value_id = action.removeprefix("why:").partition("=")
        return StepResult(engine, selection, history, focus=(option_id, value_id))
    return StepResult(engine, selection, _pushed(history, was) if query_of(selection) != was else history)


def _parse_query(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=False)[:MAX_FORM_FIELDS]


def _repair_step(
    engine: Engine, selection: dict[str, Any], history: list[str], was: str, action: str
) -> StepResult:
    kind, _, target = action.partition(":")
    option_id, _, value_text = target.partition("=")
    option = engine.model.options.get(option_id)
    if option is None:
        return StepResult(engine, selection, history, messages=(f"There is no option {option_id!r}.",))
    value: Any = (value_text == "true") if option.type == "boolean" else value_text
    if option.type == "multi":
        current = selection.get(option_id)
        value = sorted({*(current if isinstance(current, list) else []), value_text})
    rest = {k: v for k, v in selection.items() if k != option_id}
    fix = engine.repair(rest, option_id, value if option.type != "multi" else value_text)
    if not fix.possible:
        impossible = f"{option.label or option_id} cannot be {value_text} with any choices."
        return StepResult(engine, selection, history, messages=(impossible,))
    if kind == "apply":
        kept = {k: v for k, v in rest.items() if k not in fix.drop}
        return StepResult(engine, {**kept, option_id: value}, _pushed(history, was))
    labels = {o.id: o.label or o.id for o in engine.model.options.values()}
    values = parse_selection(engine.model, selection).values  # catalog values: a yes is True, not "true"
    repair = RepairView(
        option=option_id,
        option_label=labels[option_id],
        value=value_text,
        value_label=_value_label(option, value_text),
        drop=tuple(choice_phrase(labels.get(name, name), values.get(name, selection[name])) for name in fix.drop),
        apply_query=f"apply:{option_id}={value_text}",
    )
    return StepResult(engine, selection, history, repair=repair)


@router.post("/products/{product_id}/save", response_class=HTMLResponse)
async def save_page(request: Request, product_id: str) -> Response:
    """Save the selection under a short id and go to its short link."""
    return await _record(request, product_id, save_selection, "/c/")


@router.post("/products/{product_id}/quote", response_class=HTMLResponse)
async def quote_page_post(request: Request, product_id: str) -> Response:
    """Quote a complete configuration for the shop's own channel (no API key in the browser) and show it."""
    profile_id = request.cookies.get(PROFILE_COOKIE)

    def quote(loaded: LoadedProduct, selection: dict[str, Any]) -> Quote:
        return make_quote(loaded, selection, None, profile=shop_profile(request.app.state.db, profile_id))

    return await _record(request, product_id, quote, "/quotes/")


async def _record(
    request: Request,
    product_id: str,
    make: Callable[[LoadedProduct, dict[str, Any]], Quote | SavedConfiguration],
    link: str,
) -> Response:
    """Check the form, make the row (refused: the page again, saying why, nothing stored), store it, go to it."""
    loaded, selection, form = await _posted(request, product_id)
    try:
        row = await run_in_threadpool(make, loaded, selection)
    except Unprocessable as exc:
        return await _refused(request, loaded, selection, form, exc)
    # The customer's settings card (a saved configuration with settings adjusted in use, or a quote's card) is
    # theirs to change: a secret kept in a cookie of this browser, its hash stored; the short link only reads.
    card = row.id if isinstance(row, SavedConfiguration) else row.settings_id
    if not adjustments.adjustable(loaded.product):
        card = None  # nothing to change after purchase: no secret
    secret, edit_hash = adjustments.new_edit_secret()
    await run_in_threadpool(store, request.app.state.db, row, None if card is None else edit_hash)
    response = RedirectResponse(f"{link}{row.id}", status_code=303)
    if card is not None:
        _keep_secret(request, response, card, secret)
    return response


def _secret_link(saved_id: str, secret: str) -> str:
    """The customer's private link for changing a card's settings (from another device)."""
    return f"/c/{saved_id}/settings?key={secret}"


def _edit_cookie(saved_id: str) -> str:
    return f"edit_{saved_id}"


def _keep_secret(request: Request, response: Response, saved_id: str, secret: str) -> None:
    """Keep the customer's secret for changing a card's settings in this browser, for that card's pages only."""
    response.set_cookie(_edit_cookie(saved_id), secret, max_age=EDIT_COOKIE_SECONDS, path=f"/c/{saved_id}",
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")


@router.get("/c/{saved_id}", response_class=HTMLResponse)
async def saved_link(request: Request, saved_id: str) -> Response:
    """A saved configuration's short link: the product page of its selection (its settings as adjusted since)."""
    saved, history = await run_in_threadpool(adjustments.load, request.app.state.db, saved_id)
    loaded = loaded_product(request, saved.product_id)
    token = csrf.csrf_token(request)
    current = adjustments.current_selection(saved, history)
    selection = selection_from_fields(loaded.product, fields_of(current))
    note: tuple[str, ...] = (f"Saved: share this configuration with its short link, /c/{saved.id}",)
    if saved.catalog_version != loaded.version:
        note += ("It was saved with an earlier version of the catalog: anything that no longer fits is shown as "
                 "it was saved, with what is wrong.",)
    view = await run_in_threadpool(product_view, engine_of(loaded), selection, [], token, None, note)
    if adjustments.adjustable(loaded.product):
        view = dataclasses.replace(view, settings=f"/c/{saved.id}/settings")
    response = render(request, "pages/product.html", ["configurator"], {"view": view})
    csrf.remember(request, response, token)
    return response


@router.get("/c/{saved_id}/settings", response_class=HTMLResponse)
async def settings_page(request: Request, saved_id: str, key: str | None = None) -> Response:
    """The settings card: the settings adjusted in use and their history; the customer who saved it (their secret
    in a cookie, or once in `key` from their secret link) changes them here, anyone else with the link reads."""
    saved, history = await run_in_threadpool(adjustments.load, request.app.state.db, saved_id)
    if key is not None:  # the secret link: kept as this browser's cookie, then out of the address bar
        response: Response = RedirectResponse(f"/c/{saved.id}/settings", status_code=303)
        if adjustments.may_edit(saved, key):
            _keep_secret(request, response, saved.id, key)
        return response
    loaded = loaded_product(request, saved.product_id)
    token = csrf.csrf_token(request)
    secret = request.cookies.get(_edit_cookie(saved.id))
    link = _secret_link(saved.id, secret) if secret and adjustments.may_edit(saved, secret) else None
    card = await run_in_threadpool(settings_card, engine_of(loaded), saved, history, token, (), link)
    response = render(request, "pages/settings.html", [], {"card": card})
    csrf.remember(request, response, token)
    return response


@router.post("/c/{saved_id}/settings", response_class=HTMLResponse)
async def settings_post(request: Request, saved_id: str) -> Response:
    """Change settings adjusted in use (post/redirect/get); refused: the card again, saying why, nothing stored."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, _text(form, csrf.FIELD))
    saved, history = await run_in_threadpool(adjustments.load, request.app.state.db, saved_id)
    secret = request.cookies.get(_edit_cookie(saved.id))
    if not adjustments.may_edit(saved, secret):
        raise Forbidden("only the customer who saved this configuration can change its settings, with their link")
    loaded = loaded_product(request, saved.product_id)
    engine = engine_of(loaded)
    names = {option.id for option in adjustments.adjustable(loaded.product)}
    fields = [(k, v) for k, v in form.multi_items() if k in names and isinstance(v, str)]
    requested = selection_from_fields(loaded.product, fields)
    db = request.app.state.db
    try:
        await run_in_threadpool(adjustments.adjust, db, engine, saved.id, requested, "customer (shop)", None)
    except Unprocessable as exc:
        reasons = tuple(v.message for v in exc.violations)
        token = _text(form, csrf.FIELD) or ""
        link = _secret_link(saved.id, secret or "")
        card = await run_in_threadpool(settings_card, engine, saved, history, token, (exc.title, *reasons), link)
        return render(request, "pages/settings.html", [], {"card": card}, status=422)
    return RedirectResponse(f"/c/{saved.id}/settings", status_code=303)


@router.get("/quotes/{quote_id}", response_class=HTMLResponse)
def quote_page(request: Request, quote_id: str) -> Response:
    """A quote made on the shop's pages, as it was given (a storefront's quotes are for its key alone)."""
    with Session(request.app.state.db) as db:
        quote = db.get(Quote, quote_id[:64])
    if quote is None or quote.api_key_id is not None:
        raise NotFound(f"no quote '{quote_id[:64]}'")
    return render(request, "pages/quote.html", [], {"quote": quote_view(quote)})


async def _posted(request: Request, product_id: str) -> tuple[LoadedProduct, dict[str, Any], FormData]:
    """The product, the selection in the form's `state` field, and the form; CSRF checked first."""
    loaded = loaded_product(request, product_id)
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, _text(form, csrf.FIELD))
    return loaded, selection_from_fields(loaded.product, _parse_query(_text(form, "state") or "")), form


async def _refused(
    request: Request, loaded: LoadedProduct, selection: dict[str, Any], form: FormData, exc: Unprocessable
) -> Response:
    """The product page again, saying why (nothing was stored)."""
    reasons = tuple(v.message for v in exc.violations) or (exc.title,)
    view = await run_in_threadpool(
        product_view, engine_of(loaded), selection, [], _text(form, csrf.FIELD) or "", None, (exc.title, *reasons)
    )
    return render(request, "pages/product.html", [], {"view": view}, status=422)


@dataclass(frozen=True)
class StepResult:
    """What one post leads to: the new selection and history, a repair to confirm, messages for the shopper."""

    engine: Engine
    selection: dict[str, Any]
    history: list[str]
    repair: RepairView | None = None
    messages: tuple[str, ...] = ()
    focus: tuple[str, str] | None = None  # a value whose full explanation was asked for
    answers: dict[str, str] = dataclasses.field(default_factory=dict)  # the "help me choose" answers given

    @property
    def permalink(self) -> str:
        """The URL of the new state."""
        return f"/products/{self.engine.model.product.id}?{query_of(self.selection, self.history, self.answers)}"


def _pushed(history: list[str], was: str) -> list[str]:
    return [*history, was]


def _value_label(option: Any, value_id: str) -> str:
    for value in getattr(option, "values", []):
        if value.id == value_id:
            return str(value.label or value.id)
    return {"true": "yes", "false": "no"}.get(value_id, value_id)


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None

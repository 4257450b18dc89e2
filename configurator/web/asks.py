"""'Ask for this' in the shop (issue 25): the form that asks for a value the catalog rules out with the shopper's
other choices, the request behind its private link (with the merchandiser's answer), and its deletion."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from catalog.wording import _
from configurator.deps import CatalogDep, DatabaseDep, ProductDep
from configurator.services.asks import Ask, delete_ask, make_ask, read_ask
from configurator.services.catalogs import engine_of
from configurator.services.refusals import Missing, NotPermitted
from configurator.views.asks import ask_view, asked_view
from configurator.views.form import WANT_FIELD, shop_selection
from configurator.web import csrf
from configurator.web.render import MAX_FORM_FIELDS, form_text, parse_query, render

router = APIRouter(include_in_schema=False)

# A private link is read by its holder alone: never cached on the way, never sent to another site as a referrer
# (the shop itself gets it, and the origin its forms are checked by), never indexed.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Robots-Tag": "noindex"}


@router.get("/products/{product_id}/ask", response_class=HTMLResponse)
async def ask_page(request: Request, loaded: ProductDep) -> Response:
    """The form asking for a value (`want=option=value`) with the other choices in the query string."""
    fields = [(k, v) for k, v in request.query_params.multi_items()[:MAX_FORM_FIELDS] if k != WANT_FIELD]
    option_id, _sep, value = (request.query_params.get(WANT_FIELD) or "").partition("=")
    engine = engine_of(loaded)
    if option_id not in engine.model.options:
        raise Missing(_("There is no option “%(option)s”.") % {"option": option_id})
    token = csrf.csrf_token(request)
    selection = shop_selection(loaded.product, fields)
    view = await run_in_threadpool(ask_view, engine, selection, option_id, value, token)
    response = render(request, "pages/ask.html", [], {"ask": view, "messages": ()})
    csrf.remember(request, response, token)
    return response


@router.post("/products/{product_id}/ask", response_class=HTMLResponse)
async def ask_post(request: Request, loaded: ProductDep, database: DatabaseDep) -> Response:
    """Store the request and go to its private link; refused (nothing to ask for): the form again, saying why."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, form_text(form, csrf.FIELD))
    option_id, _sep, value = (form_text(form, WANT_FIELD) or "").partition("=")
    selection = shop_selection(loaded.product, parse_query(form_text(form, "state") or ""))
    engine = engine_of(loaded)
    ask = Ask(loaded.product.id, loaded.version, option_id, value, selection, form_text(form, "note") or "",
              form_text(form, "nonce") or "")
    try:
        row = await run_in_threadpool(make_ask, database, engine, loaded.version, ask)
    except NotPermitted as exc:
        if option_id not in engine.model.options:
            raise
        token = form_text(form, csrf.FIELD) or ""
        view = await run_in_threadpool(ask_view, engine, selection, option_id, value, token)
        return render(request, "pages/ask.html", [], {"ask": view, "messages": (str(exc),)}, status=422)
    return RedirectResponse(f"/asks/{row.id}", status_code=303)


@router.get("/asks/{ask_id}", response_class=HTMLResponse)
async def asked_page(request: Request, database: DatabaseDep, catalog: CatalogDep, ask_id: str) -> Response:
    """A request by its private link: what was asked, and the answer once there is one."""
    row = await run_in_threadpool(read_ask, database, ask_id)
    loaded = catalog.products.get(row.product_id)
    token = csrf.csrf_token(request)
    view = asked_view(row, None if loaded is None else engine_of(loaded), token)
    response = render(request, "pages/asked.html", [], {"asked": view, "deleted": False})
    response.headers.update(PRIVATE)
    csrf.remember(request, response, token)
    return response


@router.post("/asks/{ask_id}/delete", response_class=HTMLResponse)
async def asked_delete(request: Request, database: DatabaseDep, ask_id: str) -> Response:
    """Delete the request for good, and say so."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, form_text(form, csrf.FIELD))
    await run_in_threadpool(delete_ask, database, ask_id)
    response = render(request, "pages/asked.html", [], {"asked": None, "deleted": True})
    response.headers.update(PRIVATE)
    return response

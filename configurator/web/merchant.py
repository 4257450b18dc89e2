"""The merchandiser's page: catalogs with their versions, load errors and warnings, lint findings, the four-faces
matrix and recent quotes; read-only (the YAML in git stays the source). Behind a login with an admin key, entered
once and kept as a session in a secure, http-only cookie (only the token's hash is stored)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Engine as Database
from starlette.concurrency import run_in_threadpool

from catalog.loader import Catalog
from catalog.wording import _
from configurator.deps import CatalogDep, DatabaseDep
from configurator.services.asks import answer_ask, asks_csv, asks_of
from configurator.services.catalogs import engine_of
from configurator.services.demand import demand_report, funnels, funnels_csv, report_csv
from configurator.services.making import bom_csv
from configurator.services.merchandising import (
    SESSION_HOURS,
    any_quote,
    close_session,
    open_session,
    recent_quotes,
    signed_in,
)
from configurator.services.quoting import bill_of
from configurator.services.refusals import Missing
from configurator.services.replay import replay
from configurator.services.webhooks import recent_deliveries
from configurator.views.demand import DemandView, demand_view
from configurator.views.merchant import bill_view, merchant_view
from configurator.web import csrf
from configurator.web.render import MAX_FORM_FIELDS, form_text, render

router = APIRouter(include_in_schema=False)

COOKIE = "merchant"


@router.get("/merchant", response_class=HTMLResponse)
async def merchant_page(request: Request, database: DatabaseDep, catalog: CatalogDep) -> Response:
    """The page, or the login form."""
    token = csrf.csrf_token(request)
    if not await run_in_threadpool(signed_in, database, request.cookies.get(COOKIE)):
        response = render(request, "pages/merchant_login.html", [], {"csrf": token, "refused": False})
    else:
        quotes = await run_in_threadpool(recent_quotes, database)
        demand = await run_in_threadpool(funnels, database)
        deliveries = await run_in_threadpool(recent_deliveries, database)
        view = await run_in_threadpool(merchant_view, catalog, quotes, token, demand, deliveries)
        response = render(request, "pages/merchant.html", [], {"view": view})
    csrf.remember(request, response, token)
    return response


@router.get("/merchant/quotes/{quote_id}/bom", response_class=HTMLResponse)
async def merchant_bill(request: Request, database: DatabaseDep, catalog: CatalogDep, quote_id: str) -> Response:
    """One quote's bill of materials and routing, with its cost and margin (signed in; else to the login)."""
    if not await run_in_threadpool(signed_in, database, request.cookies.get(COOKIE)):
        return RedirectResponse("/merchant", status_code=303)
    quote = await run_in_threadpool(any_quote, database, quote_id)
    record = await run_in_threadpool(bill_of, quote, catalog)
    return render(request, "pages/bill.html", [], {"view": bill_view(quote, record)})


@router.get("/merchant/quotes/{quote_id}/bom.csv")
async def merchant_bill_csv(request: Request, database: DatabaseDep, catalog: CatalogDep, quote_id: str) -> Response:
    """The same bill as CSV, for a spreadsheet or the ERP."""
    if not await run_in_threadpool(signed_in, database, request.cookies.get(COOKIE)):
        return RedirectResponse("/merchant", status_code=303)
    quote = await run_in_threadpool(any_quote, database, quote_id)
    record = await run_in_threadpool(bill_of, quote, catalog)
    disposition = f'attachment; filename="bom-{quote.id}.csv"'
    return Response(bom_csv(record), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition})


@router.get("/merchant/demand.csv")
async def merchant_demand_csv(request: Request, database: DatabaseDep) -> Response:
    """Each product's funnel from the shop's signals as CSV (signed in; else to the login)."""
    if not await run_in_threadpool(signed_in, database, request.cookies.get(COOKIE)):
        return RedirectResponse("/merchant", status_code=303)
    rows = await run_in_threadpool(funnels, database)
    return Response(funnels_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="demand.csv"'})


@router.get("/merchant/demand/{product_id}", response_class=HTMLResponse)
async def merchant_demand(request: Request, database: DatabaseDep, catalog: CatalogDep, product_id: str) -> Response:
    """One product's demand: funnel, trend, values chosen most, rules in the way, combinations asked for."""
    if not await run_in_threadpool(signed_in, database, request.cookies.get(COOKIE)):
        return RedirectResponse("/merchant", status_code=303)
    token = csrf.csrf_token(request)
    view = await run_in_threadpool(_demand, database, catalog, product_id, token)
    response = render(request, "pages/demand.html", [], {"view": view})
    csrf.remember(request, response, token)
    return response


def _demand(database: Database, catalog: Catalog, product_id: str, token: str) -> DemandView:
    loaded = catalog.products.get(product_id)
    report = demand_report(database, product_id)
    engine = None if loaded is None else engine_of(loaded)
    since = None if engine is None or loaded is None else replay(database, product_id, engine, version=loaded.version)
    return demand_view(report, engine, asks_of(database, product_id), token, since)


@router.get("/merchant/demand/{product_id}/{table}.csv")
async def merchant_demand_table(request: Request, database: DatabaseDep, product_id: str, table: str) -> Response:
    """One table of a product's demand as CSV (`funnel`, `values`, `rules`, `trend`, `asks`)."""
    if not await run_in_threadpool(signed_in, database, request.cookies.get(COOKIE)):
        return RedirectResponse("/merchant", status_code=303)
    if table == "asks":
        text: str | None = asks_csv(await run_in_threadpool(asks_of, database, product_id))
    else:
        text = report_csv(await run_in_threadpool(demand_report, database, product_id), table)
    if text is None:
        raise Missing(_("There is no table “%(table)s”.") % {"table": table})
    disposition = f'attachment; filename="demand-{table}.csv"'
    return Response(text, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition})


@router.post("/merchant/asks/{ask_id}", response_class=HTMLResponse)
async def merchant_answer(request: Request, database: DatabaseDep, ask_id: str) -> Response:
    """Answer a shopper's request ("we will offer this", or "not possible" with the reason); back to its product."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, str(form.get(csrf.FIELD) or ""))
    if not await run_in_threadpool(signed_in, database, request.cookies.get(COOKIE)):
        return RedirectResponse("/merchant", status_code=303)
    answered = await run_in_threadpool(answer_ask, database, ask_id, form_text(form, "answer") or "",
                                       form_text(form, "reason") or "")
    return RedirectResponse(f"/merchant/demand/{quote(answered.product_id)}#ask-{answered.id}", status_code=303)


@router.post("/merchant/login", response_class=HTMLResponse)
async def merchant_login(request: Request, database: DatabaseDep) -> Response:
    """Check an admin key once; the session it opens lives in a cookie for SESSION_HOURS."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, str(form.get(csrf.FIELD) or ""))
    token = await run_in_threadpool(open_session, database, str(form.get("key") or "")[:200])
    if token is None:
        context = {"csrf": str(form.get(csrf.FIELD) or ""), "refused": True}
        return render(request, "pages/merchant_login.html", [], context, status=401)
    response = RedirectResponse("/merchant", status_code=303)
    response.set_cookie(COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/merchant")
    return response


@router.post("/merchant/logout", response_class=HTMLResponse)
async def merchant_logout(request: Request, database: DatabaseDep) -> Response:
    """End the session."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, str(form.get(csrf.FIELD) or ""))
    token = request.cookies.get(COOKIE)
    if token:
        await run_in_threadpool(close_session, database, token[:200])
    response = RedirectResponse("/merchant", status_code=303)
    response.delete_cookie(COOKIE, path="/merchant")
    return response

"""The merchandiser's page: catalogs with their versions, load errors and warnings, lint findings, the four-faces
matrix and recent quotes; read-only (the YAML in git stays the source). Behind a login with an admin key, entered
once and kept as a session in a secure, http-only cookie (only the token's hash is stored)."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool

from catalog.loader import Catalog
from configurator.persistence.db import MerchantSession, Quote, find_api_key, hash_key, writing
from configurator.views.matrix import FaceCell, faces_view
from configurator.web import csrf
from configurator.web.pages import MAX_FORM_FIELDS, render
from rules.engine import Engine, engine_for
from rules.lint import Finding, lint

router = APIRouter(include_in_schema=False)

COOKIE = "merchant"
SESSION_HOURS = 8
RECENT_QUOTES = 20


@dataclass(frozen=True)
class ProductRow:
    """One product on sale, where it comes from and what lint says of it."""

    id: str
    name: str
    file: str
    version: str
    loaded_at: str
    findings: tuple[str, ...]
    kept_since: str | None  # serving its last good version: its file has been broken since then


@dataclass(frozen=True)
class MerchantView:
    """The merchandiser's page."""

    products: tuple[ProductRow, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    cells: tuple[FaceCell, ...]
    quotes: tuple[tuple[str, str, str, str], ...]  # id, product, total with currency, when
    csrf: str


@functools.lru_cache(maxsize=64)
def _lint(engine: Engine) -> tuple[Finding, ...]:
    """Lint once per compiled product (the Renault Megane takes about a second)."""
    return tuple(lint(engine))


def merchant_view(catalog: Catalog, quotes: list[Quote], token: str) -> MerchantView:
    """The page's data."""
    rows = []
    for loaded in catalog.products.values():
        found = _lint(engine_for(loaded.product, loaded.content_hash))
        shown = tuple(f"{'error' if f.error else 'warning'}: {f.kind}: {f.message}" for f in found)
        since = catalog.kept.get(loaded.product.id)
        rows.append(ProductRow(loaded.product.id, loaded.product.name, loaded.file, loaded.version[:12],
                               _when(loaded.loaded_at), shown, None if since is None else _when(since)))
    recent = tuple((q.id, q.product_id, f"{q.total} {q.currency}", q.created_at.strftime("%Y-%m-%d %H:%M UTC"))
                   for q in quotes)
    products = (loaded.product for loaded in catalog.products.values())
    return MerchantView(tuple(rows), tuple(map(str, catalog.errors)), tuple(map(str, catalog.warnings)),
                        faces_view(products), recent, token)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _signed_in(request: Request) -> bool:
    token = request.cookies.get(COOKIE)
    if not token:
        return False
    with Session(request.app.state.db) as db:
        found = db.get(MerchantSession, hash_key(token[:200]))
    return found is not None and found.expires_at.replace(tzinfo=UTC) > datetime.now(UTC)


def _recent(request: Request) -> list[Quote]:
    with Session(request.app.state.db) as db:
        return list(db.exec(select(Quote).order_by(col(Quote.created_at).desc()).limit(RECENT_QUOTES)))


@router.get("/merchant", response_class=HTMLResponse)
async def merchant_page(request: Request) -> Response:
    """The page, or the login form."""
    token = csrf.csrf_token(request)
    if not await run_in_threadpool(_signed_in, request):
        response = render(request, "pages/merchant_login.html", [], {"csrf": token, "refused": False})
    else:
        quotes = await run_in_threadpool(_recent, request)
        view = await run_in_threadpool(merchant_view, request.app.state.catalog, quotes, token)
        response = render(request, "pages/merchant.html", [], {"view": view})
    csrf.remember(request, response, token)
    return response


@router.post("/merchant/login", response_class=HTMLResponse)
async def merchant_login(request: Request) -> Response:
    """Check an admin key once; the session it opens lives in a cookie for SESSION_HOURS."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, str(form.get(csrf.FIELD) or ""))
    token = await run_in_threadpool(_open_session, request, str(form.get("key") or "")[:200])
    if token is None:
        context = {"csrf": str(form.get(csrf.FIELD) or ""), "refused": True}
        return render(request, "pages/merchant_login.html", [], context, status=401)
    response = RedirectResponse("/merchant", status_code=303)
    response.set_cookie(COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/merchant")
    return response


def _open_session(request: Request, key: str) -> str | None:
    with writing(request.app.state.db) as db:
        found = find_api_key(db, key) if key else None
        if found is None or not found.admin or found.id is None:
            return None
        token = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + timedelta(hours=SESSION_HOURS)
        db.add(MerchantSession(token_hash=hash_key(token), api_key_id=found.id, expires_at=expires))
        db.commit()
        return token


@router.post("/merchant/logout", response_class=HTMLResponse)
async def merchant_logout(request: Request) -> Response:
    """End the session."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, str(form.get(csrf.FIELD) or ""))
    token = request.cookies.get(COOKIE)
    if token:
        await run_in_threadpool(_close_session, request, token[:200])
    response = RedirectResponse("/merchant", status_code=303)
    response.delete_cookie(COOKIE, path="/merchant")
    return response


def _close_session(request: Request, token: str) -> None:
    with writing(request.app.state.db) as db:
        found = db.get(MerchantSession, hash_key(token))
        if found is not None:
            db.delete(found)
            db.commit()

"""The visitor's preferences page: what they tell the shop, kept as a customer profile whose id lives in a cookie;
the product pages then fill the options marked `inferred_from` from it (the transparent face)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from catalog.loader import Catalog
from configurator.deps import CatalogDep, DatabaseDep
from configurator.services.profiles import PROFILE_COOKIE, keep_shop_profile, shop_profile_row
from configurator.web import csrf
from configurator.web.render import MAX_FORM_FIELDS, render

router = APIRouter(include_in_schema=False)

# The preferences cookie lasts a year; the profile itself holds no secret.
COOKIE_SECONDS = 365 * 24 * 3600
MAX_ANSWER = 200


@dataclass(frozen=True)
class Field:
    """One thing the shop can infer options from, with the options it fills and the visitor's answer."""

    name: str
    fills: str  # the labels of the options it fills
    value: str


@dataclass(frozen=True)
class PreferencesView:
    """The preferences form."""

    fields: tuple[Field, ...]
    csrf: str
    saved: bool


def _fields(catalog: Catalog, answers: dict[str, object]) -> tuple[Field, ...]:
    fills: dict[str, list[str]] = {}
    for loaded in catalog.products.values():
        for option in loaded.product.options():
            if option.customization.inferred_from:
                fills.setdefault(option.customization.inferred_from, []).append(option.label or option.id)
    return tuple(Field(name, ", ".join(dict.fromkeys(labels)), str(answers.get(name, ""))) for name, labels in
                 sorted(fills.items()))


@router.get("/profile", response_class=HTMLResponse)
async def preferences_page(request: Request, database: DatabaseDep, catalog: CatalogDep) -> Response:
    """What the visitor has told the shop, to change."""
    profile = await run_in_threadpool(shop_profile_row, database, request.cookies.get(PROFILE_COOKIE))
    token = csrf.csrf_token(request)
    fields = _fields(catalog, dict(profile.data) if profile else {})
    view = PreferencesView(fields, token, request.query_params.get("saved") == "1")
    response = render(request, "pages/profile.html", [], {"view": view})
    csrf.remember(request, response, token)
    return response


@router.post("/profile", response_class=HTMLResponse)
async def preferences_post(request: Request, database: DatabaseDep, catalog: CatalogDep) -> Response:
    """Keep the answers (post/redirect/get); the profile id goes in a cookie the product pages read."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    csrf.check_csrf(request, str(form.get(csrf.FIELD) or ""))
    known = {f.name for f in _fields(catalog, {})}
    answers = {
        name: value.strip()[:MAX_ANSWER]
        for name, value in form.multi_items()
        if name in known and isinstance(value, str) and value.strip()
    }
    profile_id = await run_in_threadpool(keep_shop_profile, database, request.cookies.get(PROFILE_COOKIE), answers)
    response = RedirectResponse("/profile?saved=1", status_code=303)
    response.set_cookie(
        PROFILE_COOKIE, profile_id, max_age=COOKIE_SECONDS, httponly=True, samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response

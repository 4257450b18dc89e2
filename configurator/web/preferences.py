"""The visitor's preferences page: what they tell the shop, kept as a customer profile whose id lives in a cookie;
the product pages then fill the options marked `inferred_from` from it (the transparent face)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from catalog.display import YES_NO
from catalog.kinds import Choices, NumberField, TextField, YesNo, widget
from catalog.loader import Catalog
from catalog.schema import AnyOption
from catalog.wording import _, current_language
from configurator.deps import CatalogDep, DatabaseDep
from configurator.services.profiles import PROFILE_COOKIE, keep_shop_profile, shop_profile_row
from configurator.web import csrf
from configurator.web.render import MAX_FORM_FIELDS, render
from rules.selection import plain

router = APIRouter(include_in_schema=False)

# The preferences cookie lasts a year; the profile itself holds no secret.
COOKIE_SECONDS = 365 * 24 * 3600
MAX_ANSWER = 200


@dataclass(frozen=True)
class Field:
    """One thing the shop can infer options from, with the options it fills and the visitor's answer, asked with
    the input of the first option it fills: its values to pick from, or a number in its range."""

    name: str
    label: str  # what it asks, in the words of the first option it fills
    fills: str  # the labels of the options it fills
    value: str
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) to pick from; none: typed
    low: str = ""
    high: str = ""
    step: str = ""


@dataclass(frozen=True)
class PreferencesView:
    """The preferences form."""

    fields: tuple[Field, ...]
    csrf: str
    saved: bool


def _fields(catalog: Catalog, answers: dict[str, object]) -> tuple[Field, ...]:
    fed: dict[str, list[AnyOption]] = {}
    for _id, loaded in sorted(catalog.products.items()):
        for option in loaded.in_language(current_language()).options():
            if option.customization.inferred_from:
                fed.setdefault(option.customization.inferred_from, []).append(option)
    return tuple(_field(name, options, str(answers.get(name, ""))) for name, options in sorted(fed.items()))


def _field(name: str, options: list[AnyOption], value: str) -> Field:
    """The field asked as the first option it fills is (the catalog's own values, never free text for a choice)."""
    fills = ", ".join(dict.fromkeys(o.label or o.id for o in options))
    label = options[0].label or name.replace("_", " ").capitalize()
    shown = widget(options[0])
    match shown:
        case Choices():
            return Field(name, label, fills, value, tuple((v.id, v.label or v.id) for v in shown.values))
        case YesNo():
            return Field(name, label, fills, value, tuple((text, _(said)) for _flag, text, said in YES_NO))
        case NumberField():
            return Field(name, label, fills, value, low=str(plain(shown.low)), high=str(plain(shown.high)),
                         step=str(plain(shown.step)))
        case TextField():
            return Field(name, label, fills, value)
        case _:
            assert_never(shown)


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

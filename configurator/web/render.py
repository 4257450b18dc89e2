"""The shop's rendering: one Jinja2 environment, page or fragment decided in one place (`render`), errors as
the shop shows them, and the form helpers every HTML route shares.

An htmx request gets named blocks of the same template the full page is made of, and every answer varies on
HX-Request. Without JavaScript every control is a real form field and a post redirects to the permalink of the
new state (post/redirect/get).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_blocks
from starlette.datastructures import FormData
from starlette.types import Scope

from catalog.translations import language_name
from catalog.wording import _, current_language, ngettext, speaking
from configurator.errors import ProblemResponse
from configurator.services.languages import LANGUAGE_COOKIE, MARKET_COOKIE
from configurator.settings import FRONTEND, HTMX_CDN, HTMX_INTEGRITY, HTMX_VENDORED

MAX_FORM_FIELDS = 2_000
CHOICE_COOKIE_SECONDS = 365 * 24 * 3600  # a shopper's language and market

# Block tags leave no blank lines behind: a product page of a few hundred values is a third smaller. The interface's
# words go through gettext (`_` in templates), in the language the request speaks (catalog.wording).
ENVIRONMENT = Environment(
    extensions=["jinja2.ext.i18n"],
    loader=FileSystemLoader(FRONTEND / "templates"),
    autoescape=select_autoescape(default=True),
    auto_reload=False,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.globals.update(htmx_cdn=HTMX_CDN, htmx_integrity=HTMX_INTEGRITY, htmx_vendored=HTMX_VENDORED,
                           language=current_language)
ENVIRONMENT.install_gettext_callables(_, ngettext, newstyle=True)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SwitchLink:
    """A language or a market the page is offered in, as its switcher links to it (the same page, the same
    choices): `param` and `code` are the query's (`lang=de`, `market=ch`)."""

    param: str
    code: str
    name: str  # a language in its own words ("Deutsch"), a market in the page's
    href: str
    current: bool


def render(
    request: Request, template: str, blocks: Sequence[str], context: Mapping[str, Any], status: int = 200
) -> HTMLResponse:
    """The whole page, or for an htmx request only `blocks` of it: the same markup either way, in the language
    the request speaks (a `?lang=` choice is kept in a cookie for the next pages)."""
    language = getattr(request.state, "language", None) or current_language()
    market = getattr(request.state, "market", None)
    with speaking(language):
        if request.headers.get("HX-Request") == "true" and blocks:  # no header in a fragment: no switchers
            html = render_blocks(ENVIRONMENT, template, list(blocks), **context)
        else:
            offered = getattr(request.state, "languages", ())
            markets = getattr(request.state, "markets", ())
            full = {**context,
                    "languages": _switcher(request, context, "lang", [(c, language_name(c, c)) for c in offered],
                                           language),
                    "markets": _switcher(request, context, "market", [(m.id, m.label) for m in markets],
                                         None if market is None else market.id)}
            html = ENVIRONMENT.get_template(template).render(**full)
    headers = {"Vary": "HX-Request, Accept-Language, Cookie", "Content-Language": language}
    response = HTMLResponse(html, status_code=status, headers=headers)
    if (request.query_params.get("lang") or "").lower() == language.lower():
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=CHOICE_COOKIE_SECONDS, samesite="lax", path="/")
    if market is not None and request.query_params.get("market") == market.id:
        response.set_cookie(MARKET_COOKIE, market.id, max_age=CHOICE_COOKIE_SECONDS, samesite="lax", path="/")
    return response


def _switcher(
    request: Request, context: Mapping[str, Any], param: str, choices: list[tuple[str, str]], current: str | None
) -> tuple[SwitchLink, ...]:
    """A link per choice (of language or market) to this page (a product page's permalink: its choices too);
    none where there is nothing to choose between."""
    if len(choices) < 2:
        return ()
    permalink = getattr(context.get("view"), "permalink", None)
    path, _sep, query = (permalink or f"{request.url.path}?{request.url.query}").partition("?")
    kept = [(k, v) for k, v in parse_query(query) if k != param]
    return tuple(SwitchLink(param, code, name, f"{path}?{urlencode([*kept, (param, code)])}", code == current)
                 for code, name in choices)


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


def parse_query(query: str) -> list[tuple[str, str]]:
    """The fields of a query string, blank ones kept (a blank quantity says it was left open)."""
    return parse_qsl(query, keep_blank_values=True)[:MAX_FORM_FIELDS]


def form_text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None

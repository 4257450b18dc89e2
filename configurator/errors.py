"""One registry mapping domain errors to RFC 9457 problem+json responses."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from catalog.errors import ConfiguratorError
from catalog.wording import INTERFACE_LANGUAGES, N_, _, speaking
from configurator.limits import OverBudget, TooMany
from configurator.services.idempotency import IdempotencyError
from configurator.services.languages import LANGUAGE_COOKIE, chosen_language
from configurator.services.refusals import KeyRequired, Missing, NotPermitted, Refused, violations_out
from configurator.services.signing import SignatureRefused
from rules.errors import EngineLimitError, PriceRangeError, RuleError
from rules.selection import SelectionError

PROBLEM = "application/problem+json"


class CsrfError(ConfiguratorError):
    """A form post without the browser's own CSRF token, or from another site."""


class ProblemResponse(JSONResponse):
    """problem+json, written in ASCII: a problem may quote the request's own broken text (a lone surrogate)."""

    media_type = PROBLEM

    def render(self, content: Any) -> bytes:
        """The body as ASCII JSON (non-ASCII characters escaped, so any string can be sent back)."""
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def problem_body(status: int, title: str, detail: str = "", **extra: Any) -> dict[str, Any]:
    """The members of a problem+json document."""
    return {"type": "about:blank", "title": title, "status": status, **({"detail": detail} if detail else {}), **extra}


def problem(
    status: int, title: str, detail: str = "", headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A problem+json response."""
    return ProblemResponse(problem_body(status, title, detail, **extra), status_code=status, headers=headers)


# Domain error type -> (status, title); the first matching class in order wins.
REGISTRY: list[tuple[type[Exception], int, str]] = [
    (Missing, 404, N_("Not found")),
    (CsrfError, 403, N_("Forbidden")),
    (NotPermitted, 403, N_("Forbidden")),
    (KeyRequired, 401, N_("Unauthorized")),
    (TooMany, 429, N_("Too many requests")),
    (OverBudget, 422, N_("Too large for this operation")),
    (SelectionError, 422, N_("Invalid selection")),
    (IdempotencyError, 422, N_("Idempotency-Key reused or malformed")),
    (RuleError, 422, N_("Rule cannot be applied")),
    (EngineLimitError, 422, N_("Too large for this operation")),
    (PriceRangeError, 422, N_("Price out of range")),
    (SignatureRefused, 422, N_("Signed configuration refused")),
]


def domain_problem(exc: ConfiguratorError) -> dict[str, Any]:
    """The problem+json members for a domain error, from the registry (also used per item of a batch)."""
    if isinstance(exc, Refused):
        return problem_body(422, exc.title, violations=violations_out(exc.violations))
    for kind, status, title in REGISTRY:
        if isinstance(exc, kind):
            return problem_body(status, _(title), str(exc))
    return problem_body(422, "Unprocessable", str(exc))


def problem_headers(exc: Exception) -> dict[str, str]:
    """Headers a problem carries: when to retry, for a client over its rate."""
    return {"Retry-After": str(exc.seconds)} if isinstance(exc, TooMany) else {}


Page = Callable[[Request, Mapping[str, Any]], Response]


def install(app: FastAPI, page: Page) -> None:
    """Register the handlers that turn errors into problem+json, or for the shop's pages into `page`."""

    @app.exception_handler(ConfiguratorError)
    async def domain(request: Request, exc: ConfiguratorError) -> Response:
        language = _spoken(request)
        with speaking(language):
            body = domain_problem(exc)
        if _wants_page(request):
            return page(request, body)  # the shop's pages: the same problem, as a page or a message
        headers = {**problem_headers(exc), "Content-Language": language}
        return ProblemResponse(body, status_code=body["status"], headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        language = _spoken(request)
        headers = {"Content-Language": language}
        with speaking(language):
            errors = [{"path": "/".join(str(p) for p in err["loc"]), "message": _invalid(err)} for err in exc.errors()]
            if any(err["type"] == "json_invalid" for err in exc.errors()):
                said = _("the request body is not valid JSON")
                return problem(400, _("Malformed JSON"), said, headers, errors=errors)
            return problem(422, _("Invalid request"), headers=headers, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, exc: StarletteHTTPException) -> Response:
        language = _spoken(request)
        with speaking(language):
            title = _(_HTTP_TITLES[exc.status_code]) if exc.status_code in _HTTP_TITLES else str(exc.detail)
        if _wants_page(request):
            return page(request, problem_body(exc.status_code, title))
        headers = {**(exc.headers or {}), "Content-Language": language}
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed(request))
        return problem(exc.status_code, title, headers=headers)


# What pydantic says of an invalid field, by its error type, in the request's language (its own English words for
# any other type); a field's own check (value_error) says it in the request's language already.
_INVALID = {
    "missing": N_("required"),
    "extra_forbidden": N_("not a field of this request"),
    "string_type": N_("expected text"),
    "int_type": N_("expected a whole number"),
    "int_parsing": N_("expected a whole number"),
    "int_from_float": N_("expected a whole number"),
    "bool_type": N_("expected true or false"),
    "bool_parsing": N_("expected true or false"),
    "dict_type": N_("expected an object"),
    "model_type": N_("expected an object"),
    "model_attributes_type": N_("expected an object"),
    "list_type": N_("expected a list"),
    "greater_than_equal": N_("must be at least %(ge)s"),
    "less_than_equal": N_("must be at most %(le)s"),
    "greater_than": N_("must be more than %(gt)s"),
    "less_than": N_("must be less than %(lt)s"),
    "string_too_long": N_("at most %(max_length)s characters"),
    "string_too_short": N_("at least %(min_length)s characters"),
    "too_long": N_("at most %(max_length)s items"),
    "too_short": N_("at least %(min_length)s items"),
    "literal_error": N_("expected %(expected)s"),
    "json_invalid": N_("not valid JSON (at character %(position)s)"),
    "duplicate_key": N_("the key %(key)s appears twice in one object"),
}


def _invalid(err: Any) -> str:
    """One invalid field's message, in the language spoken."""
    kind = err.get("type", "")
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    if kind not in _INVALID:
        return str(err.get("msg", ""))
    said = {key: str(value) for key, value in (err.get("ctx") or {}).items()}
    where = err.get("loc") or ("",)
    said |= {"position": str(where[-1]), "key": json.dumps(str(err.get("input"))[:80])}
    try:
        return _(_INVALID[kind]) % said
    except KeyError:  # a context pydantic did not give: its own words
        return str(err.get("msg", ""))


# Starlette's own refusals, titled as the registry's are (the others keep Starlette's words).
_HTTP_TITLES = {404: N_("Not found"), 405: N_("Method not allowed")}


def _spoken(request: Request) -> str:
    """The language a problem is said in: the one the request's route chose, else the best of the interface's
    languages by `?lang=` or Accept-Language (a problem met before any route, such as a malformed body)."""
    chosen: str | None = getattr(request.state, "language", None)
    if chosen:
        return chosen
    asked = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    return chosen_language(INTERFACE_LANGUAGES, asked, request.headers.get("accept-language"))


def _allowed(request: Request) -> list[str]:
    """Every method some route takes at this path (Starlette names only the first route's, where several share
    a path, such as a resource read with GET and changed with POST)."""
    allowed = []
    for method in ("DELETE", "GET", "PATCH", "POST", "PUT"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return allowed


def _wants_page(request: Request) -> bool:
    """A browser asking for a shop page or making an htmx change (not the JSON API) is answered in the shop's
    own words, as a page or a message."""
    shop = not request.url.path.startswith("/api/")
    return shop and ("text/html" in request.headers.get("accept", "") or request.headers.get("HX-Request") == "true")

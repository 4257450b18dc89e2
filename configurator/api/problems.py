"""Every error the API answers, in its OpenAPI document: one RFC 9457 problem+json schema for every 4xx status,
and the statuses any request can meet on its way in (a malformed or oversized body, one sent too slowly, a
client over its rate), so that generated clients type them."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

PROBLEM_MEDIA = "application/problem+json"
_REF = "#/components/schemas/Problem"
# Statuses a request with a body can meet before or beside its route's own answers.
_BODY_STATUSES = {
    400: "Malformed JSON (problem+json)",
    408: "The request body did not arrive in time (problem+json)",
    413: "Request body too large (problem+json)",
    422: "Invalid request: the errors name each field (problem+json)",
}
_RATED = {429: "Too many requests from this client: retry after `Retry-After` seconds (problem+json)"}

# The problems every API route documents (the 401s are added by routes that take a key).
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed JSON (problem+json)"},
    404: {"description": "Unknown product (problem+json)"},
    413: {"description": "Request body too large (problem+json)"},
    422: {"description": "Invalid, inconsistent or incomplete selection, naming the rules (problem+json)"},
    429: {"description": "Too many requests from this client: retry after `Retry-After` seconds (problem+json)"},
}

# The languages answers are given in (`lang`, else Accept-Language: configurator/deps.py).
_SAID = {"description": "The language of the answer's words (labels, messages, price lines): the one `lang` names "
         "where the product offers it, else the best Accept-Language asks for, else the product's own.",
         "schema": {"type": "string", "examples": ["de"]}}
_SAID_PROBLEM = {"description": "The language of the problem's title and messages (the route's language, else the "
                 "interface's best match for `lang` or Accept-Language: en, de or fr).",
                 "schema": {"type": "string", "examples": ["fr"]}}


class ProblemError(BaseModel):
    """One invalid part of the request."""

    path: str = Field(description="Where, such as body/selections/rider_height.")
    message: str


class ProblemViolation(BaseModel):
    """One reason a selection is refused: the rule and the option involved, where there are."""

    rule: str | None = None
    option: str | None = None
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong, with the fields or the rules involved."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[ProblemError] | None = Field(None, description="For an invalid request: each invalid field.")
    violations: list[ProblemViolation] | None = Field(
        None, description="For a selection the rules refuse: each rule and option involved."
    )


def document_problems(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with every 4xx answer as a Problem (made once, then kept)."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                _problems(operation, path, method)
        app.openapi_schema = schema
    return app.openapi_schema


def _problems(operation: dict[str, Any], path: str, method: str) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    extra: dict[int, str] = {}
    if method in ("post", "put", "patch"):
        extra |= _BODY_STATUSES | _RATED
    elif path.startswith("/api/v1/products/"):
        extra |= _RATED
    for code, description in extra.items():
        responses.setdefault(str(code), {"description": description})
    spoken = any(p.get("name") == "lang" for p in operation.get("parameters", []))
    for status, response in responses.items():
        if str(status).startswith("4"):
            response["content"] = {PROBLEM_MEDIA: {"schema": {"$ref": _REF}}}
            response["headers"] = {"Content-Language": _SAID_PROBLEM}
            if str(status) == "429":
                response["headers"]["Retry-After"] = {"description": "Seconds to wait", "schema": {"type": "integer"}}
        elif spoken and str(status).startswith("2"):
            response["headers"] = {"Content-Language": _SAID}

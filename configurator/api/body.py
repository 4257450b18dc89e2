"""JSON request bodies read exactly: numbers with a fraction or exponent as Decimals (never floats, so a number
off an option's grid is refused whether it comes as a number or a string), and objects with a key twice refused."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from catalog.kinds import JsonNumber

MAX_INT_DIGITS = 60  # far beyond any bound a catalog or request field has, far below Python's own 4,300


class DuplicateKeyError(ValueError):
    """A JSON object that names a key twice: which value was meant is not knowable."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the key '{key[:80]}' appears twice in one object")
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKeyError(key)
        found[key] = value
    return found


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of more than {MAX_INT_DIGITS} digits")
    return int(text)


def loads_exact(raw: bytes | str) -> Any:
    """JSON text as Python data: decimals as JsonNumber, every object's keys unique (NaN and Infinity, which are
    not JSON, read as floats for the fields to refuse by name)."""
    return json.loads(raw, parse_float=JsonNumber, parse_int=_integer, object_pairs_hook=_unique)


def _refusal(exc: ValueError, raw: bytes | str) -> RequestValidationError:
    """A JSON body that does not parse as 400 (malformed) or, for a key given twice, 422, as FastAPI reports."""
    error: dict[str, Any]
    if isinstance(exc, DuplicateKeyError):
        error = {"type": "duplicate_key", "loc": ("body",), "msg": str(exc), "input": exc.key}
    else:
        position = exc.pos if isinstance(exc, json.JSONDecodeError) else 0
        error = {"type": "json_invalid", "loc": ("body", position), "msg": f"JSON decode error: {exc}", "input": {}}
    return RequestValidationError([error], body=raw)


Body = TypeVar("Body", bound=BaseModel)


def parse_body(model: type[Body], raw: bytes) -> Body:
    """Validate a JSON body from its bytes; errors are reported as FastAPI reports body errors."""
    try:
        data = loads_exact(raw)
    except (ValueError, RecursionError) as exc:
        raise _refusal(exc if isinstance(exc, ValueError) else ValueError("nested too deeply"), raw) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{**err, "loc": ("body", *err["loc"])} for err in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None


class ExactJSONRequest(Request):
    """A request whose JSON body is read by `loads_exact`."""

    async def json(self) -> Any:
        """The body, parsed once, exactly."""
        if not hasattr(self, "_json"):
            raw = await self.body()
            try:
                self._json = loads_exact(raw)
            except (ValueError, RecursionError) as exc:
                raise _refusal(exc if isinstance(exc, ValueError) else ValueError("nested too deeply"), raw) from None
        return self._json


class ExactJSONRoute(APIRoute):
    """A route whose JSON body is read exactly; a body that does not parse is refused before the endpoint runs."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler, given an ExactJSONRequest."""
        handler = super().get_route_handler()

        async def exact(request: Request) -> Response:
            request = ExactJSONRequest(request.scope, request.receive)
            if "json" in request.headers.get("content-type", "") and await request.body():
                await request.json()  # FastAPI wraps errors of its own parse in a plain 400: refuse them here
            return await handler(request)

        return handler if self.body_field is None else exact

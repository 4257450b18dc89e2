"""ASGI middleware (plain ASGI: cheap): the security headers every response carries, the server's timing, request
rates, a request body's size and time limits, and compression for the clients that accept it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from configurator import errors
from configurator.limits import Buckets, KnownKeys, Limits, TooMany, identify, kind_of
from configurator.services.origins import AllowedOrigins
from configurator.settings import HTMX_CDN

MAX_BODY_BYTES = 1024 * 1024

# The app's own files and the one pinned htmx file from its CDN; nothing inline, no framing by other sites.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' {HTMX_CDN}",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
# JSON is never rendered as a page: API responses carry the short form (no framing, no sniffing, nothing loaded).
API_HEADERS = {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
}
# The API docs page loads Swagger UI from its CDN with an inline script: it keeps FastAPI's own needs.
_DOCS_PATHS = ("/api/v1/docs", "/api/v1/docs/oauth2-redirect")


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


_PAGE_RAW, _API_RAW = _raw(SECURITY_HEADERS), _raw(API_HEADERS)
_DOCS_RAW = [pair for pair in _PAGE_RAW if pair[0] != b"content-security-policy"]


class Compression:
    """Starlette's gzip for the requests that accept it; the others go to the app untouched (measured: wrapping
    every answer costs a small JSON price about 7 % of its throughput, docs/performance.md)."""

    def __init__(self, app: ASGIApp, minimum_size: int, level: int, skip: tuple[str, ...]) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=level, exclude_content_types=skip)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _accepts_gzip(scope):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _accepts_gzip(scope: Scope) -> bool:
    return any(name == b"accept-encoding" and b"gzip" in value for name, value in scope["headers"])


class SecurityHeaders:
    """Adds the security headers to every response that does not set them itself (precomputed: on every request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        extra = _DOCS_RAW if path in _DOCS_PATHS else _API_RAW if path.startswith("/api/") else _PAGE_RAW

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(pair for pair in extra if pair[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ServerTiming:
    """Says in each response how long the server took to produce it (`Server-Timing: app;dur=<ms>`), so clients
    and benchmarks can tell the server's time from the network's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Time from the request's arrival to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                message["headers"] = [*message.get("headers", []), (b"server-timing", took)]
            await send(message)

        await self.app(scope, receive, send_timed)


class BodyLimit:
    """Refuses request bodies over a set size with 413, before any parsing (a plain ASGI middleware: cheap)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length; a body of undeclared length is read (up to the limit) and replayed."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            if declared.isdigit() and (len(declared) > 15 or int(declared) > self.limit):
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            if message["type"] != "http.request" or not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = errors.problem(413, "Request body too large", f"at most {self.limit} bytes")
        await response(scope, receive, send)


Refusal = Callable[[Scope, dict[str, Any]], Response]


class RateLimit:
    """Refuses engine work and writes beyond their rates with 429 and Retry-After (a plain ASGI middleware); the
    refusal is made by `refuse` (problem+json for the API, the shop's own message for its pages)."""

    def __init__(self, app: ASGIApp, limits: Limits, buckets: Buckets, keys: KnownKeys, refuse: Refusal) -> None:
        self.app, self.limits, self.buckets, self.keys, self.refuse = app, limits, buckets, keys, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the request against its client's bucket, or refuse it."""
        kind = kind_of(scope["method"], scope["path"]) if scope["type"] == "http" and self.limits.enabled else None
        if kind is None:
            await self.app(scope, receive, send)
            return
        client, keyed = await identify(scope, self.keys)
        wait = self.buckets.take(client, kind, keyed)
        if wait:
            refused = TooMany(wait, kind)
            response = self.refuse(scope, errors.domain_problem(refused))
            response.headers.update(errors.problem_headers(refused))
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["client_id"] = (client, keyed)
        await self.app(scope, receive, send)


class BodyTimeout:
    """Reads a request's whole body within a time limit before the app sees it, or answers 408: a client that
    sends slowly cannot hold a worker (bodies are small: BodyLimit caps them)."""

    def __init__(self, app: ASGIApp, seconds: float, cap: int) -> None:
        self.app, self.seconds, self.cap = app, seconds, cap

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Buffer the body against the deadline (up to `cap` bytes: past that BodyLimit refuses it), then replay it
        to the app."""
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        try:
            async with asyncio.timeout(self.seconds):
                while size <= self.cap:
                    message = await receive()
                    messages.append(message)
                    size += len(message.get("body", b""))
                    if message["type"] != "http.request" or not message.get("more_body", False):
                        break
        except TimeoutError:
            detail = f"the request body did not arrive within {self.seconds:g} s"
            await errors.problem(408, "Request timeout", detail, headers={"Connection": "close"})(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


# What a browser on a listed origin may send and read (CORS).
_CORS_METHODS = b"GET, POST, PUT, DELETE"
_CORS_HEADERS = b"Content-Type, X-API-Key, Idempotency-Key, Accept-Language"
_CORS_EXPOSED = b"Content-Language, Idempotent-Replayed, Retry-After"


class Cors:
    """CORS for the API and the published keys, for the origins some API key lists and no other: a preflight is
    answered here; an answer to a listed origin says so (each key's own origins are checked with the key)."""

    def __init__(self, app: ASGIApp, origins: AllowedOrigins) -> None:
        self.app = app
        self.origins = origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a preflight, or pass the request on and mark the answer."""
        path: str = scope.get("path", "")
        origin = _header(scope, b"origin") if scope["type"] == "http" else None
        if origin is None or not path.startswith(("/api/", "/.well-known/")):
            await self.app(scope, receive, send)
            return
        if self.origins.stale():
            await run_in_threadpool(self.origins.read)
        allowed = self.origins.allows(origin)
        if scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method") is not None:
            headers = [(b"vary", b"Origin")]
            if allowed:
                headers += [(b"access-control-allow-origin", origin.encode("latin-1")),
                            (b"access-control-allow-methods", _CORS_METHODS),
                            (b"access-control-allow-headers", _CORS_HEADERS), (b"access-control-max-age", b"600")]
            await send({"type": "http.response.start", "status": 204 if allowed else 403, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                varies = [value for name, value in headers if name.lower() == b"vary"]
                headers = [pair for pair in headers if pair[0].lower() != b"vary"]
                headers.append((b"vary", b", ".join([*varies, b"Origin"])))
                if allowed:
                    headers += [(b"access-control-allow-origin", origin.encode("latin-1")),
                                (b"access-control-expose-headers", _CORS_EXPOSED)]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_marked)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None

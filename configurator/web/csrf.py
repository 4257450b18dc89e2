"""CSRF protection for the shop's HTML forms, in depth, with no session state on the server.

Every HTML post is checked three ways before anything happens: its `Origin` (or, without one, its `Referer`) is
the server's own; the form's hidden token equals the browser's token cookie (double submit); and that token is
signed with the server's secret (shared by every process), so a token-and-cookie pair an attacker made up, or
planted in a cookie from a sibling domain, does not pass. Over HTTPS the cookie is `__Host-` prefixed: only this
host, over TLS, for the whole site, can set it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

from configurator.deps import secret
from configurator.errors import CsrfError

COOKIE = "csrftoken"
SECURE_COOKIE = "__Host-csrftoken"
FIELD = "csrf"
_NONCE_BYTES = 18


def _cookie_name(request: Request) -> str:
    return SECURE_COOKIE if request.url.scheme == "https" else COOKIE


def _sign(request: Request, nonce: str) -> str:
    digest = hmac.new(secret(request), nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def _valid(request: Request, token: str) -> bool:
    """Whether the token is well formed and signed by this server's secret."""
    if not 20 <= len(token) <= 100 or token.count(".") != 1:
        return False
    nonce, signature = token.split(".")
    return nonce.replace("-", "").replace("_", "").isalnum() and hmac.compare_digest(_sign(request, nonce), signature)


def csrf_token(request: Request) -> str:
    """The browser's token: from its cookie where this server signed it, or a new one (set by `remember`)."""
    token = request.cookies.get(_cookie_name(request), "")
    if _valid(request, token):
        return token
    nonce = secrets.token_urlsafe(_NONCE_BYTES)
    return f"{nonce}.{_sign(request, nonce)}"


def remember(request: Request, response: Response, token: str) -> None:
    """Set the token cookie where the browser does not have it yet."""
    name = _cookie_name(request)
    if request.cookies.get(name) != token:
        secure = request.url.scheme == "https"
        response.set_cookie(name, token, httponly=True, samesite="strict", secure=secure, path="/")


def check_csrf(request: Request, submitted: str | None) -> None:
    """Raise CsrfError unless the post comes from this server's own pages with this browser's signed token."""
    if not _same_origin(request):
        raise CsrfError("this form was sent from another site: open the shop's own page and try again")
    cookie = request.cookies.get(_cookie_name(request), "")
    if not (_valid(request, cookie) and submitted and hmac.compare_digest(cookie, submitted)):
        raise CsrfError("this form has expired or did not come from this shop: reload the page and try again")


def _same_origin(request: Request) -> bool:
    """The post's Origin, or else its Referer, names this server (scheme, host and port); a post with neither
    (some privacy tools strip both) rests on the signed token alone."""
    own = f"{request.url.scheme}://{request.url.netloc}".lower()
    origin = request.headers.get("origin")
    if origin is not None:
        return origin.lower() == own
    referer = request.headers.get("referer")
    if referer is None:
        return True
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}".lower() == own

"""CSRF protection for the shop's HTML forms: a double-submit token, so the server keeps no session state.

The first page a browser gets sets a random token in a SameSite=Strict, HttpOnly cookie; every form carries the
same token in a hidden field, and a POST whose field and cookie differ is refused before anything happens.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response

from catalog.errors import ConfiguratorError

COOKIE = "csrftoken"
FIELD = "csrf"


class CsrfError(ConfiguratorError):
    """A form post without the browser's own CSRF token."""


def csrf_token(request: Request) -> str:
    """The browser's token: from its cookie, or a new one (set on the response by `remember`)."""
    token = request.cookies.get(COOKIE, "")
    return token if _well_formed(token) else secrets.token_urlsafe(32)


def remember(request: Request, response: Response, token: str) -> None:
    """Set the token cookie where the browser does not have it yet."""
    if request.cookies.get(COOKIE) != token:
        secure = request.url.scheme == "https"
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")


def check_csrf(request: Request, submitted: str | None) -> None:
    """Raise CsrfError unless the form's token equals the cookie's."""
    cookie = request.cookies.get(COOKIE, "")
    if not (_well_formed(cookie) and submitted and hmac.compare_digest(cookie, submitted)):
        raise CsrfError("this form has expired or did not come from this shop: reload the page and try again")


def _well_formed(token: str) -> bool:
    return 20 <= len(token) <= 100 and token.replace("-", "").replace("_", "").isalnum()

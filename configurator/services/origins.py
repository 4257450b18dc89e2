"""The browser origins storefronts may call the API from (issue 26): each API key lists its own; a browser request
with a key from an origin the key does not list is refused, and CORS answers only the origins some key lists."""

from __future__ import annotations

import re
import threading
import time

from sqlalchemy import Engine as Database
from sqlmodel import Session, col, select

from catalog.wording import _
from configurator.persistence.db import ApiKey
from configurator.services.refusals import NotPermitted

ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")
ORIGINS_SECONDS = 30.0  # how long a process trusts the origins it read (a new key's origin works within this)


def checked_origin(origin: str) -> str:
    """An origin as a key lists it (scheme, host, port: no path); ValueError naming what is wrong."""
    if not ORIGIN.fullmatch(origin):
        raise ValueError(f"{origin!r} is not an origin (https://host or https://host:port, no path)")
    return origin.lower()


def key_origins(key: ApiKey) -> frozenset[str]:
    """The origins a key may be used from in a browser."""
    return frozenset((key.origins or "").split())


def check_origin(key: ApiKey, origin: str | None, own: str) -> None:
    """Refuse a browser request made with `key` from an origin it does not list (`own`: the server's own origin,
    always allowed; no Origin header: a server's request)."""
    if origin is None or origin == own or origin.lower() in key_origins(key):
        return
    raise NotPermitted(_("This API key may not be used from %(origin)s.") % {"origin": origin[:200]})


class AllowedOrigins:
    """Every origin some key lists, read once in a while (CORS asks on every cross-origin request)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._lock = threading.Lock()
        self._origins: frozenset[str] = frozenset()
        self._read_at = float("-inf")

    def stale(self) -> bool:
        """Whether the origins should be read again before they are asked."""
        return time.monotonic() - self._read_at > ORIGINS_SECONDS

    def read(self) -> None:
        """Read the origins again (blocking: call it off the event loop)."""
        with Session(self.database) as db:
            listed = db.exec(select(col(ApiKey.origins)).where(col(ApiKey.origins).is_not(None))).all()
        with self._lock:
            self._origins = frozenset(o for text in listed if text for o in text.split())
            self._read_at = time.monotonic()

    def allows(self, origin: str) -> bool:
        """Whether some key lists the origin (as last read)."""
        return origin.lower() in self._origins

"""The limits a public server needs: requests per second per API key and per client address, for engine work and
for writes (429 with Retry-After, as problem+json), and a time limit for sending a request's body (408).

Each process keeps its own token buckets (N processes allow N times the rate: a reverse proxy in front limits the
whole site, see the README). An API key earns its own, larger buckets only once it is known valid (looked up once
and remembered), so made-up keys cannot buy a client more than its address's share.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from catalog.errors import ConfiguratorError
from configurator.persistence.db import find_api_key

Kind = Literal["engine", "write"]
MAX_BUCKETS = 50_000  # clients remembered at once (the longest idle forgotten first): bounded memory
KEYS_KEPT_SECONDS = 60.0  # how long a key's validity is remembered (a revoked key loses its share within this)

# Requests that make the engine work (each a solver or a join-tree pass, some hundreds of them) and requests that
# store a row. Everything else (static files, product lists, reads by id) is cheap and not counted.
_ENGINE = re.compile(r"/api/v1/products/[^/]+/(configure|complete|explain|repair|price|price/batch|suggestions)")
_ENGINE_PAGE = re.compile(r"/products/[^/]+(/help)?")
_WRITE = re.compile(r"/api/v1/(quotes|configurations|profiles|configurations/[^/]+/settings)")
_WRITE_PAGE = re.compile(r"/(products/[^/]+/(save|quote)|c/[^/]+/settings|profile|merchant/login)")


@dataclass(frozen=True)
class Limits:
    """Rates in requests per second with a burst allowance, per client address; a valid API key gets
    `key_factor` times as much (a storefront's server speaks for many shoppers)."""

    engine_rate: float = 20.0
    engine_burst: float = 60.0
    write_rate: float = 2.0
    write_burst: float = 20.0
    key_factor: float = 10.0
    engine_seconds: float = 3.0  # the engine time a batch or a completion may take before it is refused
    body_seconds: float = 10.0  # the longest a client may take to send its request body
    enabled: bool = True  # the request rates (the batch budget and the body's time limit always hold)

    def rate(self, kind: Kind, keyed: bool) -> tuple[float, float]:
        """The rate and burst of one kind of request, for a keyed or an anonymous client."""
        rate, burst = (self.engine_rate, self.engine_burst) if kind == "engine" else (self.write_rate, self.write_burst)
        factor = self.key_factor if keyed else 1.0
        return rate * factor, burst * factor


def kind_of(method: str, path: str) -> Kind | None:
    """Whether a request is engine work, a write, or neither."""
    if method == "POST":
        if _ENGINE.fullmatch(path) or _ENGINE_PAGE.fullmatch(path):
            return "engine"
        if _WRITE.fullmatch(path) or _WRITE_PAGE.fullmatch(path):
            return "write"
    elif method == "GET" and _ENGINE_PAGE.fullmatch(path):
        return "engine"
    return None


class Buckets:
    """Token buckets by client and kind, the least recently used forgotten beyond MAX_BUCKETS."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._buckets: OrderedDict[tuple[str, Kind], tuple[float, float]] = OrderedDict()  # tokens, when
        self._lock = threading.Lock()  # the event loop takes single tokens; a batch's thread takes the rest

    def take(self, client: str, kind: Kind, keyed: bool, cost: float = 1.0) -> float:
        """Take `cost` tokens: 0.0 where they were there, else the seconds until they will be (nothing taken)."""
        rate, burst = self.limits.rate(kind, keyed)
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.pop((client, kind), (burst, now))
            tokens = min(burst, tokens + (now - then) * rate)
            wait = 0.0 if tokens >= cost else (min(cost, burst) - tokens) / rate
            self._buckets[(client, kind)] = (tokens - cost if wait == 0.0 else tokens, now)
            while len(self._buckets) > MAX_BUCKETS:
                self._buckets.popitem(last=False)
        return wait


class KnownKeys:
    """Which API keys are valid, each looked up once and remembered for a while (made-up ones too)."""

    def __init__(self, database: Engine) -> None:
        self.database = database
        self._known: OrderedDict[str, tuple[bool, float]] = OrderedDict()

    async def valid(self, key: str) -> bool:
        """Whether the key is a stored API key (off the event loop on a first sight)."""
        key = key[:200]
        found = self._known.get(key)
        now = time.monotonic()
        if found is not None and now - found[1] < KEYS_KEPT_SECONDS:
            return found[0]
        valid = await run_in_threadpool(self._look_up, key)
        self._known[key] = (valid, now)
        self._known.move_to_end(key)
        while len(self._known) > MAX_BUCKETS:
            self._known.popitem(last=False)
        return valid

    def _look_up(self, key: str) -> bool:
        with Session(self.database) as db:
            return find_api_key(db, key) is not None


def client_of(scope: Scope) -> str:
    """The client's address (behind a proxy, the one uvicorn's --proxy-headers takes from X-Forwarded-For)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class TooMany(ConfiguratorError):
    """A client over its rate (a batch's items count one each)."""

    def __init__(self, wait: float, kind: Kind) -> None:
        self.seconds = max(1, math.ceil(wait))
        what = "engine requests" if kind == "engine" else "writes"
        super().__init__(f"too many {what} from this client: retry in {self.seconds} s")


class OverBudget(ConfiguratorError):
    """A request whose engine work took longer than its budget."""

    def __init__(self, seconds: float, done: int, total: int) -> None:
        super().__init__(f"the batch took longer than {seconds:g} s (priced {done} of {total} items): send smaller "
                         "batches")
        self.seconds, self.done, self.total = seconds, done, total


def charge(scope: Scope, buckets: Buckets, cost: float) -> None:
    """Take `cost` more engine tokens from the request's client (a batch's items beyond the first); TooMany if it
    has not got them."""
    client = scope.get("state", {}).get("client_id")
    if client is None or not buckets.limits.enabled or cost <= 0:
        return
    wait = buckets.take(client[0], "engine", client[1], cost)
    if wait:
        raise TooMany(wait, "engine")


async def identify(scope: Scope, keys: KnownKeys) -> tuple[str, bool]:
    """The client a request counts against: its API key where that is valid, else its address."""
    for name, value in scope["headers"]:
        if name == b"x-api-key":
            key = value.decode("latin-1")
            if await keys.valid(key):
                return "key:" + key[:200], True
            break
    return "address:" + client_of(scope), False

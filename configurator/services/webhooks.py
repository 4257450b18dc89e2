"""Webhooks (issue 26): storefronts register URLs for events (`quote.created`, `configuration.saved`,
`catalog.version_changed`); each event becomes a delivery row per matching webhook, and a background task in every
process sends the due ones, signed with the webhook's secret, retrying with exponential backoff. The rows are the
queue: nothing is lost across a restart, and several processes share it (each leases a delivery before it tries;
an event two processes both saw is one delivery).

A webhook of a storefront's key hears of its own quotes and configurations; an admin key's hears of every one;
every webhook may hear of catalog versions.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, get_args

from sqlalchemy import Engine as Database
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from catalog.wording import _
from configurator.persistence.db import ApiKey, Webhook, WebhookDelivery, writing
from configurator.services.refusals import Missing, NotPermitted

_log = logging.getLogger(__name__)

EventName = Literal["quote.created", "configuration.saved", "catalog.version_changed"]
EVENTS: tuple[str, ...] = get_args(EventName)
SIGNATURE_HEADER = "Configurator-Signature"  # t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">
MAX_ATTEMPTS = 8
POLL_SECONDS = 1.0
LEASE_SECONDS = 60
SEND_SECONDS = 10.0  # a receiver has this long to answer
SENDERS = 8  # deliveries sent at once


def register(database: Database, key: int, url: str, events: list[str]) -> Webhook:
    """A new webhook for the key (its secret is shown once, in the answer); NotPermitted for a URL that is not
    http(s) or an event there is none of."""
    if not url.startswith(("https://", "http://")) or len(url) > 2000:
        raise NotPermitted(_("A webhook's URL is an http or https address."))
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise NotPermitted(_("Events are any of: %(events)s.") % {"events": ", ".join(EVENTS)})
    hook = Webhook(api_key_id=key, url=url, events=",".join(sorted(set(events))), secret=secrets.token_hex(24))
    with writing(database) as db:
        db.add(hook)
        db.commit()
        db.refresh(hook)
        return hook


def hooks_of(database: Database, key: int) -> list[Webhook]:
    """The key's webhooks."""
    with Session(database) as db:
        return list(db.exec(select(Webhook).where(col(Webhook.api_key_id) == key).order_by(col(Webhook.created_at))))


def unregister(database: Database, key: int, hook_id: str) -> None:
    """Delete one of the key's webhooks (and its deliveries); Missing for another key's or none."""
    with writing(database) as db:
        found = db.get(Webhook, hook_id[:32])
        if found is None or found.api_key_id != key:
            raise Missing(_("There is no such webhook."))
        for delivery in db.exec(select(WebhookDelivery).where(col(WebhookDelivery.webhook_id) == found.id)):
            db.delete(delivery)
        db.delete(found)
        db.commit()


def emit(database: Database, event: EventName, data: Mapping[str, Any], owner: int | None, key: str) -> int:
    """Queue the event for every webhook that hears of it (`owner`: the API key whose row it is, None for the shop's
    own or the catalog's); `key` names the event, so that the same event emitted twice is queued once. How many."""
    with Session(database) as db:
        rows = db.exec(select(Webhook, ApiKey).join(ApiKey, col(ApiKey.id) == col(Webhook.api_key_id))).all()
    hearing = [hook for hook, api_key in rows if event in hook.events.split(",")
               and (event == "catalog.version_changed" or api_key.admin or hook.api_key_id == owner)]
    body = json.dumps({"event": event, "created_at": datetime.now(UTC).isoformat(), "data": data},
                      separators=(",", ":"), default=str)
    queued = 0
    for hook in hearing:
        try:
            with writing(database) as db:
                db.add(WebhookDelivery(webhook_id=hook.id, event=event, event_key=f"{event}:{key}"[:400],
                                       payload=body))
                db.commit()
                queued += 1
        except IntegrityError:  # queued already (by another process that saw the same event)
            pass
    return queued


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def backoff(attempts: int, base: float) -> timedelta:
    """How long to wait before the next attempt after `attempts` failed ones."""
    return timedelta(seconds=base * 2 ** (attempts - 1))


class Dispatcher:
    """Sends due deliveries: leased one by one, so that processes sharing the database never send one twice; and
    queues `catalog.version_changed` when a product's served version changes (`versions`: product id to version,
    as served now)."""

    def __init__(self, database: Database, base_seconds: float = 30.0,
                 versions: Callable[[], Mapping[str, str]] | None = None) -> None:
        self.database = database
        self.base_seconds = base_seconds
        self.versions = versions
        self.seen: dict[str, str] = dict(versions()) if versions is not None else {}

    def announce_versions(self) -> int:
        """Queue an event for each product whose served version changed since last seen; how many."""
        if self.versions is None:
            return 0
        now = dict(self.versions())
        changed = {pid: version for pid, version in now.items() if self.seen.get(pid) != version}
        queued = 0
        for product_id, version in sorted(changed.items()):
            data = {"product_id": product_id, "version": version, "previous": self.seen.get(product_id)}
            queued += emit(self.database, "catalog.version_changed", data, None, f"{product_id}:{version}")
        self.seen = now
        return queued

    def deliver_due(self, now: datetime | None = None) -> int:
        """Try every delivery due now; how many were delivered."""
        moment = now or datetime.now(UTC)
        with Session(self.database) as db:
            due = db.exec(select(col(WebhookDelivery.id)).where(
                col(WebhookDelivery.status) == "pending", col(WebhookDelivery.next_at) <= moment,
                or_(col(WebhookDelivery.lease_until).is_(None), col(WebhookDelivery.lease_until) < moment),
            ).order_by(col(WebhookDelivery.id)).limit(100)).all()
        # Several at once: one receiver that is slow to answer (SEND_SECONDS at most) holds up no other.
        with ThreadPoolExecutor(SENDERS) as pool:
            return sum(pool.map(lambda delivery_id: self._attempt(delivery_id, moment),
                                [d for d in due if d is not None]))

    def _attempt(self, delivery_id: int, now: datetime) -> bool:
        if not self._lease(delivery_id, now):
            return False  # another process has it
        with Session(self.database) as db:
            delivery = db.get(WebhookDelivery, delivery_id)
            hook = None if delivery is None else db.get(Webhook, delivery.webhook_id)
        if delivery is None or hook is None:
            return False
        status, error = _send(hook, delivery.payload.encode())
        with writing(self.database) as db:
            row = db.get(WebhookDelivery, delivery_id)
            if row is None:
                return False
            row.attempts += 1
            row.last_status, row.last_error, row.lease_until = status, error, None
            if status is not None and 200 <= status < 300:
                row.status, row.delivered_at = "delivered", datetime.now(UTC)
            elif row.attempts >= MAX_ATTEMPTS:
                row.status = "failed"
            else:
                row.next_at = datetime.now(UTC) + backoff(row.attempts, self.base_seconds)
            db.add(row)
            db.commit()
            return row.status == "delivered"

    def _lease(self, delivery_id: int, now: datetime) -> bool:
        with writing(self.database) as db:
            taken = db.execute(update(WebhookDelivery).where(
                col(WebhookDelivery.id) == delivery_id, col(WebhookDelivery.status) == "pending",
                or_(col(WebhookDelivery.lease_until).is_(None), col(WebhookDelivery.lease_until) < now),
            ).values(lease_until=now + timedelta(seconds=LEASE_SECONDS)))
            db.commit()
        return bool(getattr(taken, "rowcount", 0))

    async def run(self, stop: asyncio.Event) -> None:
        """Send due deliveries every POLL_SECONDS until `stop`."""
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.announce_versions)
                await asyncio.to_thread(self.deliver_due)
            except Exception:  # the database is away: the rows wait for the next round
                _log.exception("webhook deliveries could not be read; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), POLL_SECONDS)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook's answer is its answer: a redirect is not followed (it counts as a failed attempt)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# Deliveries go straight to the receiver: no proxy from the environment, no redirects.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _send(hook: Webhook, body: bytes) -> tuple[int | None, str | None]:
    """POST the body to the hook's URL, signed; the answer's status, or the error (never raises)."""
    timestamp = int(time.time())
    request = urllib.request.Request(hook.url, data=body, method="POST", headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: signature(hook.secret, timestamp, body),
        "User-Agent": "configurator-webhooks"})
    try:
        with _OPENER.open(request, timeout=SEND_SECONDS) as answer:  # http(s) only: `register` checks
            return int(answer.status), None
    except urllib.error.HTTPError as exc:
        return int(exc.code), None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(exc)[:400]


def recent_deliveries(database: Database, limit: int = 50) -> list[tuple[WebhookDelivery, Webhook]]:
    """The latest deliveries with their webhooks, newest first (the merchandiser's delivery log)."""
    with Session(database) as db:
        joined = select(WebhookDelivery, Webhook).join(Webhook, col(Webhook.id) == col(WebhookDelivery.webhook_id))
        rows = db.exec(joined.order_by(col(WebhookDelivery.id).desc()).limit(limit)).all()
        return [(delivery, hook) for delivery, hook in rows]

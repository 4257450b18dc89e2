"""Webhooks in the API (issue 26): a storefront registers URLs for events with its key, lists and deletes them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from configurator.api.body import ExactJSONRoute
from configurator.api.problems import ERRORS
from configurator.deps import DatabaseDep, SecretKeyId, interface_language
from configurator.persistence.db import Webhook
from configurator.services.webhooks import SIGNATURE_HEADER, hooks_of, register, unregister

router = APIRouter(prefix="/api/v1", responses={**ERRORS, 401: {"description": "Missing or invalid X-API-Key"}},
                   route_class=ExactJSONRoute, dependencies=[Depends(interface_language)], tags=["webhooks"])

Event = Literal["quote.created", "configuration.saved", "catalog.version_changed"]


class WebhookIn(BaseModel):
    """A URL to send events to."""

    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://[!-~]+$",
                     examples=["https://shop.example/hooks/configurator"])
    events: list[Event] = Field(min_length=1, max_length=3)


class WebhookOut(BaseModel):
    """A registered webhook (its secret only in the answer that made it)."""

    id: str
    url: str
    events: list[str]
    created_at: datetime
    secret: str | None = Field(None, description=f"Verify each delivery's {SIGNATURE_HEADER} header with it: "
                                                 "t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.<body>'>. Shown once.")


def _out(hook: Webhook, secret: bool = False) -> WebhookOut:
    return WebhookOut(id=hook.id, url=hook.url, events=hook.events.split(","), created_at=hook.created_at,
                      secret=hook.secret if secret else None)


@router.post("/webhooks", status_code=201, response_model=WebhookOut)
def create_webhook(database: DatabaseDep, key: SecretKeyId, body: WebhookIn) -> WebhookOut:
    """Register a URL for events; each delivery is signed with the secret answered here, retried with backoff
    until it is answered with a 2xx (at most 8 attempts), and kept until then across restarts."""
    return _out(register(database, key, body.url, list(body.events)), secret=True)


@router.get("/webhooks", response_model=list[WebhookOut])
def list_webhooks(database: DatabaseDep, key: SecretKeyId) -> list[WebhookOut]:
    """The key's webhooks."""
    return [_out(hook) for hook in hooks_of(database, key)]


@router.delete("/webhooks/{webhook_id}", status_code=204)
def delete_webhook(database: DatabaseDep, key: SecretKeyId, webhook_id: str) -> Response:
    """Delete one of the key's webhooks, with its deliveries still waiting."""
    unregister(database, key, webhook_id)
    return Response(status_code=204)

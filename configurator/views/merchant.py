"""The merchandiser's page as data: each product on sale with its version and lint findings, the catalog's errors
and warnings, the four-faces matrix and the recent quotes."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from catalog.loader import Catalog
from catalog.wording import _, current_language
from configurator.persistence.db import Quote, Webhook, WebhookDelivery
from configurator.services.demand import Funnel
from configurator.views.matrix import FaceCell, faces_view
from configurator.views.money import stored_money
from rules.engine import Engine, engine_for
from rules.lint import Finding, lint


@dataclass(frozen=True)
class ProductRow:
    """One product on sale, where it comes from and what lint says of it."""

    id: str
    name: str
    file: str
    version: str
    loaded_at: str
    findings: tuple[str, ...]
    kept_since: str | None  # serving its last good version: its file has been broken since then


@dataclass(frozen=True)
class MerchantView:
    """The merchandiser's page."""

    products: tuple[ProductRow, ...]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    cells: tuple[FaceCell, ...]
    quotes: tuple[QuoteRow, ...]
    csrf: str
    demand: tuple[DemandRow, ...] = ()
    deliveries: tuple[DeliveryRow, ...] = ()


@dataclass(frozen=True)
class DeliveryRow:
    """One webhook delivery: what, where, how it went."""

    event: str
    url: str
    status: str  # pending, delivered, failed
    attempts: int
    answer: str  # the receiver's last status code, or the error
    made: str


@dataclass(frozen=True)
class DemandRow:
    """One product's funnel: sessions started, complete, saved, quoted; where the others ended, most first."""

    product: str
    started: int
    completed: int
    saved: int
    quoted: int
    ended: str  # "wall: 3, sections: 1"


@dataclass(frozen=True)
class QuoteRow:
    """A recent quote, with what making it costs where its product says (its bill of materials)."""

    id: str
    product: str
    total: str  # with its currency
    made: str
    cost: str = ""  # the order's cost, with its currency ("" where the product lists no parts)
    margin: str = ""  # the net price less that cost, where both are known in one currency
    bom: bool = False  # a bill of materials was recorded with it


@functools.lru_cache(maxsize=64)
def _lint(engine: Engine) -> tuple[Finding, ...]:
    """Lint once per compiled product (the Renault Megane takes about a second)."""
    return tuple(lint(engine))


def merchant_view(catalog: Catalog, quotes: list[Quote], token: str, demand: Sequence[Funnel] = (),
                  deliveries: Sequence[tuple[WebhookDelivery, Webhook]] = ()) -> MerchantView:
    """The page's data."""
    rows = []
    for loaded in catalog.products.values():
        found = _lint(engine_for(loaded.product, loaded.content_hash))
        shown = tuple(f"{'error' if f.error else 'warning'}: {f.kind}: {f.message}" for f in found)
        since = catalog.kept.get(loaded.product.id)
        rows.append(ProductRow(loaded.product.id, loaded.product.name, loaded.file, loaded.version[:12],
                               _when(loaded.loaded_at), shown, None if since is None else _when(since)))
    recent = tuple(_quote_row(q) for q in quotes)
    products = (loaded.in_language(current_language()) for loaded in catalog.products.values())
    return MerchantView(tuple(rows), tuple(map(str, catalog.errors)), tuple(map(str, catalog.warnings)),
                        faces_view(products), recent, token, tuple(_demand_row(f) for f in demand),
                        tuple(_delivery_row(d, h) for d, h in deliveries))


def _delivery_row(delivery: WebhookDelivery, hook: Webhook) -> DeliveryRow:
    answer = str(delivery.last_status) if delivery.last_status is not None else (delivery.last_error or "")
    return DeliveryRow(delivery.event, hook.url, delivery.status, delivery.attempts, answer,
                       delivery.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"))


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _quote_row(quote: Quote) -> QuoteRow:
    made = quote.created_at.strftime("%Y-%m-%d %H:%M UTC")
    row = QuoteRow(quote.id, quote.product_id, stored_money(quote.total, quote.currency), made)
    bill = quote.breakdown.get("bom")
    if not isinstance(bill, dict):
        return row
    margin = bill.get("margin")
    return dataclasses.replace(
        row, cost=stored_money(str(bill.get("order_cost", "")), str(bill.get("currency", ""))),
        margin=stored_money(str(margin), quote.currency) if margin is not None else "", bom=True)


@dataclass(frozen=True)
class BillView:
    """A quote's bill of materials and routing, as the merchandiser reads it."""

    quote: str
    product: str
    record: dict[str, object]
    units: int
    cost: str
    order_cost: str
    margin: str


def bill_view(quote: Quote, record: dict[str, object]) -> BillView:
    """The page of one quote's bill."""
    currency = str(record.get("currency", ""))
    margin = record.get("margin")
    return BillView(quote.id, quote.product_id, record, quote.quantity,
                    stored_money(str(record.get("cost", "")), currency),
                    stored_money(str(record.get("order_cost", "")), currency),
                    stored_money(str(margin), quote.currency) if margin is not None else "")


def _demand_row(funnel: Funnel) -> DemandRow:
    counts = funnel.counts
    ends = sorted(funnel.ended.items(), key=lambda item: (-item[1], item[0]))
    said = ", ".join(f"{step or _('(first step)')}: {sessions}" for step, sessions in ends)
    return DemandRow(funnel.product_id, counts["started"], counts["completed"], counts["saved"], counts["quoted"],
                     said)

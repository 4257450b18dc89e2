"""The merchandiser's page as data: each product on sale with its version and lint findings, the catalog's errors
and warnings, the four-faces matrix and the recent quotes."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from catalog.loader import Catalog
from catalog.wording import current_language
from configurator.persistence.db import Quote
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
    quotes: tuple[tuple[str, str, str, str], ...]  # id, product, total with currency, when
    csrf: str


@functools.lru_cache(maxsize=64)
def _lint(engine: Engine) -> tuple[Finding, ...]:
    """Lint once per compiled product (the Renault Megane takes about a second)."""
    return tuple(lint(engine))


def merchant_view(catalog: Catalog, quotes: list[Quote], token: str) -> MerchantView:
    """The page's data."""
    rows = []
    for loaded in catalog.products.values():
        found = _lint(engine_for(loaded.product, loaded.content_hash))
        shown = tuple(f"{'error' if f.error else 'warning'}: {f.kind}: {f.message}" for f in found)
        since = catalog.kept.get(loaded.product.id)
        rows.append(ProductRow(loaded.product.id, loaded.product.name, loaded.file, loaded.version[:12],
                               _when(loaded.loaded_at), shown, None if since is None else _when(since)))
    recent = tuple((q.id, q.product_id, stored_money(q.total, q.currency), q.created_at.strftime("%Y-%m-%d %H:%M UTC"))
                   for q in quotes)
    products = (loaded.in_language(current_language()) for loaded in catalog.products.values())
    return MerchantView(tuple(rows), tuple(map(str, catalog.errors)), tuple(map(str, catalog.warnings)),
                        faces_view(products), recent, token)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")

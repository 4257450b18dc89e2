"""Live reload: the server watches its catalog folder and swaps in each valid change, compiled first.

Each product reloads on its own: a product whose file no longer loads or serves (a table it reads counts as its
file) keeps its last good version on sale, its errors logged and kept for the merchandiser page, while every other
change is taken; so does a language whose companion file is broken (its last good words); a product whose file is
deleted stops being offered. The swap replaces one reference, so a
request in flight keeps the product it started with.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import UTC, datetime
from pathlib import Path

from watchfiles import awatch

from catalog.loader import Catalog, LoadedProduct
from configurator.services.catalogs import ServedCatalog, load_compiled

_log = logging.getLogger(__name__)


def reload_catalog(served: ServedCatalog, folder: Path) -> Catalog:
    """Load, compile and prepare the folder again and swap the result in, product by product: a product whose
    file (or a table it reads) is broken now keeps its last good version; every other change is taken."""
    merged = merge_catalogs(served.catalog, load_compiled([folder]), datetime.now(UTC))
    served.catalog = merged
    for error in merged.errors:
        _log.warning("catalog file not on sale as it is now: %s", error)
    for product_id, since in merged.kept.items():
        _log.warning("product %s: its last good version stays on sale (file broken since %s)", product_id, since)
    return merged


def merge_catalogs(current: Catalog, fresh: Catalog, now: datetime) -> Catalog:
    """The fresh catalog plus, for each product of a broken file, the version that was serving."""
    kept = {
        pid: old for pid, old in current.products.items() if pid not in fresh.products and old.file in fresh.broken
    }
    since = {pid: current.kept.get(pid, now) for pid in kept}
    products = {pid: _with_kept_words(current.products.get(pid), loaded, fresh.broken)
                for pid, loaded in fresh.products.items()}
    return Catalog(products={**products, **kept}, errors=fresh.errors, files=fresh.files,
                   warnings=fresh.warnings, broken=fresh.broken, kept=since)


def _with_kept_words(old: LoadedProduct | None, fresh: LoadedProduct, broken: set[str]) -> LoadedProduct:
    """The fresh product with, for each language whose companion file is broken now, the words it had."""
    if old is None:
        return fresh
    kept = [language for language, file in old.translation_files.items()
            if file in broken and language not in fresh.translations]
    if not kept:
        return fresh
    return dataclasses.replace(
        fresh,
        translations={**fresh.translations, **{lang: old.translations[lang] for lang in kept}},
        in_languages={**fresh.in_languages, **{lang: old.in_languages[lang] for lang in kept}},
        translation_files={**fresh.translation_files, **{lang: old.translation_files[lang] for lang in kept}},
    )


async def watch_catalog(served: ServedCatalog, folder: Path, stop: asyncio.Event) -> None:
    """Reload after every change in the folder until `stop` is set."""
    async for _ in awatch(folder, stop_event=stop, debounce=200, step=50, rust_timeout=500):
        try:
            await asyncio.to_thread(reload_catalog, served, folder)
        except Exception:  # a reload that fails for any reason leaves the catalog that was serving
            _log.exception("catalog reload failed; still serving the previous catalog")

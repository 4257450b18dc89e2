"""Live reload: the server watches its catalog folder and swaps in each valid change, compiled first.

A file that no longer loads keeps its last good products on sale (its errors are logged and kept for the
merchandiser page); a product whose file is deleted stops being offered. The swap replaces one reference, so a
request in flight keeps the product it started with.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from watchfiles import awatch

from catalog.loader import Catalog
from configurator.catalogs import load_compiled
from rules.engine import engine_for

_log = logging.getLogger(__name__)


def reload_catalog(app: FastAPI, folder: Path) -> Catalog:
    """Load and compile the folder again and swap the result in, keeping the last good products of broken files."""
    fresh = load_compiled([folder])
    for loaded in fresh.products.values():
        engine_for(loaded.product, loaded.content_hash).prepare()  # the first shopper after a change pays nothing
    current: Catalog = app.state.catalog
    broken = {error.file for error in fresh.errors}
    kept = {pid: old for pid, old in current.products.items() if pid not in fresh.products and old.file in broken}
    merged = Catalog({**fresh.products, **kept}, fresh.errors, fresh.files, fresh.warnings)
    app.state.catalog = merged
    for error in fresh.errors:
        _log.warning("catalog file not on sale (the last good version stays): %s", error)
    return merged


async def watch_catalog(app: FastAPI, folder: Path, stop: asyncio.Event) -> None:
    """Reload after every change in the folder until `stop` is set."""
    async for _ in awatch(folder, stop_event=stop, debounce=200, step=50, rust_timeout=500):
        try:
            await run_in_threadpool(reload_catalog, app, folder)
        except Exception:  # a reload that fails for any reason leaves the catalog that was serving
            _log.exception("catalog reload failed; still serving the previous catalog")

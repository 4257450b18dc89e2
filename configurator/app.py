"""The ASGI application: the shop's pages and the JSON API over one loaded catalog."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from configurator import errors
from configurator.api import demand, profiles, quotes, signed, webhooks
from configurator.api.problems import document_problems
from configurator.api.products import router
from configurator.deps import shop_language
from configurator.limits import Buckets, KnownKeys, Limits
from configurator.middleware import (
    MAX_BODY_BYTES,
    BodyLimit,
    BodyTimeout,
    Compression,
    Cors,
    RateLimit,
    SecurityHeaders,
    ServerTiming,
)
from configurator.persistence.db import make_engine, migrate, server_secret
from configurator.services.catalogs import ServedCatalog, load_compiled
from configurator.services.order_history import OrderHistories
from configurator.services.origins import AllowedOrigins
from configurator.services.reloader import watch_catalog
from configurator.services.signals import Recorder
from configurator.services.signing import Signer
from configurator.services.webhooks import Dispatcher
from configurator.settings import FRONTEND, Settings
from configurator.web import asks, dialog, merchant, pages, preferences, render, saved

_log = logging.getLogger(__name__)
GZIP_FROM_BYTES = 1_400  # about one packet: below that, compressing saves nothing a client would notice
GZIP_LEVEL = 6  # the Megane's page: 11.8 KB in 0.8 ms; level 9 (Starlette's default) saves 0.5 KB for 4.6 ms
# What is compressed already among what the app sends (a quote's PDF); Starlette's longer default list, of images,
# fonts and media the app never sends, is normalized again on every request: 70 calls on each price.
GZIP_SKIPS = ("application/pdf",)


def create_app(
    catalog_dir: str | Path | None = None,
    database_url: str | None = None,
    watch: bool | None = None,
    limits: Limits | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """Build the app over the catalog in `catalog_dir` (the bundled samples by default), reloading it on changes
    while it serves (unless `watch` is False or CONFIGURATOR_WATCH=0), with the `limits` given or configured."""
    given = {"catalog": catalog_dir, "database_url": database_url, "watch": watch}
    settings = (settings or Settings()).model_copy(update={k: v for k, v in given.items() if v is not None})
    limits = limits or settings.request_limits()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_catalog(served, Path(settings.catalog), stop)) if settings.watch else None
        writer = asyncio.create_task(app.state.signals.run(stop))  # signals written off the request path
        hooks = Dispatcher(app.state.db, settings.webhook_backoff,
                           lambda: {pid: loaded.version for pid, loaded in served.catalog.products.items()})
        sender = asyncio.create_task(hooks.run(stop))  # webhook deliveries, from the rows that queue them
        yield
        stop.set()
        if watcher is not None:
            await watcher
        await writer  # and the last of them before the server stops
        await sender

    catalog = load_compiled([settings.catalog])  # compiled and prepared: the first shopper pays nothing
    for error in catalog.errors:  # for the merchandiser, in the server's log; shoppers never see file paths
        _log.warning("catalog file not on sale: %s", error)
    app = FastAPI(
        title="Configurator",
        version="0.1.0",
        description="Configure and price mass-customized products. Prices are always computed by the server.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        lifespan=lifespan,
    )
    app.openapi = lambda: document_problems(app)  # type: ignore[method-assign]
    app.state.served = served = ServedCatalog(catalog)
    app.state.db = make_engine(settings.database_url)
    migrate(app.state.db)
    app.state.histories = OrderHistories(app.state.db)
    app.state.suggest_from = settings.suggest_from
    app.state.signer = Signer(app.state.db)
    app.state.signals = Recorder(app.state.db, settings.signals == "on", settings.signal_days)
    app.state.secret = settings.secret or server_secret(app.state.db, "csrf")
    errors.install(app, render.error_page)
    app.include_router(router)
    app.include_router(quotes.router)
    app.include_router(profiles.router)
    app.include_router(demand.router)
    app.include_router(signed.router)
    app.include_router(webhooks.router)
    speaks = [Depends(shop_language)]  # every shop page speaks the shopper's language
    for shop in (pages, saved, preferences, dialog, merchant, asks):
        app.include_router(shop.router, dependencies=speaks)
    app.mount("/static", StaticFiles(directory=FRONTEND / "static"), name="static")

    app.state.buckets = Buckets(limits)  # batches take their items' share from the same buckets
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(BodyTimeout, seconds=limits.body_seconds, cap=MAX_BODY_BYTES)
    app.add_middleware(RateLimit, limits=limits, buckets=app.state.buckets, keys=KnownKeys(app.state.db),
                       refuse=render.refusal)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Cors, origins=AllowedOrigins(app.state.db))  # browsers on the origins keys list
    # Pages and fragments compress about tenfold (the Megane's page: 94 KB to 9 KB); small JSON answers, such as a
    # price, stay as they are.
    app.add_middleware(Compression, minimum_size=GZIP_FROM_BYTES, level=GZIP_LEVEL, skip=GZIP_SKIPS)
    app.add_middleware(ServerTiming)  # outermost: the whole of the server's time

    return app

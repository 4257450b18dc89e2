"""The ASGI application: the shop's pages and the JSON API over one loaded catalog."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog.loader import load_catalog
from configurator import errors
from configurator.api import quotes
from configurator.api.routes import router
from configurator.db import make_engine, migrate
from configurator.settings import FRONTEND, load_settings

MAX_BODY_BYTES = 1024 * 1024


class BodyLimit:
    """Refuses request bodies over a set size with 413, before any parsing (a plain ASGI middleware: cheap)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length; a body of undeclared length is read (up to the limit) and replayed."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > self.limit:
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            if message["type"] != "http.request" or not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = errors.problem(413, "Request body too large", f"at most {self.limit} bytes")
        await response(scope, receive, send)


def create_app(catalog_dir: str | Path | None = None, database_url: str | None = None) -> FastAPI:
    """Build the app over the catalog in `catalog_dir` (the bundled samples by default)."""
    settings = load_settings(catalog_dir, database_url)
    catalog = load_catalog([settings.catalog_dir])
    templates = Jinja2Templates(directory=FRONTEND / "templates")
    app = FastAPI(
        title="Configurator",
        version="0.1.0",
        description="Configure and price mass-customized products. Prices are always computed by the server.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
    )
    app.state.catalog = catalog
    app.state.db = make_engine(settings.database_url)
    migrate(app.state.db)
    errors.install(app)
    app.include_router(router)
    app.include_router(quotes.router)
    app.mount("/static", StaticFiles(directory=FRONTEND / "static"), name="static")

    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        products = [loaded.product for loaded in catalog.products.values()]
        return templates.TemplateResponse(request, "pages/index.html", {"products": products, "errors": catalog.errors})

    return app

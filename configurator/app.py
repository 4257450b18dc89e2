"""The ASGI application: the shop's pages and the JSON API over one loaded catalog."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Receive, Scope, Send

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
        """Check the declared length, then pass the request on."""
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                    response = errors.problem(413, "Request body too large", f"at most {self.limit} bytes")
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


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

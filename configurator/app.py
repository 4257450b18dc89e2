"""The ASGI application: the shop's pages and the JSON API over one loaded catalog."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from catalog.loader import load_catalog
from configurator import errors
from configurator.api import quotes
from configurator.api.routes import router
from configurator.db import make_engine, migrate
from configurator.settings import FRONTEND, load_settings

MAX_BODY_BYTES = 1024 * 1024


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

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return errors.problem(413, "Request body too large", f"at most {MAX_BODY_BYTES} bytes")
        return await call_next(request)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        products = [loaded.product for loaded in catalog.products.values()]
        return templates.TemplateResponse(request, "pages/index.html", {"products": products, "errors": catalog.errors})

    return app

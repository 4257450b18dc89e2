"""The ASGI application: the shop's pages and the JSON API over one loaded catalog."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from catalog.loader import load_catalog
from configurator.settings import FRONTEND, load_settings


def create_app(catalog_dir: str | Path | None = None) -> FastAPI:
    """Build the app over the catalog in `catalog_dir` (the bundled samples by default)."""
    settings = load_settings(catalog_dir)
    catalog = load_catalog([settings.catalog_dir])
    templates = Jinja2Templates(directory=FRONTEND / "templates")
    app = FastAPI(title="Configurator", version="0.1.0", openapi_url="/api/v1/openapi.json")
    app.state.catalog = catalog
    app.mount("/static", StaticFiles(directory=FRONTEND / "static"), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        products = [loaded.product for loaded in catalog.products.values()]
        return templates.TemplateResponse(request, "pages/index.html", {"products": products, "errors": catalog.errors})

    @app.get("/api/v1/products")
    def products() -> list[dict[str, str]]:
        """The products on offer."""
        return [
            {
                "id": p.product.id,
                "name": p.product.name,
                "currency": p.product.currency,
                "base_price": str(p.product.base_price),
            }
            for p in catalog.products.values()
        ]

    return app

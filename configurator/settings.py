"""Application settings, read from the environment once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import catalog
from configurator.limits import Limits, limits_from_environment

BUNDLED_CATALOG = Path(catalog.__file__).parent / "products"
FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
# The one htmx file pages load from a CDN: pinned, with subresource integrity; the same file, vendored under
# static/vendor/, is loaded instead when the CDN is unreachable (static/htmx-fallback.js).
HTMX_VERSION = "4.0.1"
HTMX_CDN = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
HTMX_INTEGRITY = "sha384-Qp9rdC8H7EqOoX+nR0P3RPG2Noji+qdwJlGpfzwQJsfOpp3sGwIdSP9xO3+UlEhn"
HTMX_VENDORED = f"/static/vendor/htmx-{HTMX_VERSION}.min.js"


@dataclass(frozen=True)
class Settings:
    """Where the catalog and the database are."""

    catalog_dir: Path = BUNDLED_CATALOG
    database_url: str = "sqlite:///configurator.persistence.db"
    watch: bool = True  # reload the catalog when its files change
    # Signs CSRF tokens; the same in every process. Unset: one is made once and kept in the database.
    secret: str | None = None
    limits: Limits = field(default_factory=Limits)  # request rates, time budgets (configurator/limits.py)


def load_settings(
    catalog_dir: str | Path | None = None, database_url: str | None = None, watch: bool | None = None
) -> Settings:
    """Settings from the environment (CONFIGURATOR_CATALOG, DATABASE_URL, CONFIGURATOR_WATCH=0 to stop live
    reload, CONFIGURATOR_SECRET, the limits' CONFIGURATOR_LIMITS and rates), overridden by arguments."""
    chosen = catalog_dir or os.environ.get("CONFIGURATOR_CATALOG") or BUNDLED_CATALOG
    return Settings(
        catalog_dir=Path(chosen),
        database_url=database_url or os.environ.get("DATABASE_URL", "sqlite:///configurator.persistence.db"),
        watch=watch if watch is not None else os.environ.get("CONFIGURATOR_WATCH", "1") != "0",
        secret=os.environ.get("CONFIGURATOR_SECRET") or None,
        limits=limits_from_environment(),
    )

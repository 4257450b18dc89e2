"""Application settings: one `Settings`, read from the environment once (at start-up, or by a command) and passed
on; nothing else reads the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, PositiveFloat, PositiveInt
from pydantic_settings import BaseSettings, SettingsConfigDict

import catalog
from configurator.limits import Limits

BUNDLED_CATALOG = Path(catalog.__file__).parent / "products"
FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
# The one htmx file pages load from a CDN: pinned, with subresource integrity; the same file, vendored under
# static/vendor/, is loaded instead when the CDN is unreachable (static/htmx-fallback.js).
HTMX_VERSION = "4.0.1"
HTMX_CDN = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
HTMX_INTEGRITY = "sha384-Qp9rdC8H7EqOoX+nR0P3RPG2Noji+qdwJlGpfzwQJsfOpp3sGwIdSP9xO3+UlEhn"
HTMX_VENDORED = f"/static/vendor/htmx-{HTMX_VERSION}.min.js"
_LIMITS = Limits()


def _default_cache() -> Path:
    """The user's cache folder (XDG_CACHE_HOME, else ~/.cache), for compiled models."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "configurator"


class Settings(BaseSettings):
    """Where the catalog, the database and the model cache are, the CSRF secret, and the request limits: each
    from its environment variable (`CONFIGURATOR_` and the field's name; `DATABASE_URL` for the database)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    catalog: Path = Field(BUNDLED_CATALOG, validation_alias="CONFIGURATOR_CATALOG")
    database_url: str = Field("sqlite:///configurator.db", validation_alias="DATABASE_URL")
    # Reload the catalog when its files change (CONFIGURATOR_WATCH=0 stops it).
    watch: bool = Field(True, validation_alias="CONFIGURATOR_WATCH")
    # Signs CSRF tokens; the same in every process. Unset: one is made once and kept in the database.
    secret: str | None = Field(None, validation_alias="CONFIGURATOR_SECRET")
    cache_dir: Path = Field(default_factory=_default_cache, validation_alias="CONFIGURATOR_CACHE_DIR")
    # Request rates and time budgets (configurator/limits.py); CONFIGURATOR_LIMITS=off turns the rates off.
    limits: Literal["on", "off"] = Field("on", validation_alias="CONFIGURATOR_LIMITS")
    engine_rate: PositiveFloat = Field(_LIMITS.engine_rate, validation_alias="CONFIGURATOR_ENGINE_RATE")
    engine_burst: PositiveFloat = Field(_LIMITS.engine_burst, validation_alias="CONFIGURATOR_ENGINE_BURST")
    write_rate: PositiveFloat = Field(_LIMITS.write_rate, validation_alias="CONFIGURATOR_WRITE_RATE")
    write_burst: PositiveFloat = Field(_LIMITS.write_burst, validation_alias="CONFIGURATOR_WRITE_BURST")
    key_factor: PositiveFloat = Field(_LIMITS.key_factor, validation_alias="CONFIGURATOR_KEY_FACTOR")
    engine_seconds: PositiveFloat = Field(_LIMITS.engine_seconds, validation_alias="CONFIGURATOR_ENGINE_SECONDS")
    body_seconds: PositiveFloat = Field(_LIMITS.body_seconds, validation_alias="CONFIGURATOR_BODY_SECONDS")
    # The shop suggests a value from the order history only where this many customers who chose alike gave one.
    suggest_from: PositiveInt = Field(5, validation_alias="CONFIGURATOR_SUGGEST_FROM")
    # What shoppers do in the shop, for the merchandiser (issue 25): "off" records nothing; kept this many days.
    signals: Literal["on", "off"] = Field("on", validation_alias="CONFIGURATOR_SIGNALS")
    signal_days: PositiveInt = Field(90, validation_alias="CONFIGURATOR_SIGNAL_DAYS")
    # A webhook delivery that fails is tried again after this many seconds, doubling each time (8 attempts).
    webhook_backoff: PositiveFloat = Field(30.0, validation_alias="CONFIGURATOR_WEBHOOK_BACKOFF")

    def request_limits(self) -> Limits:
        """The limits these settings give."""
        return Limits(self.engine_rate, self.engine_burst, self.write_rate, self.write_burst, self.key_factor,
                      self.engine_seconds, self.body_seconds, enabled=self.limits == "on")

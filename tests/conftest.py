"""Shared fixtures: paths to the repository's catalogs and the shared benchmark models."""

from __future__ import annotations

import contextlib
import os
import random
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings
from sqlalchemy import func
from sqlmodel import Session, select

from catalog.importers.clib import import_clib
from catalog.importers.result import ImportResult, write_import
from catalog.importers.uvl import import_uvl
from catalog.importers.xcsp import import_xcsp
from catalog.loader import load_catalog
from configurator.app import create_app
from configurator.persistence.db import Quote, SavedConfiguration, create_api_key
from rules.engine import Engine, engine_for
from tests.browser import browser
from tests.live import shop_served

# CI runs the same examples every time (a red CI must be reproducible); local runs explore new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# Tests send hundreds of requests a second from one address: the request rates are off unless a test sets them
# (tests/configurator/test_limits.py); every other limit keeps its default.
os.environ["CONFIGURATOR_LIMITS"] = "off"

# One browser for every browser test in every module: a session fixture defined once, here (imported into two test
# modules it would be two fixtures, and a second Playwright cannot start on the first one's event loop).
__all__ = ["browser"]

# The CLI's disk cache of compiled models (configurator/services/modelcache.py) goes to a folder of the test run's own.
os.environ["CONFIGURATOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="configurator-cache-")

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "catalog" / "products"
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
# A complete, valid city-bike selection: 690 base + hub8 140 + belt 120 + rack 45 = 995.00 EUR.
COMPLETE_BIKE = {
    "rider_height": 175,
    "frame_size": "M",
    "material": "steel",
    "color": "black",
    "gears": "hub8",
    "belt_drive": True,
    "accessories": ["rack"],
}


@pytest.fixture(scope="session")
def benchmarks() -> Path:
    """The shared real-model folder, or a skip saying why it is missing."""
    if not BENCHMARKS.is_dir():
        pytest.skip(f"real benchmark models not found at {BENCHMARKS} (clone the project beside shared/)")
    return BENCHMARKS


def _import_real(benchmarks: Path, name: str) -> ImportResult:
    if name == "megane":
        return import_clib(benchmarks / "renault-megane-clib", "megane")
    if name == "xcsp3":
        return import_xcsp(benchmarks / "renault-xcsp3" / "RenaultMod-00.xml.xz")
    if name in ("small", "medium"):
        return import_xcsp(benchmarks / "renault-br4cp" / name / "contraintes.xml")
    if name == "big":
        return import_xcsp(benchmarks / "renault-br4cp" / "big" / "contraintes.xml.gz")
    return import_uvl(benchmarks / "uvl-models" / f"{name}.uvl")


@pytest.fixture(scope="session")
def real_import(benchmarks: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The catalog file of a real model by name (megane, xcsp3, BR4CP's small/medium/big, a UVL file's stem),
    imported once per test run: the largest take seconds each, and several test files use them."""
    out = tmp_path_factory.mktemp("real-imports")
    paths: dict[str, Path] = {}

    def imported(name: str) -> Path:
        if name not in paths:
            paths[name] = write_import(_import_real(benchmarks, name), out)
        return paths[name]

    return imported


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server on loopback, or a skip saying why there is none."""
    binaries = _postgres_bin()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (make test installs Debian's postgresql where it can)")
    # Not under pytest's private temporary folder: the postgres user must be able to reach it.
    base = Path(tempfile.mkdtemp(prefix="configurator-pg-"))
    data = base / "data"
    base.chmod(0o777)
    # PostgreSQL refuses to run as root: run it as the postgres user when we are root.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        subprocess.run(
            [*prefix, str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(base / "log"), "start"],
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError) as exc:
        shutil.rmtree(base, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        pytest.skip(f"could not start PostgreSQL: {exc} {detail.decode(errors='replace')[-300:]}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True, timeout=120
        )


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> Iterator[str]:
    """A new, empty database on the throwaway server, for tests whose rows are committed by a live server."""
    import psycopg

    name = f"t_{os.getpid()}_{secrets.token_hex(4)}"
    server = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of each kind (a test using it runs on SQLite and on PostgreSQL)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shop.db'}"
    else:
        yield request.getfixturevalue("fresh_postgres_url")


@pytest.fixture
def app_on_file(tmp_path: Path) -> Iterator[FastAPI]:
    """The app on the bundled catalog with a SQLite file of its own (no catalog watcher, no lifespan), disposed
    after: a test may open a second app on the same file, as another process would."""
    app = create_app(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)
    yield app
    app.state.db.dispose()


@pytest.fixture(scope="module")
def keyed_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    """A client of the app on its own SQLite file (server errors answered, not raised) and a valid API key."""
    app = create_app(database_url=f"sqlite:///{tmp_path_factory.mktemp('shop') / 'db.sqlite'}")
    with Session(app.state.db) as db:
        key = create_api_key(db, "shop")
    yield TestClient(app, raise_server_exceptions=False), key
    app.state.db.dispose()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[str]:
    """The shop on the bundled catalog served on loopback for a browser test module, with a database of its own."""
    with shop_served(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])) as base:
        yield base


@contextlib.contextmanager
def app_client() -> Iterator[TestClient]:
    """A client of the app on the bundled catalog with an in-memory database (no catalog watcher), disposed after."""
    app = create_app(database_url="sqlite://", watch=False)
    with TestClient(app) as made:
        yield made
    app.state.db.dispose()


def stored_rows(client: TestClient) -> tuple[int, int]:
    """How many quotes and saved configurations the client's app has stored."""
    with Session(client.app.state.db) as db:  # type: ignore[attr-defined]
        return (
            db.exec(select(func.count()).select_from(Quote)).one(),
            db.exec(select(func.count()).select_from(SavedConfiguration)).one(),
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: they share one browser, and Playwright's sync API keeps an event loop on this thread
    while it is open, which other tests' own event loops must not meet."""
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


def megane_engine() -> Engine:
    """A fresh engine (nothing remembered) over the bundled Renault Megane, compiled once per process."""
    loaded = load_catalog([BUNDLED]).products["renault-megane"]
    return Engine(engine_for(loaded.product, loaded.content_hash).model)


def random_session(engine: Engine, steps: int, seed: int) -> dict[str, Any]:
    """A selection of `steps` random choices, each from the valid domains of the ones before."""
    rng, selection = random.Random(seed), {}
    for _ in range(steps):
        domains = engine.valid_domains(selection).domains
        option = rng.choice([k for k, d in domains.items() if k not in selection and d.values])
        selection[option] = rng.choice(domains[option].values)
    return selection

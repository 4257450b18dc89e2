"""Several server processes on one PostgreSQL: each migrates, loads and watches the catalog on its own, they
converge on the same versions after an edit, and a quote made through one reads back through the other."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
from sqlmodel import Session

from configurator.persistence.db import create_api_key, make_engine
from tests.conftest import BUNDLED, COMPLETE_BIKE

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def _server(folder: Path, database_url: str) -> Iterator[str]:
    """One uvicorn process of the app, as `configurator serve --workers N` starts each of its workers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url, "CONFIGURATOR_CATALOG": str(folder), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "uvicorn", "--factory", "configurator.app:create_app", "--port", str(port),
               "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(f"{base}/api/v1/products", timeout=5).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _versions(base: str) -> dict[str, str]:
    return {p["id"]: p["version"] for p in httpx2.get(f"{base}/api/v1/products", timeout=10).json()}


def test_two_processes_share_quotes_and_converge_on_versions(fresh_postgres_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    bike = folder / "city-bike.yaml"
    bike.write_text((BUNDLED / "city-bike.yaml").read_text())
    with _server(folder, fresh_postgres_url) as first, _server(folder, fresh_postgres_url) as second:
        database = make_engine(fresh_postgres_url)
        with Session(database) as db:
            key = create_api_key(db, "shop")
        database.dispose()
        made = httpx2.post(f"{first}/api/v1/quotes", headers={"X-API-Key": key},
                           json={"product_id": "city-bike", "selections": COMPLETE_BIKE}, timeout=30)
        assert made.status_code == 201, made.text
        read = httpx2.get(f"{second}/api/v1/quotes/{made.json()['id']}", headers={"X-API-Key": key}, timeout=30)
        assert read.status_code == 200 and read.json()["total"] == made.json()["total"]
        before = _versions(first)
        assert _versions(second) == before
        temporary = bike.with_suffix(".tmp")
        temporary.write_text(bike.read_text().replace('base_price: "690.00"', 'base_price: "695.00"'))
        os.replace(temporary, bike)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (_versions(first) == before or _versions(second) != _versions(first)):
            time.sleep(0.1)
        assert _versions(first) != before and _versions(second) == _versions(first)

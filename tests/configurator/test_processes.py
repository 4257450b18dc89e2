"""Several server processes on one PostgreSQL: each migrates, loads and watches the catalog on its own, they
converge on the same versions after an edit, and a quote made through one reads back through the other."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx2
from sqlmodel import Session

from configurator.persistence.db import create_api_key, make_engine
from tests.conftest import BUNDLED, COMPLETE_BIKE
from tests.live import app_process


def _versions(base: str) -> dict[str, str]:
    return {p["id"]: p["version"] for p in httpx2.get(f"{base}/api/v1/products", timeout=10).json()}


def test_two_processes_share_quotes_and_converge_on_versions(fresh_postgres_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    bike = folder / "city-bike.yaml"
    bike.write_text((BUNDLED / "city-bike.yaml").read_text())
    with app_process(folder, fresh_postgres_url) as first, app_process(folder, fresh_postgres_url) as second:
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

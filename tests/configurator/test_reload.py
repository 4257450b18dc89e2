"""Live reload under load: while four clients price and configure, the catalog file is replaced by a broken one,
then by a fixed one with a new price: no request fails, the old price is served while the file is broken, and the
new one within two seconds of the fix."""

from __future__ import annotations

import os
import threading
import time
from decimal import Decimal
from pathlib import Path

import httpx2
import pytest

from configurator.app import create_app
from configurator.services.reloader import reload_catalog
from rules.engine import Engine, compiled_engine
from tests.configurator.test_catalogs import WIDE
from tests.conftest import BUNDLED, COMPLETE_BIKE
from tests.live import serving


def _replace(path: Path, text: str) -> None:
    """Write a file the way editors and deploys do: a new file moved over the old one."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def test_a_broken_edit_never_fails_a_request_and_a_fix_is_served_within_two_seconds(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    original = (BUNDLED / "city-bike.yaml").read_text()
    bike = folder / "city-bike.yaml"
    bike.write_text(original)
    app = create_app(folder, f"sqlite:///{tmp_path / 'db.sqlite'}", watch=True)
    seen: list[tuple[float, int, str]] = []
    stop = threading.Event()

    def client(base: str, kind: int) -> None:
        with httpx2.Client(base_url=base, timeout=30) as http:
            while not stop.is_set():
                if kind % 2:
                    answer = http.post("/api/v1/products/city-bike/price", json={"selections": COMPLETE_BIKE})
                    total = answer.json().get("total", "") if answer.status_code == 200 else ""
                else:
                    answer = http.post("/api/v1/products/city-bike/configure", json={"selections": {"gears": "hub8"}})
                    total = ""
                seen.append((time.monotonic(), answer.status_code, total))

    with serving(app, lifespan=True) as base:
        old = httpx2.post(f"{base}/api/v1/products/city-bike/price", json={"selections": COMPLETE_BIKE}).json()["total"]
        threads = [threading.Thread(target=client, args=(base, k)) for k in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        _replace(bike, original.replace("base_price:", "base_price: [broken\nx:", 1))
        time.sleep(1.5)
        broken_errors = [str(e) for e in app.state.served.catalog.errors]
        during = [total for _, _, total in seen if total]
        fixed_at = time.monotonic()
        _replace(bike, original.replace('base_price: "690.00"', 'base_price: "700.00"'))
        deadline = fixed_at + 5
        while time.monotonic() < deadline and not any(t > fixed_at and total != old and total for t, _, total in seen):
            time.sleep(0.05)
        time.sleep(0.3)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert seen and all(status == 200 for _, status, _ in seen), {status for _, status, _ in seen}
    assert broken_errors and broken_errors[0].startswith(str(bike))  # file:line:col, for the merchandiser
    assert set(during) == {old}  # the last good version kept serving
    first_new = min(t for t, _, total in seen if total and total != old)
    assert first_new - fixed_at <= 2.0
    assert {total for t, _, total in seen if total and t > first_new + 0.1} == {str(Decimal(old) + 10)}


def test_a_deleted_file_stops_being_offered_and_a_new_one_is_compiled_before_it_serves(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    for name in ("city-bike.yaml", "lighting-kit.yaml"):
        (folder / name).write_text((BUNDLED / name).read_text())
    app = create_app(folder, f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)
    (folder / "lighting-kit.yaml").unlink()
    (folder / "coffee-gift-box.yaml").write_text((BUNDLED / "coffee-gift-box.yaml").read_text())
    (folder / "city-bike.yaml").write_text("id: [")
    catalog = reload_catalog(app.state.served, folder)
    assert set(catalog.products) == {"city-bike", "coffee-gift-box"}  # the bike's last good version stays
    assert app.state.served.catalog is catalog and [e.file for e in catalog.errors] == [str(folder / "city-bike.yaml")]
    loaded = catalog.products["coffee-gift-box"]
    assert compiled_engine(loaded.product, loaded.content_hash) is not None  # compiled before it was swapped in


def test_a_product_that_cannot_compile_or_crashes_never_stops_other_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    bike = folder / "city-bike.yaml"
    bike.write_text((BUNDLED / "city-bike.yaml").read_text())
    prepare = Engine.prepare

    def defective(engine: Engine) -> None:  # an engine defect on one product: it must cost that product alone
        if engine.model.product.id == "crashy":
            raise TypeError("a defect")
        prepare(engine)

    monkeypatch.setattr(Engine, "prepare", defective)
    app = create_app(folder, f"sqlite:///{tmp_path / 'db.sqlite'}", watch=True)
    with serving(app, lifespan=True) as base:
        _replace(folder / "wide.yaml", WIDE)
        _replace(folder / "crashy.yaml", (BUNDLED / "lighting-kit.yaml").read_text().replace(
            "id: lighting-kit", "id: crashy", 1))
        time.sleep(1.0)
        edited = time.monotonic()
        _replace(bike, bike.read_text().replace('base_price: "690.00"', 'base_price: "700.00"'))
        served_at = None
        while time.monotonic() < edited + 5 and served_at is None:
            total = httpx2.post(f"{base}/api/v1/products/city-bike/price", json={"selections": COMPLETE_BIKE})
            if total.json()["total"] == "1005.00":
                served_at = time.monotonic()
            time.sleep(0.05)
        listed = [p["id"] for p in httpx2.get(f"{base}/api/v1/products").json()]
    assert served_at is not None and served_at - edited <= 2.0
    assert listed == ["city-bike"]  # neither new product is on sale
    errors = {Path(e.file).name: e.message for e in app.state.served.catalog.errors}
    assert errors["wide.yaml"].startswith("rule 'fits' cannot be compiled")
    assert errors["crashy.yaml"] == "cannot be served (TypeError): a defect in the engine, please report it"


def test_a_broken_translation_keeps_its_last_good_words_and_a_fix_is_taken(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    for name in ("city-bike.yaml", "city-bike.de.yaml", "city-bike.fr.yaml"):
        (folder / name).write_text((BUNDLED / name).read_text())
    app = create_app(folder, f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)
    german = (folder / "city-bike.de.yaml").read_text()
    _replace(folder / "city-bike.de.yaml", german + "  oops: [\n")
    _replace(folder / "city-bike.fr.yaml", (folder / "city-bike.fr.yaml").read_text().replace("Cadre", "Le cadre"))
    catalog = reload_catalog(app.state.served, folder)
    bike = catalog.products["city-bike"]
    assert [e.file for e in catalog.errors] == [str(folder / "city-bike.de.yaml")]
    assert bike.in_language("de").name == "Stadtrad nach Maß"  # the last good German words
    assert bike.in_language("fr").steps[0].label == "Le cadre"  # the French edit is taken
    _replace(folder / "city-bike.de.yaml", german.replace("Stadtrad nach Maß", "Maßgefertigtes Stadtrad"))
    assert reload_catalog(app.state.served, folder).products["city-bike"].in_language("de").name == (
        "Maßgefertigtes Stadtrad")

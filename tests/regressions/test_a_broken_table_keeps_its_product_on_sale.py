"""Regression: a bad row appended to a product's table CSV while serving made the product answer 404 (the
reload's "broken files" held the CSV's path, while the kept products were matched by their YAML's), although the
log said the last good version stayed."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from configurator.app import create_app
from configurator.services.reloader import reload_catalog
from tests.conftest import BUNDLED

TABLES = Path(__file__).parents[1] / "catalog" / "tables"


def test_a_broken_table_keeps_the_last_good_version_while_other_edits_are_taken(tmp_path: Path) -> None:
    for name in ("frames.yaml", "frames.csv"):
        shutil.copy(TABLES / name, tmp_path / name)
    bike = tmp_path / "city-bike.yaml"
    bike.write_text((BUNDLED / "city-bike.yaml").read_text())
    app = create_app(tmp_path, "sqlite://", watch=False)
    good = app.state.served.catalog.products["frames"]
    with (tmp_path / "frames.csv").open("a") as table:
        table.write("XL,rigid,40,too,many\n")
    bike.write_text(bike.read_text().replace('base_price: "690.00"', 'base_price: "700.00"'))
    catalog = reload_catalog(app.state.served, tmp_path)
    assert catalog.products["frames"] is good  # its last good version stays
    assert set(catalog.kept) == {"frames"}
    assert str(catalog.products["city-bike"].product.base_price) == "700.00"  # the other edit is taken
    assert any(error.file.endswith("frames.csv") for error in catalog.errors)
    with TestClient(app) as client:
        assert client.post("/api/v1/products/frames/configure", json={"selections": {}}).status_code == 200
    since = catalog.kept["frames"]
    assert reload_catalog(app.state.served, tmp_path).kept == {"frames": since}  # still broken: since the first time
    (tmp_path / "frames.csv").write_text((TABLES / "frames.csv").read_text())
    assert reload_catalog(app.state.served, tmp_path).kept == {}

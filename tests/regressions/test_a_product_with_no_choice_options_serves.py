"""Regression: a product whose only option is a text option passed `configurator check`, then crashed the server at
start (the least-changes pass over a model with no variables) and, dropped into a served folder, made every later
reload fail, so that edits to other files were ignored."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from configurator.app import create_app
from configurator.services.catalogs import load_compiled
from configurator.services.reloader import reload_catalog
from tests.conftest import BUNDLED

TEXT_ONLY = """\
id: engraving
name: Engraving
currency: EUR
base_price: "10.00"
steps:
  - id: s
    label: S
    options:
      - {id: t, type: text, label: Text, max_length: 10}
"""


def test_a_text_only_product_is_checked_served_and_priced(tmp_path: Path) -> None:
    (tmp_path / "engraving.yaml").write_text(TEXT_ONLY)
    assert not load_compiled([tmp_path]).errors  # what `configurator check` runs
    with TestClient(create_app(tmp_path, "sqlite://", watch=False)) as client:
        assert client.get("/products/engraving").status_code == 200
        assert client.post("/api/v1/products/engraving/configure", json={"selections": {}}).json()["complete"]
        price = client.post("/api/v1/products/engraving/price", json={"selections": {"t": "hi"}})
        assert price.status_code == 200 and price.json()["total"] == "10.00"


def test_it_never_stops_a_served_folder_from_taking_other_edits(tmp_path: Path) -> None:
    bike = tmp_path / "city-bike.yaml"
    bike.write_text((BUNDLED / "city-bike.yaml").read_text())
    app = create_app(tmp_path, "sqlite://", watch=False)
    (tmp_path / "engraving.yaml").write_text(TEXT_ONLY)
    bike.write_text(bike.read_text().replace('base_price: "690.00"', 'base_price: "700.00"'))
    catalog = reload_catalog(app.state.served, tmp_path)
    assert not catalog.errors
    assert set(catalog.products) == {"city-bike", "engraving"}
    assert str(catalog.products["city-bike"].product.base_price) == "700.00"

"""A product the engine cannot compile is refused at load, with the rule's position: `check` reports it and the
server never offers it, so a catalog that passes `check` never fails on a shopper's first request."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from configurator.app import create_app
from configurator.cli import app as cli
from configurator.services.catalogs import load_compiled
from tests.conftest import BUNDLED

WIDE = """id: wide
name: Too wide to compile
currency: EUR
base_price: "10"
steps:
  - id: sizes
    label: Sizes
    options:
      - {id: a, type: number, min: 0, max: 999}
      - {id: b, type: number, min: 0, max: 999}
      - {id: c, type: number, min: 0, max: 999}
rules:
  - id: fits
    type: constraint
    message: It must fit.
    expr: a * b * c <= 5000
"""


def test_a_rule_the_engine_cannot_compile_is_a_catalog_error(tmp_path: Path) -> None:
    (tmp_path / "wide.yaml").write_text(WIDE)
    (tmp_path / "bike.yaml").write_text((BUNDLED / "city-bike.yaml").read_text())
    catalog = load_compiled([tmp_path])
    assert sorted(catalog.products) == ["city-bike"]
    [error] = catalog.errors
    assert (error.file, error.line, error.col) == (str(tmp_path / "wide.yaml"), 13, 5)
    assert error.message.startswith("rule 'fits' cannot be compiled: its options have 1,000,000,000 value")
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 1 and f"{tmp_path / 'wide.yaml'}:13:5: rule 'fits' cannot be compiled" in result.output
    client = TestClient(create_app(tmp_path, "sqlite://"))
    assert [p["id"] for p in client.get("/api/v1/products").json()] == ["city-bike"]
    assert client.post("/api/v1/products/wide/configure", json={"selections": {}}).status_code == 404

"""A product the engine cannot compile is refused at load, with the rule's position: `check` reports it and the
server never offers it, so a catalog that passes `check` never fails on a shopper's first request."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from catalog.loader import load_catalog
from catalog.wording import speaking
from configurator.app import create_app
from configurator.cli import app as cli
from configurator.services.catalogs import engine_of, load_compiled
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


GERMAN_LAMP = """\
id: lamp
name: Schreibtischlampe
language: de
languages: [de, en]
currency: EUR
base_price: "10.00"
steps:
  - id: look
    label: Aussehen
    options:
      - id: shade
        type: single
        label: Schirm
        values: [{id: red, label: Rot}, {id: blue, label: Blau}]
rules:
  - {id: no-blue, type: constraint, message: Blau ist ausverkauft., expr: shade != "blue"}
"""
ENGLISH_WORDS = """\
translates: lamp
language: en
name: Desk lamp
steps: {look: {label: Look}}
options: {shade: {label: Shade, values: {red: {label: Red}, blue: {label: Blue}}}}
rules: {no-blue: {message: Blue is sold out.}}
"""


@pytest.mark.parametrize(("asked", "name", "said"), [
    (None, "Schreibtischlampe", "Blau ist ausverkauft."),  # nobody asked (a storefront, the command line): its own
    ("en", "Desk lamp", "Blue is sold out."),
    ("de", "Schreibtischlampe", "Blau ist ausverkauft."),
    ("fr", "Schreibtischlampe", "Blau ist ausverkauft."),  # not offered in French: its own words
])
def test_an_engine_speaks_the_language_asked_for_else_the_products_own(
    tmp_path: Path, asked: str | None, name: str, said: str
) -> None:
    (tmp_path / "lamp.yaml").write_text(GERMAN_LAMP)
    (tmp_path / "lamp.en.yaml").write_text(ENGLISH_WORDS)
    loaded = load_catalog([tmp_path]).products["lamp"]
    with contextlib.nullcontext() if asked is None else speaking(asked):
        engine = engine_of(loaded)
    assert engine.model.product.name == name
    assert [v.message for v in engine.validate({"shade": "blue"}).violations] == [said]

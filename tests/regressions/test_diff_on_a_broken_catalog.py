"""Regression: `configurator diff OLD NEW` where NEW had a YAML syntax error said "products removed: city-bike" and
exited 0; its readable output showed Python reprs (`('size-by-height',)`, `Decimal('150')`). Now a broken catalog
is reported as file:line:col with exit 1, and the output is in words."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from configurator.cli import app
from tests.conftest import BUNDLED


def _catalogs(tmp_path: Path, new_text: str) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "city-bike.yaml").write_text((BUNDLED / "city-bike.yaml").read_text())
    (new / "city-bike.yaml").write_text(new_text)
    return old, new


def test_a_broken_new_catalog_is_an_error_not_a_removal(tmp_path: Path) -> None:
    old, new = _catalogs(tmp_path, "id: city-bike\nname: [\n")
    result = CliRunner().invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 1
    assert f"{new / 'city-bike.yaml'}:3:1:" in result.stderr and "removed" not in result.stdout
    as_json = CliRunner().invoke(app, ["diff", "--json", str(old), str(new)])
    report = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and report["ok"] is False and report["errors"][0]["line"] == 3


def test_the_readable_output_is_in_words(tmp_path: Path) -> None:
    text = (BUNDLED / "city-bike.yaml").read_text()
    old, new = _catalogs(tmp_path, text.replace('base_price: "690.00"', 'base_price: "700.00"')
                         .replace("size-by-height", "size-for-height"))
    result = CliRunner().invoke(app, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "rules added: size-for-height" in result.stdout and "rules removed: size-by-height" in result.stdout
    assert "prices changed: base_price" in result.stdout
    assert "for example: rider_height 150, frame_size S" in result.stdout
    assert not any(mark in result.stdout for mark in ("('", "Decimal(", "frozenset", "True", "False"))

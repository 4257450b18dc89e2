"""Regression: a 5,000-digit integer anywhere gave a traceback in `configurator check` and stopped `serve` from
starting; `base_price: "1E+30"` passed `check`, then every /price was a 500; the position of each unknown key was
found by a scan, so 40,000 unknown keys took some 30 s (benchmarks/check.py measures it; here, the positions)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from catalog.loader import load_catalog
from configurator.app import create_app
from configurator.cli import app as cli
from tests.conftest import BUNDLED, COMPLETE_BIKE

BIKE = (BUNDLED / "city-bike.yaml").read_text()
BAD = {
    "huge-int.yaml": (BIKE.replace("        min: 1\n        max: 20\n", f"        min: 1\n        max: {'9' * 5000}\n"),
                      "number '99999999999999999999...' is too long"),
    "huge-price.yaml": (BIKE.replace('base_price: "690.00"', 'base_price: "1E+30"'),
                        "base_price: must have at most 12 digits before the decimal point"),
    "fine-price.yaml": (BIKE.replace('base_price: "690.00"', 'base_price: "690.0000001"'),
                        "base_price: must have at most 6 decimal places"),
    "huge-quantity.yaml": (BIKE.replace("        max: 20\n", "        max: 100000000\n"),
                           "max: input should be less than or equal to 1000000"),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, (text, _) in BAD.items():
        (tmp_path / name).write_text(text.replace("id: city-bike", f"id: {name.removesuffix('.yaml')}", 1))
    (tmp_path / "eyeglasses.yaml").write_text((BUNDLED / "eyeglasses.yaml").read_text())
    return tmp_path


def test_check_reports_each_bad_number_with_its_position(folder: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(folder)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for name, (_, message) in BAD.items():
        lines = [line for line in result.output.splitlines() if line.startswith(str(folder / name) + ":")]
        assert len(lines) == 1 and message in lines[0], (name, lines)
        _, line, col, _ = lines[0].split(":", 3)
        assert int(line) > 1 and int(col) > 1


def test_the_server_starts_and_serves_the_good_files(folder: Path) -> None:
    client = TestClient(create_app(folder, "sqlite://"))
    assert [p["id"] for p in client.get("/api/v1/products").json()] == ["eyeglasses"]


def test_a_runaway_formula_is_refused_not_a_server_error(tmp_path: Path) -> None:
    runaway = BIKE.replace(
        "pricing:\n", "pricing:\n  - {id: runaway, type: formula, label: Runaway, expr: rider_height * 999999999999 "
        "* 999999999999 * 999999999999 * 999999999999}\n", 1
    )
    assert runaway != BIKE
    (tmp_path / "bike.yaml").write_text(runaway)
    assert not load_catalog([tmp_path]).errors
    client = TestClient(create_app(tmp_path, "sqlite://"), raise_server_exceptions=False)
    response = client.post("/api/v1/products/city-bike/price", json={"selections": COMPLETE_BIKE})
    assert response.status_code == 422 and response.json()["title"] == "Price out of range"


def test_every_unknown_key_of_a_huge_mapping_is_placed_on_its_own_line(tmp_path: Path) -> None:
    extra = "".join(f"unknown_{i}: 1\n" for i in range(20_000))
    (tmp_path / "keys.yaml").write_text(BIKE + extra)
    errors = load_catalog([tmp_path]).errors
    first = BIKE.count("\n") + 1
    assert [(e.line, e.col) for e in errors] == [(first + i, 1) for i in range(20_000)]
    assert errors[-1].message == "unknown key 'unknown_19999'"

"""The `configurator` command line: check and schema."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from catalog.schema_export import schema_text
from configurator.cli import app
from tests.conftest import BUNDLED

runner = CliRunner()
BAD = Path(__file__).parent.parent / "catalog" / "bad"


def test_check_passes_on_the_bundled_catalog() -> None:
    result = runner.invoke(app, ["check", str(BUNDLED)])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.stderr


def test_check_fails_with_positions() -> None:
    result = runner.invoke(app, ["check", str(BAD / "unknown-key.yaml")])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{BAD / 'unknown-key.yaml'}:7:5: unknown key 'lable' (did you mean 'label'?)"
    ]


def test_check_json_report() -> None:
    result = runner.invoke(app, ["check", "--json", str(BAD / "duplicate-rule.yaml"), str(BUNDLED / "city-bike.yaml")])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["products"] == ["city-bike"]
    assert report["errors"] == [
        {"file": str(BAD / "duplicate-rule.yaml"), "line": 13, "col": 10, "message": "duplicate rule id 'r1'"}
    ]


def test_check_with_no_files_fails(tmp_path: Path) -> None:
    assert runner.invoke(app, ["check", str(tmp_path)]).exit_code == 1


def test_schema_command_writes_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert runner.invoke(app, ["schema", "--out", str(out)]).exit_code == 0
    assert out.read_text() == schema_text()

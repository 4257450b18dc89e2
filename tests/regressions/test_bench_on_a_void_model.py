"""`configurator bench` on a model with no valid configuration crashed (IndexError choosing from an empty domain):
it must say so plainly, and its JSON must say `valid: false`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from configurator.cli import app

VOID = """id: void
name: Void
currency: EUR
base_price: "1"
steps:
  - id: s
    label: S
    options:
      - {id: size, type: single, values: [S, M]}
rules:
  - {id: a, type: constraint, message: Only S., expr: 'size == "S"'}
  - {id: b, type: constraint, message: Only M., expr: 'size == "M"'}
"""


def test_bench_says_plainly_that_there_is_nothing_to_measure(tmp_path: Path) -> None:
    path = tmp_path / "void.yaml"
    path.write_text(VOID)
    runner = CliRunner()
    text = runner.invoke(app, ["bench", str(path), "void"])
    assert text.exit_code == 0 and "void has no valid configuration" in text.stdout
    data = json.loads(runner.invoke(app, ["bench", str(path), "void", "--json"]).stdout)
    assert data["valid"] is False and data["steps"] == 0 and data["completed_sessions"] == 0

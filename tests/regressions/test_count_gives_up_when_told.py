"""`configurator count` on the Linux kernel's feature model ran Ganak with no end in sight (73 minutes, no answer):
with `--timeout` it must stop the counter and say so plainly, and a count that finishes in time is the same count."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from catalog.importers.result import write_import
from catalog.importers.uvl import import_uvl
from configurator.cli import app


def _imported(benchmarks: Path, out: Path, name: str) -> Path:
    return write_import(import_uvl(benchmarks / "uvl-models" / f"{name}.uvl"), out)


def test_count_on_linux_stops_at_the_timeout_and_says_so(benchmarks: Path, tmp_path: Path) -> None:
    path = _imported(benchmarks, tmp_path, "linux-2.6.33.3")
    result = CliRunner().invoke(app, ["count", str(path), "linux-2.6.33.3", "--timeout", "2"])
    assert result.exit_code == 1
    assert "no exact count within 2 s" in result.stderr and result.stdout == ""


def test_a_count_that_finishes_in_time_is_the_count(benchmarks: Path, tmp_path: Path) -> None:
    path = _imported(benchmarks, tmp_path, "uClibc")
    runner = CliRunner()
    within = runner.invoke(app, ["count", str(path), "uClibc", "--timeout", "120"])
    unlimited = runner.invoke(app, ["count", str(path), "uClibc"])
    assert within.exit_code == unlimited.exit_code == 0
    assert within.stdout == unlimited.stdout and int(within.stdout) > 0

"""`configurator count` on the Linux kernel's feature model ran Ganak with no end in sight (73 minutes, no answer):
with `--timeout` it must stop the counter and say so plainly, and a count that finishes in time is the same count."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from configurator.cli import app


def test_count_on_linux_stops_at_the_timeout_and_says_so(real_import: Callable[[str], Path]) -> None:
    path = real_import("linux-2.6.33.3")
    result = CliRunner().invoke(app, ["count", str(path), "linux-2.6.33.3", "--timeout", "2"])
    assert result.exit_code == 1
    assert "no exact count within 2 s" in result.stderr and result.stdout == ""


def test_a_count_that_finishes_in_time_is_the_count(real_import: Callable[[str], Path]) -> None:
    path = real_import("uClibc")
    runner = CliRunner()
    within = runner.invoke(app, ["count", str(path), "uClibc", "--timeout", "120"])
    unlimited = runner.invoke(app, ["count", str(path), "uClibc"])
    assert within.exit_code == unlimited.exit_code == 0
    assert within.stdout == unlimited.stdout and int(within.stdout) > 0

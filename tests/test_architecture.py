"""The import graph keeps its rules (pyproject.toml's [tool.importlinter] contracts, checked by import-linter): the
pipeline catalog -> rules -> configurator never imports backwards, no package has an import circle among its
modules, the catalog and the engine know nothing of HTTP, pages or the database, and domain services know nothing
of HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_every_import_contract_is_kept(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    failed = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert failed == 0, report
    assert report.count(" KEPT") == 4

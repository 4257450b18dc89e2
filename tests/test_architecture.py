"""The import graph keeps its rules (pyproject.toml's [tool.importlinter] contracts, checked by import-linter): the
pipeline catalog -> rules -> configurator never imports backwards, no package has an import circle among its
modules, the catalog and the engine know nothing of HTTP, pages or the database, configurator/'s roles are layered
in the order a request takes (cli, app, api and web, their wiring, settings, views, services, persistence), and
services, view models and persistence know nothing of HTTP."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_every_import_contract_is_kept(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    failed = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert failed == 0, report
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert {c["id"] for c in contracts} >= {"pipeline", "acyclic", "engine-pure", "roles", "services-not-http"}
    assert report.count(" KEPT") == len(contracts)

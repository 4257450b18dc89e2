"""The disk cache of compiled models: a second load reads the entry; any change to the file, a table file it reads
or a damaged entry means loading and compiling again, never a stale or broken model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalog import loader
from configurator.services import modelcache
from configurator.services.modelcache import load_compiled_file
from rules.engine import Engine
from tests.conftest import BUNDLED


@pytest.fixture
def megane(tmp_path: Path) -> Path:
    shutil.copy(BUNDLED / "renault-megane.yaml", tmp_path)
    shutil.copytree(BUNDLED / "renault-megane", tmp_path / "renault-megane")
    return tmp_path / "renault-megane.yaml"


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = loader.load_product

    def counting(path: Path) -> loader.LoadedProduct:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(modelcache, "load_product", counting)
    return calls


def test_a_second_load_comes_from_the_cache_and_answers_the_same(megane: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _loads(monkeypatch)
    first, model = load_compiled_file(megane, megane.parent / "cache")
    again, cached = load_compiled_file(megane, megane.parent / "cache")
    assert len(calls) == 1
    assert again.content_hash == first.content_hash and again.product == first.product
    assert Engine(cached).count({}) == Engine(model).count({}) == 7_445_949_334_016
    assert oct((megane.parent / "cache").stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize("change", ["catalog file", "table file", "damaged entry"])
def test_a_change_or_damage_means_loading_again(megane: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    calls = _loads(monkeypatch)
    first, _ = load_compiled_file(megane, megane.parent / "cache")
    if change == "catalog file":
        megane.write_text(megane.read_text().replace("name: ", "name: Changed ", 1))
    elif change == "table file":
        table = megane.parent / "renault-megane" / "renault_rule001.csv"
        lines = table.read_text().splitlines()
        table.write_text("\n".join(lines[:-1]) + "\n")  # one row fewer
    else:
        for entry in (megane.parent / "cache").glob("*.pickle"):
            entry.write_bytes(b"not a pickle")
    again, _ = load_compiled_file(megane, megane.parent / "cache")
    assert len(calls) == 2
    assert (again.content_hash == first.content_hash) == (change == "damaged entry")

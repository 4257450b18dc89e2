"""An import wrote a catalog file the loader then refused (the Linux model's constraint over the expression limit):
an import is now loaded before it is written, and refused with the loader's errors, leaving nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.importers.result import ImportRefused, write_import
from catalog.importers.uvl import import_uvl


def test_an_import_the_loader_refuses_writes_nothing(tmp_path: Path) -> None:
    # The same feature twice: the importer maps it, the loader refuses the duplicate option.
    source = tmp_path / "twice.uvl"
    source.write_text("features\n    Root\n        optional\n            Lamp\n            Lamp\n")
    out = tmp_path / "out"
    with pytest.raises(ImportRefused, match=r"does not load: .*twice.*\.yaml:\d+:\d+"):
        write_import(import_uvl(source), out)
    assert [p.name for p in out.iterdir()] == []

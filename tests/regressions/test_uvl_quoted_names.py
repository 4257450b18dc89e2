"""A `//` inside a quoted UVL feature name was read as a comment ("unterminated feature name"): quoted names may
contain anything but an unescaped quote, in the tree and in constraints."""

from __future__ import annotations

from pathlib import Path

from catalog.importers.result import write_import
from catalog.importers.uvl import import_uvl
from catalog.loader import load_product

MODEL = r'''features
    Root
        optional
            "http://example.org/a"  // a comment after the name
            "say \"hi\""
constraints
    "http://example.org/a" => "say \"hi\""  // and after a constraint
'''


def test_quoted_names_keep_slashes_and_escaped_quotes(tmp_path: Path) -> None:
    source = tmp_path / "quoted.uvl"
    source.write_text(MODEL)
    loaded = load_product(write_import(import_uvl(source), tmp_path / "out"))
    labels = {o.label or o.id for o in loaded.product.options()}
    assert {"http://example.org/a", 'say "hi"'} <= labels
    assert len(loaded.product.rules) >= 1

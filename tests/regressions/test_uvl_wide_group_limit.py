"""automotive02's import was refused: a group of hundreds of children made a rule whose `then` passed the expression
limit, and the importer measured only constraints' `expr` when it raised the limit for the imported file."""

from __future__ import annotations

from pathlib import Path

from catalog.importers.result import write_import
from catalog.importers.uvl import import_uvl
from catalog.loader import load_product


def test_a_wide_group_raises_the_limit_of_its_import(tmp_path: Path) -> None:
    children = "".join(f"            Child_number_{i}\n" for i in range(400))
    source = tmp_path / "wide.uvl"
    source.write_text(f"features\n    Root\n        alternative\n{children}")
    written = write_import(import_uvl(source), tmp_path / "out")
    product = load_product(written).product
    assert product.limits.expression_length > 4000
    assert len(product.options()) == 401

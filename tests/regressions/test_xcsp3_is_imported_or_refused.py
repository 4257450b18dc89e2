"""An XCSP3 file imported "successfully" into a product with no options: XCSP3 tables now import like XCSP 2.1,
and a construct the importer cannot map is refused, naming it and its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.importers.result import SourceError, write_import
from catalog.importers.xcsp import import_xcsp
from catalog.loader import load_product

MODEL = """<instance format="XCSP3" type="CSP">
  <variables>
    <array id="x" size="[3]"> 0..2 </array>
  </variables>
  <constraints>
    <group>
      <intension> le(%0,%1) </intension>
      <args> x[0] 1 </args>
    </group>
    <extension>
      <list> x[0..1] </list>
      <supports> (0,1)(1,2)(2,0) </supports>
    </extension>
    <group>
      <extension><list> %... </list><conflicts> (0,0) </conflicts></extension>
      <args> x[1] x[2] </args>
    </group>
  </constraints>
</instance>
"""


def test_xcsp3_tables_bounds_and_groups_import(tmp_path: Path) -> None:
    source = tmp_path / "tiny.xml"
    source.write_text(MODEL)
    loaded = load_product(write_import(import_xcsp(source), tmp_path / "out"))
    options = {o.id: [v.id for v in o.values] for o in loaded.product.options()}  # type: ignore[union-attr]
    assert options == {"x[0]": ["0", "1"], "x[1]": ["0", "1", "2"], "x[2]": ["0", "1", "2"]}
    assert [r.mode for r in loaded.product.rules] == ["allowed", "forbidden"]  # type: ignore[union-attr]


def test_an_unmapped_construct_is_refused_with_its_line(tmp_path: Path) -> None:
    source = tmp_path / "sum.xml"
    text = MODEL.replace("  </constraints>", "    <sum><list> x[] </list></sum>\n  </constraints>")
    source.write_text(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "<sum>" in row)
    with pytest.raises(SourceError, match=rf"sum\.xml:{line}: <sum> constraints are not supported"):
        import_xcsp(source)

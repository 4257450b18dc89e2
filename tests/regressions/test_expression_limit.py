"""The Linux UVL import wrote a constraint longer than the 4,000-character limit meant for hand-written files:
the limit stays for hand-written files, with a clear error, and a file may raise it explicitly (`limits:`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.errors import CatalogErrors
from catalog.loader import load_product

BASE = """id: long
name: Long
currency: EUR
base_price: "1"
steps:
  - id: s
    label: S
    options:
      - {{id: a, type: boolean}}
      - {{id: b, type: boolean}}
{limits}rules:
  - id: r
    type: constraint
    message: Long.
    expr: '{expr}'
"""


def test_a_long_expression_needs_an_explicit_limit(tmp_path: Path) -> None:
    expr = " or ".join(["a", "b"] * 700)
    path = tmp_path / "long.yaml"
    path.write_text(BASE.format(limits="", expr=expr))
    length = len(expr)
    expected = (rf"long\.yaml:15:11: an expression of {length} characters is longer than the limit of 4000; "
                rf"`limits: \{{expression_length: {length}\}}` raises it")
    with pytest.raises(CatalogErrors, match=expected):
        load_product(path)
    path.write_text(BASE.format(limits="limits: {expression_length: 8000}\n", expr=expr))
    assert load_product(path).product.limits.expression_length == 8000

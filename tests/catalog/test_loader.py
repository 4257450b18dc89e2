"""The loader on the bundled catalogs, the bad-catalog corpus, CSV tables and hostile YAML."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from catalog.errors import CatalogErrors
from catalog.loader import load_catalog, load_product, parse_product
from catalog.schema import NumberOption, TableRule
from catalog.translations import companion_language
from tests.conftest import BUNDLED

HERE = Path(__file__).parent
BAD = HERE / "bad"
EXPECTED: dict[str, list[str]] = YAML(typ="safe").load((HERE / "bad_catalogs.yaml").read_text())


def test_every_bundled_catalog_is_valid() -> None:
    catalog = load_catalog([BUNDLED])
    assert catalog.errors == [] and catalog.warnings == []
    products = [p for p in BUNDLED.glob("*.yaml") if companion_language(p) is None]
    assert len(catalog.products) == len(products)


def test_bad_corpus_is_covered() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in BAD.glob("*.yaml"))
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_catalog_reports_exact_positions(name: str) -> None:
    path = BAD / name
    with pytest.raises(CatalogErrors) as raised:
        load_product(path)
    assert [f"{e.line}:{e.col}: {e.message}" for e in raised.value] == EXPECTED[name]
    assert all(e.file == str(path) for e in raised.value)


def test_csv_rows_are_read_and_typed() -> None:
    loaded = load_product(HERE / "tables" / "frames.yaml")
    table = loaded.product.rules[0]
    assert isinstance(table, TableRule)
    assert table.rows == [
        ["S", "rigid", Decimal(40)],
        ["S", "suspension", Decimal(50)],
        ["L", "suspension", Decimal(60)],
    ]


def test_csv_errors_point_into_the_csv() -> None:
    with pytest.raises(CatalogErrors) as raised:
        load_product(HERE / "bad-tables" / "frames.yaml")
    csv = str(HERE / "bad-tables" / "frames.csv")
    assert [str(e) for e in raised.value] == [
        f"{csv}:2:3: 'suspensoin' is not a value of 'fork' (did you mean 'suspension'?)",
        f"{csv}:3:1: row has 2 cells but the table has 3 columns",
        f"{csv}:4:9: '45' is not a value of 'width'",
    ]


def test_csv_outside_the_catalog_folder_is_refused(tmp_path: Path) -> None:
    text = (HERE / "tables" / "frames.yaml").read_text().replace("rows_file: frames.csv", "rows_file: ../x.csv")
    with pytest.raises(CatalogErrors, match="rows_file must be a file beside or below the catalog file"):
        parse_product(text.encode(), "frames.yaml", base=tmp_path)


def test_a_bad_file_does_not_hide_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_bytes((BUNDLED / "city-bike.yaml").read_bytes())
    (tmp_path / "bad.yaml").write_bytes((BAD / "yaml-syntax.yaml").read_bytes())
    catalog = load_catalog([tmp_path])
    assert list(catalog.products) == ["city-bike"]
    assert [e.file for e in catalog.errors] == [str(tmp_path / "bad.yaml")]


def test_duplicate_product_ids_across_files(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_bytes((BUNDLED / "city-bike.yaml").read_bytes())
    catalog = load_catalog([tmp_path])
    assert [str(e) for e in catalog.errors] == [
        f"{tmp_path / 'b.yaml'}:1:1: product id 'city-bike' is also used by {tmp_path / 'a.yaml'}"
    ]


def test_billion_laughs_is_rejected_fast() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    started = time.perf_counter()
    with pytest.raises(CatalogErrors, match="expands to more than"):
        parse_product("\n".join(lines).encode(), "laughs.yaml")
    assert time.perf_counter() - started < 1.0


def test_oversized_file_is_rejected(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * (9 * 1024 * 1024))
    with pytest.raises(CatalogErrors, match="larger than 8 MiB"):
        load_product(big)


def test_unquoted_decimals_stay_exact() -> None:
    text = (BUNDLED / "eyeglasses.yaml").read_text().replace('base_price: "149.00"', "base_price: 149.10")
    product = parse_product(text.encode(), "e.yaml").product
    assert product.base_price == Decimal("149.10")
    sphere = next(o for o in product.options() if o.id == "sphere")
    assert isinstance(sphere, NumberOption) and sphere.step == Decimal("0.25")


def test_content_hash_changes_with_content() -> None:
    raw = (BUNDLED / "city-bike.yaml").read_bytes()
    first = parse_product(raw, "a.yaml").content_hash
    assert parse_product(raw, "b.yaml").content_hash == first
    assert parse_product(raw.replace(b"690.00", b"691.00"), "a.yaml").content_hash != first

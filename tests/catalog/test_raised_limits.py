"""Limits meant for hand-written files (size, nodes) that an imported model's file raises for itself, up to caps."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.document import LIMITS_WITHIN, MIB
from catalog.errors import CatalogErrors
from catalog.importers.result import ImportResult, write_import
from catalog.loader import load_product, parse_product
from tests.conftest import BUNDLED

BIKE = (BUNDLED / "city-bike.yaml").read_text()
PADDING = "# " + "x" * (9 * MIB) + "\n"  # a 9 MiB file: over the 8 MiB limit for hand-written files


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("limits: {file_mib: 10}\n" + BIKE + PADDING, None),
        ("limits:\n  file_mib: 10\n  expression_length: 5000\n" + BIKE + PADDING, None),
        (BIKE + PADDING, "larger than 8 MiB (an imported model may raise this for itself"),
        ("limits: {file_mib: 9}\n" + BIKE + PADDING, "larger than 9 MiB"),
        ("limits: {file_mib: 40}\n" + BIKE + PADDING, "larger than 8 MiB"),  # beyond the cap: not raised
        ("# " + "y" * LIMITS_WITHIN + "\nlimits: {file_mib: 10}\n" + BIKE + PADDING, "larger than 8 MiB"),
    ],
    ids=["flow", "block", "none", "too-little", "over-the-cap", "too-late"],
)
def test_a_file_raises_its_size_limit_at_its_top(tmp_path: Path, text: str, error: str | None) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(text)
    if error is None:
        assert load_product(path).product.id == "city-bike"
    else:
        with pytest.raises(CatalogErrors, match=error.replace("(", r"\(")):
            load_product(path)


def test_a_limit_over_its_cap_is_a_schema_error_with_its_position() -> None:
    with pytest.raises(CatalogErrors) as caught:
        parse_product(("limits: {file_mib: 40}\n" + BIKE).encode(), "bike.yaml")
    assert str(caught.value).startswith("bike.yaml:1:") and "file_mib" in str(caught.value)


def _expanding(limits: str) -> bytes:
    # About 473,000 nodes through aliases: over the 400,000 allowed by default, under the 600,000 declared.
    lines = [limits, 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 5)]
    lines.append("a5: [" + ",".join(["*a4"] * 6) + "]")
    return "\n".join(lines).encode()


def test_a_file_raises_its_node_limit() -> None:
    with pytest.raises(CatalogErrors, match="expands to more than 400000 nodes \\(an imported model may raise"):
        parse_product(_expanding(""), "many.yaml")
    with pytest.raises(CatalogErrors) as caught:  # read whole: the schema then refuses its unknown keys
        parse_product(_expanding("limits: {nodes: 600000}"), "many.yaml")
    assert "expands to more than" not in str(caught.value) and "a5" in str(caught.value)
    with pytest.raises(CatalogErrors, match="expands to more than 600000 nodes"):
        parse_product(_expanding("limits: {nodes: 600000}").replace(b"*a4", b"*a4,*a4"), "many.yaml")


def test_an_import_larger_than_the_limit_raises_it_and_loads(tmp_path: Path) -> None:
    product = parse_product(BIKE.encode(), "bike.yaml").product.model_dump(mode="json", by_alias=True,
                                                                           exclude_defaults=True)
    product["description"] = "z" * (9 * MIB)
    path = write_import(ImportResult(product, {}, ["Imported for a test."]), tmp_path)
    head = path.read_text()[:200]
    assert head.startswith("# Imported for a test.\nlimits: {") and "file_mib: 10" in head
    assert len(load_product(path).product.description) == 9 * MIB

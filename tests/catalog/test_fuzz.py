"""The loader never crashes: arbitrary bytes and mutated real catalogs give CatalogErrors or a product."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.errors import CatalogErrors
from catalog.loader import parse_product
from tests.conftest import BUNDLED

SAMPLE = (BUNDLED / "city-bike.yaml").read_bytes()


def _load_or_errors(raw: bytes) -> None:
    try:
        parse_product(raw, "fuzz.yaml")
    except CatalogErrors as exc:
        assert len(exc) >= 1
        assert all(e.line >= 1 and e.col >= 1 and e.message for e in exc)


@given(st.binary(max_size=400))
def test_arbitrary_bytes(raw: bytes) -> None:
    _load_or_errors(raw)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(SAMPLE) - 1), st.binary(max_size=3)), min_size=1, max_size=4))
def test_mutated_catalog(edits: list[tuple[int, bytes]]) -> None:
    raw = bytearray(SAMPLE)
    for position, replacement in edits:
        raw[position : position + len(replacement) or position + 1] = replacement
    _load_or_errors(bytes(raw))


@settings(max_examples=100)
@given(st.text(alphabet=st.sampled_from(list("{}[]-:,&*!|>'\"#\n a1.")), max_size=200))
def test_yaml_punctuation_soup(text: str) -> None:
    _load_or_errors(text.encode())

"""Lint: one crafted product per kind of finding, and the Renault Megane's dead values against an independent
SAT check of the CLib source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from catalog.loader import load_catalog
from catalog.schema import Product
from rules.compile import compile_product
from rules.engine import Engine, engine_for
from rules.lint import coverage_findings, lint
from tests.catalog.test_translations import COMPLETE, PRODUCT
from tests.conftest import BUNDLED
from tests.rules.oracle import Oracle, read_clib


def _engine(options: list[dict[str, Any]], rules: tuple[dict[str, Any], ...] = (), **extra: Any) -> Engine:
    steps = extra.pop("steps", None) or [{"id": "s", "label": "S", "options": options}]
    data = {"id": "p", "name": "P", "currency": "EUR", "base_price": "10", **extra, "steps": steps, "rules": rules}
    return Engine(compile_product(Product.model_validate(data)))


SIZE = {"id": "size", "type": "single", "values": ["S", "M", "L"]}
COLOUR = {"id": "colour", "type": "single", "values": ["red", "blue"]}

CASES: list[tuple[str, Engine, set[tuple[str, Any]]]] = [
    ("void_product", _engine([SIZE], (
        {"id": "a", "type": "constraint", "message": "A", "expr": 'size == "S"'},
        {"id": "b", "type": "constraint", "message": "B", "expr": 'size == "M"'},
    )), {("a", None), ("b", None)}),
    ("dead_value", _engine([SIZE, COLOUR], (
        {"id": "no-l", "type": "excludes", "message": "No L.", "if": 'size == "L"', "then": 'colour != "green"'},
    )), {("size", "L")}),
    ("forced_value", _engine([SIZE, COLOUR], (
        {"id": "red-only", "type": "constraint", "message": "Red.", "expr": 'colour == "red"'},
    )), {("colour", "red")}),
    ("default_conflict", _engine([{**COLOUR, "default": "blue"}], (
        {"id": "red-only", "type": "constraint", "message": "Red.", "expr": 'colour == "red"'},
    )), {("colour", "blue")}),
    ("redundant_rule", _engine([SIZE, COLOUR], (
        {"id": "s-red", "type": "requires", "message": "S red.", "if": 'size == "S"', "then": 'colour == "red"'},
        {"id": "s-blue", "type": "excludes", "message": "S not blue.", "if": 'size == "S"', "then": 'colour == "blue"'},
    )), {("s-red", None), ("s-blue", None)}),
    ("idle_rule", _engine([SIZE, COLOUR], (
        {"id": "no-l", "type": "constraint", "message": "No L.", "expr": 'size != "L"'},
        {"id": "l-red", "type": "requires", "message": "L is red.", "if": 'size == "L"', "then": 'colour == "red"'},
    )), {("l-red", None)}),
    ("unreachable_step", _engine([], ({"id": "red", "type": "constraint", "message": "R.", "expr": 'colour == "red"'},),
                                 steps=[{"id": "one", "label": "One", "options": [SIZE]},
                                        {"id": "two", "label": "Two", "options": [COLOUR]}]), {("two", None)}),
    ("price_anomaly", _engine([SIZE], pricing=[{"id": "bulk", "type": "tiers", "label": "Bulk", "tiers": [
        {"min": 1, "max": 9, "amount": "0"}, {"min": 20, "amount": "-1"}]}]), {("bulk", None)}),
    ("price_anomaly", _engine([{"id": "size", "type": "single", "values": [{"id": "S", "price": "-30"}]}]),
     {(None, None)}),
]


@pytest.mark.parametrize(("kind", "engine", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_kind_of_finding_on_a_crafted_product(kind: str, engine: Engine, expected: set[tuple[str, Any]]) -> None:
    found = [f for f in lint(engine) if f.kind == kind]
    assert {(f.option or f.rule or f.step, f.value) for f in found} == expected
    assert all(f.message for f in found)


def test_the_bundled_catalog_lints_clean() -> None:
    for loaded in load_catalog([BUNDLED]).products.values():
        if loaded.product.id != "renault-megane":
            assert lint(engine_for(loaded.product, loaded.content_hash)) == [], loaded.product.id


def test_megane_dead_values_are_exactly_those_no_configuration_takes(benchmarks: Path) -> None:
    loaded = load_catalog([BUNDLED]).products["renault-megane"]
    findings = lint(engine_for(loaded.product, loaded.content_hash))
    found = {(f.option, f.value) for f in findings if f.kind == "dead_value"}
    oracle = Oracle(*read_clib(benchmarks / "renault-megane-clib"))
    possible = oracle.domains_given({})
    assert possible is not None
    dead = {(var, value) for var, values in oracle.domains.items() for value in values if value not in possible[var]}
    assert found == dead and dead  # the Megane as shipped has values no configuration can take


@pytest.mark.parametrize(("german", "said"), [
    (COMPLETE, "German (de): 6 of 6 words translated (100 %)"),
    (COMPLETE.replace("rules: {no-blue: {message: Blau ist ausverkauft.}}\n", ""),
     "German (de): 5 of 6 words translated (83 %)"),
])
def test_lint_gives_each_languages_coverage(tmp_path: Path, german: str, said: str) -> None:
    (tmp_path / "lamp.yaml").write_text(PRODUCT)
    (tmp_path / "lamp.de.yaml").write_text(german)
    loaded = load_catalog([tmp_path]).products["lamp"]
    assert [f.message for f in coverage_findings(loaded.product, loaded.translations)] == [said]

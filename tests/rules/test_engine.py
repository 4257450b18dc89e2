"""Engine behaviour on the bundled catalogs, table-driven over tests/rules/engine_cases.yaml."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from catalog.loader import load_product
from rules.engine import Engine, engine_for
from rules.selection import SelectionError, plain
from tests.conftest import BUNDLED

CASES = YAML(typ="safe").load((Path(__file__).parent / "engine_cases.yaml").read_text())


def _engine(product_id: str) -> Engine:
    loaded = load_product(BUNDLED / f"{product_id}.yaml")
    return engine_for(loaded.product, loaded.content_hash)


def _plain(value: Any) -> Any:
    return [plain(v) for v in value] if isinstance(value, (list, tuple)) else plain(value)


@pytest.mark.parametrize("case", CASES["explain"], ids=lambda c: f"{c['product']}:{c['option']}={c['value']}")
def test_explain_and_repair(case: dict[str, Any]) -> None:
    engine = _engine(case["product"])
    why = engine.advisor.explain(case["select"], case["option"], case["value"])
    assert not why.possible
    assert {k: _plain(v) for k, v in why.choices} == case["choices"]
    assert sorted(why.rules) == sorted(case["rules"])
    # The shopper reads the catalog's own words for each rule, as the YAML file gives them.
    written = YAML(typ="safe").load((BUNDLED / f"{case['product']}.yaml").read_text())["rules"]
    assert list(why.messages) == [next(r["message"] for r in written if r["id"] == rule) for rule in why.rules]
    fix = engine.advisor.repair(case["select"], case["option"], case["value"])
    assert fix.possible and list(fix.drop) == case["drop"]


@pytest.mark.parametrize("case", CASES["domains"], ids=lambda c: f"{c['product']}:{sorted(c['select'])}")
def test_domains(case: dict[str, Any]) -> None:
    state = _engine(case["product"]).valid_domains(case["select"])
    assert state.consistent
    for option, expected in case["expect"].items():
        got = state.domains[option].values
        if isinstance(expected[0], str) and any(isinstance(v, Decimal) for v in got):
            assert got == tuple(Decimal(e) for e in expected)
        else:
            assert [plain(v) for v in got] == expected


def test_possible_value_has_nothing_to_explain() -> None:
    engine = _engine("city-bike")
    assert engine.advisor.explain({}, "gears", "hub8").possible
    assert engine.advisor.repair({"gears": "hub8"}, "belt_drive", True).drop == ()


def test_bad_selections_are_violations_not_exceptions() -> None:
    state = _engine("city-bike").validate({"frame_size": "XXL", "nope": 1, "rider_height": 151})
    assert not state.consistent
    assert [v.option for v in state.violations] == ["frame_size", "nope", "rider_height"]


def test_explain_rejects_unknown_values() -> None:
    with pytest.raises(SelectionError):
        _engine("city-bike").advisor.explain({}, "frame_size", "XXL")


def test_complete_prefers_defaults_and_conditional_defaults() -> None:
    engine = _engine("city-bike")
    plain_bike = engine.complete({})
    assert plain_bike is not None
    assert (plain_bike["frame_size"], plain_bike["material"], plain_bike["gears"]) == ("M", "steel", "single")
    hub = engine.complete({"gears": "hub11"})
    assert hub is not None and hub["accessories"] == frozenset({"dynamo"})


def test_count_shrinks_with_choices() -> None:
    engine = _engine("city-bike")
    total = engine.count({})
    with_belt = engine.count({"belt_drive": True})
    assert 0 < with_belt < total
    assert engine.count({"belt_drive": True, "gears": "single"}) == 0

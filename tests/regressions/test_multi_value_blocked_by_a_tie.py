"""A multi-choice value was shown as blocked by another choice when the fewest changes for it tied between freeing
that choice and adding a member of the multi itself (found by the brute-force test): `s0 = v0` requires `x` in m0,
so with m0 chosen as nothing, `y` needs either s0 freed or x added, one change each. Adding members is the
option's own business, so `y` is open: the shopper can pick it (and x)."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.schema import Product
from rules.compile import compile_product
from rules.engine import Engine

PRODUCT = Product.model_validate({
    "id": "tie", "name": "Tie", "currency": "EUR", "base_price": "1.00",
    "steps": [{"id": "all", "label": "All", "options": [
        {"id": "s0", "type": "single", "values": [{"id": "v0"}, {"id": "v1"}]},
        {"id": "m0", "type": "multi", "values": [{"id": "x"}, {"id": "y"}, {"id": "z"}], "max": 2},
    ]}],
    "rules": [{"id": "r0", "message": "v0 comes with x.", "type": "requires", "when": 's0 == "v0"',
               "then": '"x" in m0'}],
})


@pytest.mark.parametrize(
    ("selection", "blocked"),
    [
        ({"s0": "v0", "m0": []}, set()),  # x, y and z each fit beside v0 (y and z with x)
        ({"s0": "v0", "m0": ["y", "z"]}, set()),  # at most two: x with y, or x with z
        ({"s0": "v0"}, set()),
    ],
)
def test_a_multi_value_is_open_where_its_own_choice_alone_stands_in_its_way(
    selection: dict[str, Any], blocked: set[str]
) -> None:
    obstacles = Engine(compile_product(PRODUCT), backend="tree").obstacles(selection)
    assert obstacles is not None
    assert {value for option, value in obstacles.blocking if option == "m0"} == blocked
    assert set(obstacles.alternatives["m0"].values) == {"x", "y", "z"}

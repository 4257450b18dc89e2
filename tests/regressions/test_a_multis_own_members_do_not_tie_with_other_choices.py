"""Found by Hypothesis in a CI run: for a value of a multi choice, the blocking pass named another choice as in the
way where the multi's own members (which the shopper changes by ticking the value anyway) together with one other
choice would do: freeing an own member cost as much as freeing another choice, and the tie went the wrong way. A
multi's blocked values now read a least-changes pass with its own members freed, where they cost nothing."""

from __future__ import annotations

from catalog.schema import Product
from rules.compile import compile_product
from rules.engine import Engine

PRODUCT = {
    "id": "random", "name": "Random", "currency": "EUR", "base_price": "1.00",
    "steps": [{"id": "all", "label": "All", "options": [
        {"id": "s0", "type": "single", "values": [{"id": "v0"}, {"id": "v1"}]},
        {"id": "s1", "type": "single", "values": [{"id": "v0"}, {"id": "v1"}]},
        {"id": "b0", "type": "boolean"}, {"id": "b1", "type": "boolean"},
        {"id": "m0", "type": "multi", "values": [{"id": "x"}, {"id": "y"}, {"id": "z"}], "min": 0, "max": 2},
    ]}],
    "rules": [
        {"id": "r0", "type": "requires", "message": "r0", "if": 's1 == "v0"', "then": '"x" in m0'},
        {"id": "r1", "type": "excludes", "message": "r1", "if": 's0 == "v0"', "then": 's0 == "v0"'},
    ],
}


def test_the_blocking_choices_of_a_multis_value_are_the_fewest() -> None:
    engine = Engine(compile_product(Product.model_validate(PRODUCT)), backend="tree")
    selection = {"s0": "v0", "s1": "v0", "b0": False, "b1": False, "m0": []}
    freed = engine.valid_domains({"s1": "v0", "b0": False, "b1": False, "m0": ["x", "z"]})
    assert freed.consistent  # s0 dropped and m0 changed (its own choice): z is there
    assert engine.obstacles(selection).blocking[("m0", "z")] == ("s0",)

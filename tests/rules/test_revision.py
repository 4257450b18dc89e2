"""Comparing two versions of a product: the exact structural changes, and the exact number of configurations
that became invalid or valid, checked against enumeration."""

from __future__ import annotations

from typing import Any

from catalog.schema import Product
from rules.compile import compile_product
from rules.engine import Engine
from rules.revision import compare
from tests.rules.test_engine_brute_force import _key, solutions


def _product(rules: list[dict[str, Any]], base: str = "10", b_price: str = "0") -> Product:
    options = [
        {"id": "s0", "type": "single", "values": ["a", {"id": "b", "price": b_price}, "c"]},
        {"id": "b0", "type": "boolean"},
        {"id": "m0", "type": "multi", "values": ["x", "y"]},
    ]
    return Product.model_validate({"id": "p", "name": "P", "currency": "EUR", "base_price": base,
                                   "steps": [{"id": "s", "label": "S", "options": options}], "rules": rules})


OLD = _product([{"id": "r1", "type": "requires", "message": "A needs b0.", "if": 's0 == "a"', "then": "b0"}])
NEW = _product(
    [
        {"id": "r1", "type": "requires", "message": "A or B need b0.", "if": 's0 in ["a", "b"]', "then": "b0"},
        {"id": "r2", "type": "excludes", "message": "No x with b0.", "if": "b0", "then": '"x" in m0'},
    ],
    base="12",
    b_price="5",
)


def test_the_changes_and_the_configurations_they_invalidate_match_enumeration() -> None:
    change = compare(Engine(compile_product(OLD)), Engine(compile_product(NEW)))
    assert (change.rules_added, change.rules_changed, change.rules_removed) == (("r2",), ("r1",), ())
    assert change.prices_changed == ("base_price", "s0.b")
    assert change.options_added == change.options_removed == change.options_changed == ()
    before, after = {_key(c) for c in solutions(OLD)}, {_key(c) for c in solutions(NEW)}
    assert change.counted
    assert (change.valid_before, change.valid_after) == (len(before), len(after))
    assert change.became_invalid == len(before - after) > 0
    assert change.became_valid == len(after - before)
    assert change.invalid_examples
    # Base price and the price of b changed: every configuration valid in both costs something else now.
    assert change.changed_price == len(before & after) > 0
    for example in change.invalid_examples:
        assert _key({k: frozenset(v) if isinstance(v, list) else v for k, v in example.items()}) in before - after


def test_changed_values_are_listed_and_not_counted() -> None:
    wider = OLD.model_copy(deep=True)
    data = wider.model_dump(by_alias=True)
    data["steps"][0]["options"][0]["values"].append({"id": "d"})
    change = compare(Engine(compile_product(OLD)), Engine(compile_product(Product.model_validate(data))))
    assert change.values_added == (("s0", "d"),) and change.options_changed == ("s0",)
    assert not change.counted and change.became_invalid is None


def test_a_value_price_change_reprices_exactly_the_configurations_with_that_value() -> None:
    rules = [{"id": "r1", "type": "requires", "message": "A needs b0.", "if": 's0 == "a"', "then": "b0"}]
    change = compare(Engine(compile_product(OLD)), Engine(compile_product(_product(rules, b_price="5"))))
    assert change.prices_changed == ("s0.b",) and change.became_invalid == 0
    with_b = [c for c in solutions(OLD) if c["s0"] == "b"]
    assert change.changed_price == len(with_b) > 0
    assert all(example["s0"] == "b" for example in change.price_examples)

"""Recommendations from order history against a plain count over the same history on small random catalogs: the
coded matrix (rules/recommendation.py) must say what counting the agreeing configurations one by one says."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.kinds import default_value
from catalog.schema import BooleanOption, NumberOption, Product, SingleOption
from rules.compile import compile_product
from rules.engine import Engine
from rules.recommendation import history_of, recommend
from tests.rules.test_engine_brute_force import Config, _same, cases, solutions


def _plain_count(engine: Engine, selection: Config, history: list[Config]) -> dict[str, Any]:
    """The rule as the docs word it: the agreeing configurations counted per open option, the most chosen value
    still possible suggested, ties to the default, then to catalog order."""
    state = engine.valid_domains(selection)
    if not state.consistent and state.violations:
        return {}
    alike = [c for c in history if all(_same(c[k], v) for k, v in selection.items())]
    suggested: dict[str, Any] = {}
    for option in engine.model.product.options():
        if option.id in selection or not isinstance(option, SingleOption | BooleanOption | NumberOption):
            continue
        counts = Counter(c[option.id] for c in alike)
        counted = [(counts[v], v) for v in state.domains[option.id].values if counts[v]]
        if counted:
            most = max(n for n, _ in counted)
            tied = [v for n, v in counted if n == most]
            suggested[option.id] = default_value(option) if default_value(option) in tied else tied[0]
    return suggested


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.data())
def test_the_coded_history_recommends_what_a_plain_count_does(case: tuple[Product, Config], data: Any) -> None:
    product, selection = case
    valid = list(solutions(product))
    history = data.draw(st.lists(st.sampled_from(valid), max_size=12)) if valid else []
    engine = Engine(compile_product(product, "h"))
    shaped = [{k: sorted(v) if isinstance(v, frozenset) else v for k, v in c.items()} for c in history]
    parsed = engine.parse(selection)
    found = recommend(engine.model, parsed, engine.valid_domains(parsed), history_of(engine.model, shaped))
    assert found == _plain_count(engine, selection, history)


def test_a_history_of_another_version_recommends_nothing() -> None:
    product = Product.model_validate({
        "id": "p", "name": "P", "currency": "EUR", "base_price": 1,
        "steps": [{"id": "s", "label": "S", "options": [{"id": "a", "type": "single", "values": ["x", "y"]},
                                          {"id": "b", "type": "boolean"}]}],
    })
    old, new = Engine(compile_product(product, "old")), Engine(compile_product(product, "new"))
    history = history_of(old.model, [{"a": "y", "b": True}] * 3)
    assert recommend(old.model, old.parse({}), old.valid_domains({}), history) == {"a": "y", "b": True}
    assert recommend(new.model, new.parse({}), new.valid_domains({}), history) == {}


def test_how_many_a_customer_buys_is_not_what_makes_them_alike() -> None:
    product = Product.model_validate({
        "id": "p", "name": "P", "currency": "EUR", "base_price": 1,
        "steps": [{"id": "s", "label": "S", "options": [
            {"id": "a", "type": "single", "values": ["x", "y"]},
            {"id": "n", "type": "quantity", "min": 1, "max": 9}]}],
    })
    engine = Engine(compile_product(product, "v"))
    history = history_of(engine.model, [{"a": "y", "n": 4}] * 3)
    for bought in (4, 2):  # as many as those customers, or not: the same suggestion
        chosen = engine.parse({"n": bought})
        assert recommend(engine.model, chosen, engine.valid_domains(chosen), history) == {"a": "y"}

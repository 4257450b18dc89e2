"""The engine against brute-force enumeration on small random catalogs that use every rule kind.

The oracle enumerates every complete configuration and checks each rule with the scalar evaluator
(rules/evaluate.py) and plain set membership for tables: a path independent of the engine's vectorized
tabulation, join tree and SAT encoding.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.expressions import parse_expression
from catalog.pricelist import resolve
from catalog.schema import (
    BooleanOption,
    ConstraintRule,
    ExcludesRule,
    MultiOption,
    NumberOption,
    Product,
    RequiresRule,
    SingleOption,
    TableRule,
)
from rules import blocks as blocks_module
from rules.backend import TreeBackend
from rules.compile import compile_product
from rules.cost import cost_of
from rules.engine import Engine
from rules.evaluate import evaluate
from rules.pricing import from_price, price
from rules.selection import parse_selection

Config = dict[str, Any]


@st.composite
def catalogs(draw: st.DrawFn) -> Product:
    """A small random product over single, boolean, number and multi options with random rules."""
    options: list[dict[str, Any]] = []
    for i in range(draw(st.integers(2, 3))):
        size = draw(st.integers(2, 3))
        options.append({"id": f"s{i}", "type": "single", "values": [f"v{j}" for j in range(size)]})
    for i in range(draw(st.integers(0, 2))):
        options.append({"id": f"b{i}", "type": "boolean"})
    if draw(st.booleans()):
        options.append({"id": "n0", "type": "number", "min": 0, "max": draw(st.integers(1, 3))})
    if draw(st.booleans()):
        low = draw(st.integers(0, 1))
        options.append(
            {"id": "m0", "type": "multi", "values": ["x", "y", "z"], "min": low, "max": draw(st.integers(low, 3))}
        )
    atoms = [_atom(draw, o) for o in options for _ in range(2)]
    rules: list[dict[str, Any]] = []
    for r in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["requires", "excludes", "table", "constraint"]))
        rule: dict[str, Any] = {"id": f"r{r}", "type": kind, "message": f"rule {r}"}
        if kind in ("requires", "excludes"):
            rule["if"], rule["then"] = draw(st.sampled_from(atoms)), draw(st.sampled_from(atoms))
        elif kind == "constraint":
            numeric = [o for o in options if o["type"] == "number"]
            if numeric and draw(st.booleans()):
                rule["expr"] = f"n0 * 2 + {draw(st.integers(-2, 2))} <= {draw(st.integers(0, 6))}"
            elif draw(st.booleans()):
                picked = draw(st.lists(st.sampled_from(atoms), min_size=2, max_size=4))
                rule["expr"] = (
                    f"count({', '.join(picked)}) {draw(st.sampled_from(['==', '<=', '>=', '!=', '<', '>']))} 1"
                )
            else:
                rule["expr"] = f"{draw(st.sampled_from(atoms))} or {draw(st.sampled_from(atoms))}"
            if draw(st.booleans()):
                rule["if"] = draw(st.sampled_from(atoms))
        else:
            tabled = [o for o in options if o["type"] in ("single", "boolean", "number")]
            columns = draw(st.lists(st.sampled_from(tabled), min_size=1, max_size=2, unique_by=lambda o: o["id"]))
            grid = list(itertools.product(*(_values(o) for o in columns)))
            rows = draw(st.lists(st.sampled_from(grid), min_size=1, max_size=len(grid), unique=True))
            rule.update(columns=[c["id"] for c in columns], rows=[list(r) for r in rows])
            rule["mode"] = draw(st.sampled_from(["allowed", "forbidden"]))
        rules.append(rule)
    data = {
        "id": "random",
        "name": "Random",
        "currency": "EUR",
        "base_price": "1.00",
        "steps": [{"id": "all", "label": "All", "options": options}],
        "rules": rules,
    }
    return Product.model_validate(data)


def _values(option: Mapping[str, Any]) -> list[Any]:
    if option["type"] == "single":
        return list(option["values"])
    if option["type"] == "boolean":
        return [False, True]
    return list(range(option["min"], option["max"] + 1))


def _atom(draw: st.DrawFn, option: Mapping[str, Any]) -> str:
    name = option["id"]
    if option["type"] == "single":
        value = draw(st.sampled_from(option["values"]))
        return draw(st.sampled_from([f'{name} == "{value}"', f'{name} != "{value}"', f'{name} in ["{value}", "v0"]']))
    if option["type"] == "boolean":
        return draw(st.sampled_from([name, f"not {name}"]))
    if option["type"] == "number":
        return f"{name} {draw(st.sampled_from(['<=', '>', '==']))} {draw(st.integers(0, 3))}"
    value = draw(st.sampled_from(option["values"]))
    return draw(st.sampled_from([f'"{value}" in {name}', f'"{value}" not in {name}']))


def _domain(option: Any) -> list[Any]:
    if isinstance(option, SingleOption):
        return [v.id for v in option.values]
    if isinstance(option, BooleanOption):
        return [False, True]
    if isinstance(option, NumberOption):
        return [Decimal(v) for v in range(int(option.min), int(option.max) + 1)]
    assert isinstance(option, MultiOption)
    ids = [v.id for v in option.values]
    return [frozenset(c) for k in range(len(ids) + 1) for c in itertools.combinations(ids, k)]


def _holds(product: Product, config: Config, rule: Any) -> bool:
    def ev(text: str) -> bool:
        return bool(evaluate(parse_expression(text), config))

    if isinstance(rule, RequiresRule):
        return not ev(rule.when) or ev(rule.then)
    if isinstance(rule, ExcludesRule):
        return not (ev(rule.when) and ev(rule.then))
    if isinstance(rule, ConstraintRule):
        return (rule.when is not None and not ev(rule.when)) or ev(rule.expr)
    assert isinstance(rule, TableRule)
    cell = tuple(str(config[c]) if not isinstance(config[c], bool) else config[c] for c in rule.columns)
    rows = {tuple(str(v) if not isinstance(v, bool) else v for v in row) for row in rule.rows or []}
    return (cell in rows) == (rule.mode == "allowed")


def _cardinality_ok(product: Product, config: Config) -> bool:
    for option in product.options():
        if isinstance(option, MultiOption):
            high = len(option.values) if option.max is None else option.max
            if not option.min <= len(config[option.id]) <= high:
                return False
    return True


def solutions(product: Product, rules: list[Any] | None = None, counts: bool = True) -> Iterator[Config]:
    """Every complete configuration satisfying `rules` (all by default) and, if `counts`, the multi min/max."""
    options = product.options()
    active = product.rules if rules is None else rules
    for combo in itertools.product(*(_domain(o) for o in options)):
        config = dict(zip((o.id for o in options), combo))
        if (not counts or _cardinality_ok(product, config)) and all(_holds(product, config, r) for r in active):
            yield config


def _key(config: Config) -> frozenset[tuple[str, str]]:
    return frozenset((k, str(sorted(v) if isinstance(v, frozenset) else v)) for k, v in config.items())


def _extends(config: Config, selection: Mapping[str, Any]) -> bool:
    return all(_same(config[k], v) for k, v in selection.items())


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, frozenset):
        return a == frozenset(b)
    if isinstance(a, Decimal):
        return a == Decimal(b)
    return bool(a == b)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Product, Config]:
    product = draw(catalogs())
    selection: Config = {}
    for option in product.options():
        if draw(st.integers(0, 2)) == 0:
            value = draw(st.sampled_from(_domain(option)))
            selection[option.id] = sorted(value) if isinstance(value, frozenset) else value
    return product, selection


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cases())
def test_domains_count_and_consistency_match_brute_force(case: tuple[Product, Config]) -> None:
    product, selection = case
    engine = Engine(compile_product(product))
    matching = [c for c in solutions(product) if _extends(c, selection)]
    state = engine.valid_domains(selection)
    assert state.consistent == bool(matching)
    assert engine.count(selection) == len(matching)
    for option in product.options():
        got = state.domains[option.id]
        if isinstance(option, MultiOption):
            can_in = {v.id for v in option.values if any(v.id in c[option.id] for c in matching)}
            can_out = {v.id for v in option.values if any(v.id not in c[option.id] for c in matching)}
            assert (set(got.values), set(got.excludable)) == (can_in, can_out)
        else:
            assert sorted(map(str, got.values)) == sorted({str(c[option.id]) for c in matching})


@SETTINGS
@given(cases())
def test_alternatives_are_what_each_choice_could_be_switched_to(case: tuple[Product, Config]) -> None:
    product, selection = case
    engine = Engine(compile_product(product))
    alternatives = engine.alternatives(selection)
    for option in product.options():
        if option.id not in selection or isinstance(option, MultiOption):
            continue
        others = {k: v for k, v in selection.items() if k != option.id}
        expected = {str(c[option.id]) for c in solutions(product) if _extends(c, others)}
        assert sorted(map(str, alternatives[option.id].values)) == sorted(expected)


@SETTINGS
@given(cases(), st.data())
def test_validate_names_broken_rules(case: tuple[Product, Config], data: st.DataObject) -> None:
    product, _ = case
    engine = Engine(compile_product(product))
    full = {o.id: data.draw(st.sampled_from(_domain(o))) for o in product.options()}
    selection = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in full.items()}
    state = engine.validate(selection)
    broken = {r.id for r in product.rules if not _holds(product, full, r)}
    if not _cardinality_ok(product, full):
        broken.add("m0:count")
    assert state.consistent == (not broken)
    assert state.complete == (not broken)
    assert {v.rule_id for v in state.violations} == broken
    quick = engine.check(selection)
    assert (quick.consistent, quick.complete) == (state.consistent, state.complete)
    assert {v.rule_id for v in quick.violations} == broken
    # Rules kept as formulas only: a full assignment is checked by each backend instead of table by table.
    formulas = compile_product(product, table_grid=1, formula_grid=1)
    for name in ("tree", "sat"):
        if name == "tree" and formulas.formulas:
            continue  # a join tree cannot hold formulas: such models are on SAT
        checked = Engine(formulas, backend=name).check(selection)  # type: ignore[arg-type]
        assert (checked.consistent, checked.complete) == (not broken, not broken)


@SETTINGS
@given(cases())
def test_sat_domains_match_the_join_tree(case: tuple[Product, Config]) -> None:
    product, selection = case
    engine = Engine(compile_product(product), backend="tree")
    tree_state = engine.valid_domains(selection)
    # The SAT backend must give the same answer
    assert Engine(engine.model, backend="sat").valid_domains(selection) == tree_state
    # ... also with every component in a block of its own (small models are otherwise one block).
    with mock.patch.object(blocks_module, "BLOCK_VARS", 1):
        assert Engine(engine.model, backend="sat").valid_domains(selection) == tree_state
    # ... and so must rules compiled as formulas instead of tables.
    formulas = Engine(compile_product(product, table_grid=1, formula_grid=1))
    assert formulas.valid_domains(selection) == tree_state
    # Both forms at once: the join tree reads the tables while SAT reads the formulas.
    both = compile_product(product, formula_grid=1)
    assert Engine(both, backend="tree").valid_domains(selection) == tree_state
    assert Engine(both, backend="sat").valid_domains(selection) == tree_state


@SETTINGS
@given(cases())
def test_complete_extends_to_a_solution(case: tuple[Product, Config]) -> None:
    product, selection = case
    engine = Engine(compile_product(product))
    done = engine.complete(selection)
    valid = {_key(c) for c in solutions(product)}
    consistent = any(_extends(c, selection) for c in solutions(product))
    if not consistent:
        assert done is None
        return
    assert done is not None and _extends(done, selection)
    assert _key(done) in valid


@st.composite
def with_defaults(draw: st.DrawFn) -> tuple[Product, Config]:
    """A case whose product also suggests values, some of them only when other values hold (conditional)."""
    product, selection = draw(cases())
    singles = [o for o in product.options() if o.type == "single"]
    atoms = [f'{o.id} == "{v.id}"' for o in singles for v in o.values]
    suggested = []
    for r in range(draw(st.integers(0, 3))):
        option = draw(st.sampled_from(singles))
        rule: dict[str, Any] = {"id": f"d{r}", "type": "default", "message": "suggested", "option": option.id,
                                "value": draw(st.sampled_from([v.id for v in option.values]))}
        if draw(st.booleans()):
            rule["if"] = draw(st.sampled_from(atoms))
        suggested.append(rule)
    data = product.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data["rules"] = [*data.get("rules", []), *suggested]
    return Product.model_validate(data), selection


@SETTINGS
@given(with_defaults(), st.integers(1, 9))
def test_a_batched_completion_is_the_one_by_one_completion(case: tuple[Product, Config], batch: int) -> None:
    """Trying preferred values in batches gives exactly what choosing them one at a time gives."""
    product, selection = case
    engine = Engine(compile_product(product))
    parsed = parse_selection(engine.model, selection)
    if parsed.violations or not isinstance(engine.backend, TreeBackend):
        return
    prefer = engine._preferences(parsed)
    tree = engine.backend.tree
    chosen = dict(parsed.fixed)
    if tree.propagate(chosen) is None:
        assert engine.complete(selection) is None
        return
    for variables in engine.model.option_vars.values():  # one at a time, propagating after each
        for var in variables:
            if var in chosen:
                continue
            possible = tree.domains(tree.propagate(chosen) or [])[var]
            wanted = prefer(chosen).get(var)
            chosen[var] = wanted if wanted is not None and possible[wanted] else int(np.flatnonzero(possible)[0])
    with mock.patch("rules.backend.COMPLETION_BATCH", batch):
        assert engine.backend.complete(parsed.fixed, prefer) == chosen


@SETTINGS
@given(cases(), st.data())
def test_explain_is_a_minimal_conflict_and_repair_is_smallest(
    case: tuple[Product, Config], data: st.DataObject
) -> None:
    product, selection = case
    # Rules as tables, or as formulas only: explanations must be minimal either way.
    grids = data.draw(st.sampled_from([{}, {"table_grid": 1, "formula_grid": 1}]))
    engine = Engine(compile_product(product, **grids))
    option = data.draw(st.sampled_from([o for o in product.options() if not isinstance(o, MultiOption)]))
    value = data.draw(st.sampled_from(_domain(option)))
    others = {k: v for k, v in selection.items() if k != option.id}
    target = {option.id: value}

    def possible(choices: Config, rules: list[Any] | None = None, counts: bool = True) -> bool:
        return any(_extends(c, {**choices, **target}) for c in solutions(product, rules, counts))

    explanation = engine.advisor.explain(others, option.id, value)
    assert explanation.possible == possible(others)
    # The solver's explanation, and the one found by table look-ups where there is one, are minimal conflicts.
    quick = engine.advisor.quick_explain(others, option.id, value)
    assert quick is None or not explanation.possible
    for found in [explanation, quick] if not explanation.possible else []:
        if found is None:
            continue
        chosen = dict(found.choices)
        rules = [r for r in product.rules if r.id in found.rules]
        counts = "m0:count" in found.rules
        assert not possible(chosen, rules, counts)
        for name in chosen:
            assert possible({k: v for k, v in chosen.items() if k != name}, rules, counts)
        for rule in rules:
            assert possible(chosen, [r for r in rules if r is not rule], counts)
        if counts:
            assert possible(chosen, rules, counts=False)
    repair = engine.advisor.repair(others, option.id, value)
    assert repair.possible == any(_extends(c, target) for c in solutions(product))
    if repair.possible:
        assert possible({k: v for k, v in others.items() if k not in repair.drop})
        for size in range(len(repair.drop)):
            for smaller in itertools.combinations(others, size):
                assert not possible({k: v for k, v in others.items() if k not in smaller})


@SETTINGS
@given(cases(), st.data())
def test_cheapest_completion_matches_brute_force(case: tuple[Product, Config], data: st.DataObject) -> None:
    product, selection = case
    # Give every value of every choice option and every boolean a random price delta.
    prices: dict[tuple[str, Any], int] = {}
    for option in product.options():
        for value in _domain(option) if not isinstance(option, MultiOption) else [v.id for v in option.values]:
            prices[(option.id, value)] = data.draw(st.integers(0, 9))
    engine = Engine(compile_product(product), backend="tree")
    assert isinstance(engine.backend, TreeBackend)
    costs = []
    for var in engine.model.variables:
        if var.kind == "member":
            costs.append(np.array([0.0, prices[(var.option, var.member)]]))
        else:
            costs.append(np.array([float(prices[(var.option, v)]) for v in var.values]))

    def cost(config: Config) -> int:
        total = 0
        for option in product.options():
            chosen = config[option.id]
            if isinstance(chosen, frozenset):
                total += sum(prices[(option.id, v)] for v in chosen)
            else:
                total += prices[(option.id, chosen)]
        return total

    matching = [c for c in solutions(product) if _extends(c, selection)]
    fixed = parse_selection(engine.model, selection).fixed
    result = engine.backend.tree.cheapest(fixed, costs)
    if not matching:
        assert result is None
        return
    assert result is not None
    assignment, value = result
    found = engine.selection_of(dict(enumerate(assignment)))
    config = {k: frozenset(v) if isinstance(v, list) else v for k, v in found.items()}
    assert _extends(config, selection) and _key(config) in {_key(c) for c in matching}
    assert cost(config) == value == min(cost(c) for c in matching)


@st.composite
def priced_cases(draw: st.DrawFn) -> tuple[Product, Config]:
    """A random case whose product has value prices, conditional amounts and percents, and maybe a formula."""
    product, selection = draw(cases())
    data = product.model_dump(by_alias=True, exclude_none=True)
    atoms: list[str] = []
    for option in data["steps"][0]["options"]:
        if option["type"] in ("single", "multi"):
            for value in option["values"]:
                value["price"] = str(draw(st.integers(0, 30)))
        elif option["type"] == "boolean":
            option["price"] = str(draw(st.integers(0, 30)))
        atoms.append(_atom(draw, {**option, "values": [v["id"] for v in option.get("values", [])]}))
    pricing: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, 3))):
        rule: dict[str, Any] = {
            "id": f"p{i}",
            "label": f"p{i}",
            "type": draw(st.sampled_from(["surcharge", "discount"])),
        }
        if draw(st.booleans()):
            rule["if"] = f"{draw(st.sampled_from(atoms))} and {draw(st.sampled_from(atoms))}"
        if i < 2 and draw(st.booleans()):
            rule["percent"] = str(draw(st.sampled_from([10, 20, 50])))
        else:
            rule["amount"] = str(draw(st.integers(1, 40)))
        pricing.append(rule)
    formulas = [f"count({draw(st.sampled_from(atoms))}, {draw(st.sampled_from(atoms))}) * 5"]
    if any(o["id"] == "n0" for o in data["steps"][0]["options"]):
        formulas.append("n0 * 7")
    if draw(st.booleans()):
        formula: dict[str, Any] = {"id": "f", "label": "f", "type": "formula", "expr": draw(st.sampled_from(formulas))}
        if draw(st.booleans()):
            formula["if"] = draw(st.sampled_from(atoms))
        pricing.insert(draw(st.integers(0, len(pricing))), formula)
    data["pricing"] = pricing
    data["base_price"] = "100"
    return Product.model_validate(data), selection


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(priced_cases())
def test_from_price_is_the_cheapest_completion(case: tuple[Product, Config]) -> None:
    product, selection = case
    engine = Engine(compile_product(product))
    price_list = resolve(product)
    assert price_list is not None
    matching = [c for c in solutions(product) if _extends(c, selection)]
    found = from_price(engine, selection)
    if not matching:
        assert found.price is None
        return
    assert found.price is not None and found.selections is not None
    assert _extends(dict(found.selections), selection)
    cost = cost_of(product, price_list)
    cheapest = min(price(cost, c, 1).total for c in matching)
    assert found.price.total == cheapest
    # The MaxSAT path, for models too wide for a join tree.
    by_sat = from_price(Engine(engine.model, backend="sat"), selection)
    assert by_sat.price is not None and by_sat.price.total == cheapest


@SETTINGS
@given(cases())
def test_obstacles_are_the_fewest_choices_in_each_values_way(case: tuple[Product, Config]) -> None:
    product, selection = case
    engine = Engine(compile_product(product), backend="tree")
    obstacles = engine.obstacles(selection)
    assert obstacles is not None
    for option in product.options():
        if isinstance(option, NumberOption):
            continue
        others = {k: v for k, v in selection.items() if k != option.id}
        for value in option.value_ids if not isinstance(option, BooleanOption) else (False, True):

            def takes(config: Config, option: Any = option, value: Any = value) -> bool:
                return value in config[option.id] if isinstance(option, MultiOption) else config[option.id] == value

            def possible(kept: Config, takes: Any = takes) -> bool:
                return any(_extends(c, kept) and takes(c) for c in solutions(product))

            key = (option.id, value)
            assert (key not in obstacles.blocking) == possible(others)
            if key not in obstacles.blocking:
                continue
            in_the_way = obstacles.blocking[key]
            if in_the_way is None:  # the rules alone rule it out
                assert not possible({})
                continue
            assert in_the_way and set(in_the_way) <= set(others)
            assert possible({k: v for k, v in others.items() if k not in in_the_way})
            multi = {o.id for o in product.options() if isinstance(o, MultiOption)}
            if not multi & set(others):
                # One variable a choice: fewest changed variables is fewest dropped choices.
                for smaller in itertools.combinations(others, len(in_the_way) - 1):
                    assert not possible({k: v for k, v in others.items() if k not in smaller})

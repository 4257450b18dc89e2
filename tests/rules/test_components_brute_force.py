"""Products with components against an enumeration of their nested configurations (issue 24).

The oracle never unrolls: it enumerates how many instances there are, the product's options and each present
instance's options, and checks each rule as the catalog states it: an aggregate is computed by iterating the
present instances (each evaluated with the scalar evaluator), an instance's rule on that instance alone. The
engine works on the unrolled product (catalog/components.py) with its sums and counts chained (rules/chains.py);
valid domains at both levels, the offer to add or remove an instance (the number's domain), completion and the
exact count must agree with the enumeration.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.components import instance_id, unroll
from catalog.expressions import Expr, Literal, Over, map_children, parse_expression
from catalog.kinds import absent_value
from catalog.schema import Product
from rules.compile import compile_product
from rules.engine import Engine
from rules.evaluate import evaluate, truth
from rules.pricing import from_price, price_selection

Config = dict[str, Any]
KINDS = ["a", "b", "c"]


@st.composite
def nested_products(draw: st.DrawFn) -> Product:
    """A small product with one component: the product's finish, an optional switch and budget; each part's kind
    (sharing value ids with the finish), size and an optional flag; rules at both levels."""
    low = draw(st.integers(0, 1))
    high = draw(st.integers(max(low, 1), 3))
    own: list[dict[str, Any]] = [{"id": "f", "type": "single", "values": [{"id": v} for v in KINDS[:2]]}]
    if draw(st.booleans()):
        own.append({"id": "m", "type": "boolean"})
    if draw(st.booleans()):
        own.append({"id": "w", "type": "number", "min": 0, "max": 4})
    part: list[dict[str, Any]] = [
        {"id": "k", "type": "single", "values": [{"id": v, "price": str(i)} for i, v in enumerate(KINDS)]},
        {"id": "x", "type": "number", "min": draw(st.integers(0, 1)), "max": 2},
    ]
    if draw(st.booleans()):
        part.append({"id": "g", "type": "boolean", "price": "2"})
    mine = [_atom(draw, o) for o in part] + [_atom(draw, o) for o in own]
    part_rules: list[dict[str, Any]] = [
        {"id": f"p{r}", "type": draw(st.sampled_from(["requires", "excludes"])), "message": f"part rule {r}",
         "if": draw(st.sampled_from(mine)), "then": draw(st.sampled_from(mine))}
        for r in range(draw(st.integers(0, 2)))
    ]
    if draw(st.booleans()):  # a table over numbers alone: its rows must not hold for an instance not there
        sizes = list(range(part[1]["min"], 3))
        rows = draw(st.lists(st.sampled_from(sizes), min_size=1, max_size=len(sizes), unique=True))
        part_rules.append({"id": "sizes", "type": "table", "message": "Sizes.", "columns": ["x"],
                           "rows": [[size] for size in rows], "mode": draw(st.sampled_from(["allowed", "forbidden"]))})
    budget = "w" if any(o["id"] == "w" for o in own) else str(draw(st.integers(1, 4)))
    aggregates = [
        f"sum(parts.x) <= {budget}",
        f'count(parts where k == "a") <= {draw(st.integers(0, 2))}',
        "all(parts, k == f)",
        f"any(parts, x >= {draw(st.integers(1, 2))})",
        f"parts >= {draw(st.integers(1, 3))}",
        f'sum(parts.x where k != "b") >= {draw(st.integers(1, 3))}',
    ]
    if any(o["id"] == "g" for o in part):
        aggregates.append("any(parts, g)")
    rules: list[dict[str, Any]] = []
    for r in range(draw(st.integers(1, 3))):
        rule: dict[str, Any] = {"id": f"r{r}", "type": "constraint", "message": f"rule {r}",
                                "expr": draw(st.sampled_from(aggregates))}
        if draw(st.booleans()):
            rule["if"] = draw(st.sampled_from([_atom(draw, o) for o in own]))
        rules.append(rule)
    data = {
        "id": "nested", "name": "Nested", "currency": "EUR", "base_price": "1.00",
        "steps": [{"id": "all", "label": "All", "options": own}],
        "components": [{"id": "parts", "label": "Parts", "item": "Part", "min": low, "max": high,
                        "options": part, "rules": part_rules,
                        "pricing": [{"id": "each", "type": "surcharge", "label": "Each", "amount": "5",
                                     "if": "x >= 1"}]}],
        "rules": rules,
    }
    return Product.model_validate(data)


def _atom(draw: st.DrawFn, option: Mapping[str, Any]) -> str:
    name = option["id"]
    match option["type"]:
        case "single":
            value = draw(st.sampled_from([v["id"] for v in option["values"]]))
            return draw(st.sampled_from([f'{name} == "{value}"', f'{name} != "{value}"']))
        case "boolean":
            return draw(st.sampled_from([name, f"not {name}"]))
        case _:
            return f"{name} {draw(st.sampled_from(['<=', '>', '==']))} {draw(st.integers(0, 2))}"


def _domain(option: Any) -> list[Any]:
    match option.type:
        case "single":
            return [v.id for v in option.values]
        case "boolean":
            return [False, True]
        case _:
            return [Decimal(v) for v in range(int(option.min), int(option.max) + 1)]


def _assignments(options: list[Any]) -> Iterator[Config]:
    for combo in itertools.product(*(_domain(o) for o in options)):
        yield dict(zip((o.id for o in options), combo, strict=True))


def _holds(text: str | None, values: Config, parts: list[Config]) -> bool:
    """A condition of the product as written: each aggregate computed over the present instances."""
    if text is None:
        return True

    def direct(expr: Expr) -> Expr:
        if not isinstance(expr, Over):
            return map_children(expr, direct)
        kept = [p for p in parts if expr.where is None or truth(evaluate(expr.where, {**values, **p}))]
        match expr.func:
            case "count":
                return Literal(len(kept), expr.pos)
            case "sum":
                assert expr.body is not None
                return Literal(sum((Decimal(evaluate(expr.body, {**values, **p})) for p in kept), Decimal(0)), 0)
            case "all" | "any":
                assert expr.body is not None
                found = [truth(evaluate(expr.body, {**values, **p})) for p in kept]
                return Literal(all(found) if expr.func == "all" else any(found), expr.pos)
        raise AssertionError(expr.func)

    return truth(evaluate(direct(parse_expression(text)), values))


def _rule_holds(rule: Any, values: Config, parts: list[Config]) -> bool:
    if rule.type == "table":
        row = [values[column] for column in rule.columns]
        listed = any(all(Decimal(cell) == value for cell, value in zip(r, row, strict=True)) for r in rule.rows)
        return listed == (rule.mode == "allowed")
    if rule.type == "requires":
        return not _holds(rule.when, values, parts) or _holds(rule.then, values, parts)
    if rule.type == "excludes":
        return not (_holds(rule.when, values, parts) and _holds(rule.then, values, parts))
    return not _holds(rule.when, values, parts) or _holds(rule.expr, values, parts)


def solutions(product: Product) -> list[Config]:
    """Every valid configuration, enumerated at both levels, written as the unrolled options (absent instances
    with their one value) so it can be compared with the engine's answers."""
    component = product.components[0]
    found = []
    for number in range(component.min, component.max + 1):
        for values in _assignments(product.options()):
            for parts in itertools.product(list(_assignments(component.options)), repeat=number):
                instances = list(parts)
                if not all(_rule_holds(r, {**values, "parts": Decimal(number)}, instances) for r in product.rules):
                    continue
                if not all(_rule_holds(r, {**values, **p}, []) for p in instances for r in component.rules):
                    continue
                flat = {**values, component.id: Decimal(number)}
                for index in range(1, component.max + 1):
                    for option in component.options:
                        value = instances[index - 1][option.id] if index <= number else absent_value(option)
                        flat[instance_id(component.id, index, option.id)] = value
                found.append(flat)
    return found


def _restrict(found: list[Config], selection: Config) -> list[Config]:
    return [s for s in found if all(s[k] == v for k, v in selection.items())]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nested_products(), st.randoms(use_true_random=False))
def test_domains_count_and_completion_match_the_nested_enumeration(product: Product, rng: Any) -> None:
    _agrees(product, rng)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nested_products(), st.randoms(use_true_random=False))
def test_every_sum_and_count_chained_still_matches(product: Product, rng: Any) -> None:
    """The same with every sum and count of three terms or more compiled as a chain of partial sums."""
    with mock.patch("rules.chains.CHAIN_GRID", 0):
        _agrees(product, rng)


def _agrees(product: Product, rng: Any) -> None:
    flat = unroll(product)
    engine = Engine(compile_product(flat))
    found = solutions(product)
    assert engine.count({}) == len(found)
    selections: list[Config] = [{}]
    if found:
        target = rng.choice(found)
        keys = list(target)
        selections += [{k: target[k] for k in rng.sample(keys, rng.randint(1, len(keys)))} for _ in range(3)]
    for selection in selections:
        allowed = _restrict(found, selection)
        state = engine.valid_domains(selection)
        assert state.consistent == bool(allowed)
        for option in flat.options():
            if option.id in selection:
                continue
            expected = {s[option.id] for s in allowed}
            assert set(state.domains[option.id].values) == expected, (option.id, selection)
        done = engine.complete(selection)
        assert (done is None) == (not allowed)
        if done is not None:
            assert done in allowed
        if allowed:  # what each choice could be switched to, the others kept (the page's disabled values)
            alternatives = engine.obstacles(selection).alternatives
            for option_id in selection:
                others = {k: v for k, v in selection.items() if k != option_id}
                expected = {s[option_id] for s in _restrict(found, others)}
                assert set(alternatives[option_id].values) == expected, (option_id, selection)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nested_products())
def test_prices_roll_up_per_present_instance_and_the_cheapest_is_cheapest(product: Product) -> None:
    flat = unroll(product)
    engine = Engine(compile_product(flat))
    found = solutions(product)
    component = product.components[0]

    def expected(config: Config) -> Decimal:
        total = product.base_price
        for index in range(1, int(config["parts"]) + 1):
            total += Decimal(KINDS.index(config[instance_id("parts", index, "k")]))
            total += Decimal(2) if config.get(instance_id("parts", index, "g")) else Decimal(0)
            total += Decimal(5) if config[instance_id("parts", index, "x")] >= 1 else Decimal(0)
        return total

    for config in found[:20]:
        given_ = {k: v for k, v in config.items() if not k.startswith("parts[")
                  or int(k.split("[")[1].split("]")[0]) <= int(config["parts"])}
        priced = price_selection(engine, given_).price
        assert priced is not None and priced.total == expected(config), (config, component.id)
    cheapest = from_price(engine, {}).price
    assert (cheapest is None) == (not found)
    if cheapest is not None:
        assert cheapest.total == min(expected(c) for c in found)

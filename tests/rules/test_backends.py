"""Both backends, asked by name, give the same answers for every operation on a product with every option type,
rule kind and price rule kind (tests/rules/fixtures/every-kind.yaml)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from catalog.loader import load_product
from rules.compile import compile_product
from rules.domains import Domains
from rules.engine import Engine
from rules.pricing import from_price, price_selection
from rules.selection import parse_selection

FIXTURE = Path(__file__).parent / "fixtures" / "every-kind.yaml"
MODEL = compile_product(load_product(FIXTURE).product)
TREE, SAT = Engine(MODEL, backend="tree"), Engine(MODEL, backend="sat")
SINGLES: list[dict[str, Any]] = [
    {"frame": "S"}, {"frame": "L"}, {"extras": ["rack"]}, {"extras": ["rack", "bell", "light"]}, {"belt": True},
    {"height": 150}, {"height": 190}, {"engraving": "AB"}, {"units": 3}, {"extras": []}, {"belt": False},
]
SELECTIONS = [{}, *SINGLES, *({**a, **b} for a, b in itertools.combinations(SINGLES, 2) if not a.keys() & b.keys())]


def _summary(state: Domains) -> tuple[Any, ...]:
    domains = {k: (d.values, d.excludable) for k, d in state.domains.items()}
    return state.consistent, state.complete, domains, {(v.rule_id, v.option) for v in state.violations}


def test_the_backends_are_the_ones_asked_for() -> None:
    assert (TREE.backend.name, SAT.backend.name) == ("tree", "sat")


@pytest.mark.parametrize("selection", SELECTIONS, ids=str)
def test_both_backends_answer_alike(selection: dict[str, Any]) -> None:
    assert _summary(TREE.valid_domains(selection)) == _summary(SAT.valid_domains(selection))
    assert _summary(TREE.validate(selection)) == _summary(SAT.validate(selection))
    assert _summary(TREE.check(selection)) == _summary(SAT.check(selection))
    assert TREE.count(selection) == SAT.count(selection)
    fixed = parse_selection(MODEL, selection).fixed
    assert TREE.backend.check(fixed) == SAT.backend.check(fixed) == (TREE.count(selection) > 0)
    tree_done, sat_done = TREE.complete(selection), SAT.complete(selection)
    assert (tree_done is None) == (sat_done is None) == (TREE.count(selection) == 0)
    for done in (tree_done, sat_done):
        if done is not None:
            state = TREE.validate(done)
            assert state.consistent and state.complete
            assert all(_same(done[k], v) for k, v in selection.items())
    tree_from, sat_from = from_price(TREE, selection), from_price(SAT, selection)
    assert (tree_from.price and tree_from.price.total) == (sat_from.price and sat_from.price.total)
    if tree_done is not None:
        assert price_selection(TREE, tree_done) == price_selection(SAT, tree_done)


@pytest.mark.parametrize("selection", SINGLES, ids=str)
def test_explanations_and_repairs_do_not_depend_on_the_backend(selection: dict[str, Any]) -> None:
    for option in MODEL.options.values():
        for value in TREE.valid_domains({}).domains[option.id].values:
            if option.id in selection or option.type == "multi":
                continue
            assert TREE.advisor.explain(selection, option.id, value) == SAT.advisor.explain(selection, option.id, value)
            assert TREE.advisor.repair(selection, option.id, value) == SAT.advisor.repair(selection, option.id, value)


def test_the_counts_are_right() -> None:
    # Independent of both: every combination of values, kept where the tree's table check passes.
    domains = TREE.valid_domains({}).domains
    names = [k for k in MODEL.options if MODEL.option_vars[k]]
    grids = [
        [list(s) for r in range(3) for s in itertools.combinations(["rack", "bell", "light"], r)]
        if k == "extras" else (["", "AB"] if k == "engraving" else list(domains[k].values))
        for k in names
    ]
    valid = sum(1 for combo in itertools.product(*grids) if TREE.check(dict(zip(names, combo))).consistent)
    assert TREE.count({}) == SAT.count({}) == valid > 0


def test_a_count_given_time_is_the_same_count() -> None:
    # With a time limit the SAT path counts in a child process it can stop; the answer must not change.
    for selection in ({}, {"frame": "L"}):
        assert SAT.count(selection, seconds=60) == SAT.count(selection) == TREE.count(selection, seconds=60)


def _same(got: Any, wanted: Any) -> bool:
    return sorted(got) == sorted(wanted) if isinstance(wanted, list) else bool(got == wanted)

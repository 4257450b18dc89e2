"""Completion within a time budget: the SAT backend's solver is interrupted at the budget (a pigeonhole model,
hard for every CDCL solver), the join tree stops between variables; both raise TimeBudgetError, and the engine
answers the next question as before."""

from __future__ import annotations

import time

import pytest

from catalog.schema import Product
from rules.compile import compile_product
from rules.engine import Engine
from rules.errors import TimeBudgetError
from tests.conftest import megane_engine


def _pigeons(n: int) -> Product:
    """n pigeons, n - 1 holes, at most one pigeon a hole: no solution, and no short proof of it for CDCL."""
    holes = [f"h{j}" for j in range(n - 1)]
    options = [{"id": f"p{i}", "type": "single", "label": f"P{i}", "values": holes} for i in range(n)]
    rules = [{"id": f"r{j}", "type": "constraint", "message": "One pigeon a hole.",
              "expr": "count(" + ", ".join(f'p{i} == "{hole}"' for i in range(n)) + ") <= 1"}
             for j, hole in enumerate(holes)]
    return Product.model_validate({"id": "pigeons", "name": "Pigeons", "currency": "EUR", "base_price": "1",
                                   "steps": [{"id": "s", "label": "S", "options": options}], "rules": rules})


def test_the_sat_backend_is_interrupted_at_the_budget_and_still_answers() -> None:
    engine = Engine(compile_product(_pigeons(14)), "sat")
    for _ in range(2):  # the interrupt is cleared: a second question gets its own budget
        started = time.monotonic()
        with pytest.raises(TimeBudgetError, match=r"did not finish within 0\.3 s"):
            engine.complete({}, seconds=0.3)
        assert time.monotonic() - started < 3
    small = Engine(compile_product(_pigeons(3).model_copy(update={"rules": []})), "sat")
    assert small.complete({}, seconds=5) is not None


@pytest.mark.parametrize("backend", ["tree", "sat"])
def test_a_budget_that_is_not_reached_changes_nothing(backend: str) -> None:
    engine = Engine(megane_engine().model, backend)  # type: ignore[arg-type]
    assert engine.complete({}, seconds=60) == engine.complete({})


def test_the_tree_stops_between_variables() -> None:
    engine = Engine(compile_product(_pigeons(3).model_copy(update={"rules": []})), "tree")
    with pytest.raises(TimeBudgetError):
        engine.complete({}, seconds=0)
    assert engine.complete({}) is not None

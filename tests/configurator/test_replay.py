"""What a catalog change would meet and rule out (issue 25): the replay of recorded demand (values found blocked,
requests) and quotes against two random catalogs equals a brute-force enumeration of the products each allows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from catalog.schema import BooleanOption, MultiOption, Product, SingleOption
from configurator.persistence.db import DemandRequest, Quote, Signal, make_engine, migrate
from configurator.services.replay import replay
from rules.compile import compile_product
from rules.engine import Engine
from rules.selection import plain
from tests.rules.test_engine_brute_force import Config, _domain, _extends, catalogs, solutions

Reach = tuple[Config, str, str]


@st.composite
def changes(draw: st.DrawFn) -> tuple[Product, Product, list[Reach], list[Reach], list[Config]]:
    """A product before and after a change of its rules (each keeps some of one random product's rules), values
    reached for with partial selections, requests, and quotes (complete configurations, most valid before)."""
    product = draw(catalogs())
    before, after = (product.model_copy(update={"rules": [r for r in product.rules if draw(st.booleans())]})
                     for _ in range(2))
    reachable = [o for o in product.options() if isinstance(o, SingleOption | MultiOption | BooleanOption)]

    def reach() -> Reach:
        selection = {o.id: plain(draw(st.sampled_from(_domain(o)))) for o in product.options() if draw(st.booleans())}
        option = draw(st.sampled_from(reachable))
        value = draw(st.sampled_from(["true", "false"] if isinstance(option, BooleanOption) else
                                     [v.id for v in option.values]))
        return selection, option.id, value

    valid = list(solutions(before))
    quotes = [{k: plain(v) for k, v in draw(st.sampled_from(valid)).items()} for _ in range(3)] if valid else []
    return before, after, [reach() for _ in range(draw(st.integers(0, 6)))], [reach() for _ in range(3)], quotes


def _reached(product: Product, reach: Reach) -> Config:
    """The selection a shopper reached for, as the shop makes it (independently of the code under test)."""
    selection, option_id, value = reach
    option = next(o for o in product.options() if o.id == option_id)
    if isinstance(option, MultiOption):
        return {**selection, option_id: sorted({*selection.get(option_id, []), value})}
    return {**selection, option_id: value == "true" if isinstance(option, BooleanOption) else value}


def _allows(product: Product, selection: Config) -> bool:
    return any(_extends(config, selection) for config in solutions(product))


def _store(database: Any, reaches: list[Reach], asks: list[Reach], quotes: list[Config]) -> None:
    now = datetime.now(UTC)
    with Session(database) as db:
        for i, (selection, option, value) in enumerate(reaches):
            db.add(Signal(product_id="random", catalog_version="v0", session=f"s{i}", kind="blocked", option=option,
                          value=value, selection=json.dumps(selection)))
        for selection, option, value in asks:
            db.add(DemandRequest(product_id="random", catalog_version="v0", option=option, value=value,
                                 selection=json.dumps(selection)))
        for selection in quotes:
            db.add(Quote(product_id="random", catalog_version="v0", selections=selection, quantity=1, currency="EUR",
                         total="1.00", breakdown={}, expires_at=now))
        db.commit()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes())
def test_what_a_change_would_meet_and_rule_out_equals_brute_force(
    case: tuple[Product, Product, list[Reach], list[Reach], list[Config]],
) -> None:
    before, after, reaches, asks, quotes = case
    database = make_engine("sqlite://")
    migrate(database)
    _store(database, reaches, asks, quotes)
    found = replay(database, "random", Engine(compile_product(after)), Engine(compile_product(before)))

    def met(reach: Reach) -> bool:
        return _allows(after, _reached(after, reach)) and not _allows(before, _reached(before, reach))

    assert (found.attempts, found.attempts_met) == (len(reaches), sum(map(met, reaches)))
    assert (found.asks, found.asks_met) == (len(asks), sum(map(met, asks)))
    ruled_out = sum(1 for q in quotes if not _allows(after, q) and _allows(before, q))
    assert (found.quotes, found.quotes_ruled_out) == (len(quotes), ruled_out)
    database.dispose()


def test_a_member_reached_for_joins_the_members_chosen() -> None:
    """Ticking a member of a multi choice keeps the others ticked: the request met is for both together."""
    options = [{"id": "m0", "type": "multi", "values": ["x", "y", "z"], "min": 0, "max": 3}]
    rule = {"id": "r0", "type": "excludes", "message": "not both", "if": '"x" in m0', "then": '"y" in m0'}
    before, after = (Product.model_validate({"id": "random", "name": "R", "currency": "EUR", "base_price": "1",
                                             "steps": [{"id": "all", "label": "All", "options": options}],
                                             "rules": rules}) for rules in ([rule], []))
    database = make_engine("sqlite://")
    migrate(database)
    _store(database, [({"m0": ["x"]}, "m0", "y")], [({"m0": ["x"]}, "m0", "y")], [])
    found = replay(database, "random", Engine(compile_product(after)), Engine(compile_product(before)))
    assert (found.attempts_met, found.asks_met) == (1, 1)  # y alone was offered before: only x and y was not
    database.dispose()

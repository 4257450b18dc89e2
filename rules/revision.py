"""Two versions of a product compared: what changed in its options, values, rules and prices, and which complete
configurations the change makes invalid or newly valid, counted exactly on the join tree of both rule sets.

Counting needs the two versions to share their options and values (so both compile to the same variables); then
the configurations valid in both are those of one model holding both versions' tables, and what became invalid is
the old count minus that. Examples come from enumerating the old version's configurations, up to a limit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from catalog.schema import MultiOption, Product, SingleOption
from rules.backend import quick_count, solutions
from rules.compile import CompiledModel
from rules.engine import Engine
from rules.errors import EngineLimitError
from rules.pricing import price_selection

# Old configurations looked at for examples of what became invalid, and priced again where prices changed.
EXAMPLE_SEARCH = 20_000
EXAMPLES = 3


@dataclass(frozen=True)
class Revision:
    """What changed between two versions of one product."""

    product: str
    options_added: tuple[str, ...]
    options_removed: tuple[str, ...]
    options_changed: tuple[str, ...]
    values_added: tuple[tuple[str, str], ...]
    values_removed: tuple[tuple[str, str], ...]
    rules_added: tuple[str, ...]
    rules_removed: tuple[str, ...]
    rules_changed: tuple[str, ...]
    prices_changed: tuple[str, ...]  # "base_price", "<option>.<value>", "<option>", pricing rule ids
    counted: bool  # whether the counts below were made (the two versions share options and values)
    valid_before: int | None = None
    valid_after: int | None = None
    became_invalid: int | None = None
    became_valid: int | None = None
    invalid_examples: tuple[Mapping[str, Any], ...] = ()
    changed_price: int | None = None  # valid before and after, at another price (where few enough to price all)
    price_examples: tuple[Mapping[str, Any], ...] = ()


def compare(old: Engine, new: Engine) -> Revision:
    """The structural changes, and the exact counts where both versions compile to the same variables."""
    before, after = old.model.product, new.model.product
    olds, news = {o.id: o for o in before.options()}, {o.id: o for o in after.options()}
    common = [k for k in olds if k in news]
    values_added, values_removed = _values(olds, news, common)
    changed = tuple(k for k in common if _plain(olds[k], "values") != _plain(news[k], "values"))
    rules_old, rules_new = {r.id: r for r in before.rules}, {r.id: r for r in after.rules}
    revision = Revision(
        before.id,
        tuple(k for k in news if k not in olds),
        tuple(k for k in olds if k not in news),
        changed,
        values_added,
        values_removed,
        tuple(k for k in rules_new if k not in rules_old),
        tuple(k for k in rules_old if k not in rules_new),
        tuple(k for k in rules_old if k in rules_new and rules_old[k] != rules_new[k]),
        _prices(before, after, common),
        False,
    )
    if not _same_variables(old.model, new.model):
        return revision
    try:
        return _counted(revision, old, new)
    except EngineLimitError:
        return revision


def _counted(revision: Revision, old: Engine, new: Engine) -> Revision:
    both = quick_count(dataclasses.replace(old.model, tables=old.model.tables + new.model.tables))
    if both is None:
        return revision  # too large to count exactly without a solver
    before, after = old.count({}), new.count({})
    invalid: list[dict[str, Any]] = []
    repriced: list[dict[str, Any]] = []
    seen = 0
    if before > both or revision.prices_changed:
        for solution in _solutions(old, EXAMPLE_SEARCH):
            seen += 1
            if not new.check(solution).consistent:
                invalid.append(solution)
            elif revision.prices_changed and _total(old, solution) != _total(new, solution):
                repriced.append(solution)
    counted_all = seen == before  # every old configuration was looked at: the price count is exact
    changed = (len(repriced) if counted_all else None) if revision.prices_changed else 0
    return dataclasses.replace(revision, counted=True, valid_before=before, valid_after=after,
                               became_invalid=before - both, became_valid=after - both,
                               invalid_examples=tuple(invalid[:EXAMPLES]), changed_price=changed,
                               price_examples=tuple(repriced[:EXAMPLES]))


def _total(engine: Engine, selection: Mapping[str, Any]) -> Any:
    priced = price_selection(engine, selection)
    return None if priced.price is None else priced.price.total


def _solutions(engine: Engine, limit: int) -> Iterator[dict[str, Any]]:
    """Complete valid configurations (catalog values), by SAT enumeration, up to `limit` of them."""
    for values in solutions(engine.model, limit):
        yield engine.selection_of(dict(enumerate(values)))


def _same_variables(a: CompiledModel, b: CompiledModel) -> bool:
    return [(v.name, v.values) for v in a.variables] == [(v.name, v.values) for v in b.variables]


def _values(olds: Mapping[str, Any], news: Mapping[str, Any], common: list[str]) -> tuple[Any, Any]:
    added, removed = [], []
    for k in common:
        if isinstance(olds[k], SingleOption | MultiOption) and isinstance(news[k], SingleOption | MultiOption):
            before, after = set(olds[k].value_ids), set(news[k].value_ids)
            added += [(k, v.id) for v in news[k].values if v.id not in before]
            removed += [(k, v.id) for v in olds[k].values if v.id not in after]
    return tuple(added), tuple(removed)


def _prices(before: Product, after: Product, common: list[str]) -> tuple[str, ...]:
    changed = ["base_price"] if before.base_price != after.base_price else []
    olds, news = {o.id: o for o in before.options()}, {o.id: o for o in after.options()}
    for k in common:
        old_prices = {v.id: (v.price, v.price_percent) for v in getattr(olds[k], "values", [])}
        new_prices = {v.id: (v.price, v.price_percent) for v in getattr(news[k], "values", [])}
        changed += [f"{k}.{v}" for v in old_prices if v in new_prices and old_prices[v] != new_prices[v]]
        if getattr(olds[k], "price", None) != getattr(news[k], "price", None):
            changed.append(k)
    old_rules, new_rules = {r.id: r for r in before.pricing}, {r.id: r for r in after.pricing}
    changed += [k for k in {**old_rules, **new_rules} if old_rules.get(k) != new_rules.get(k)]
    return tuple(changed)


def _plain(option: Any, *leave_out: str) -> dict[str, Any]:
    """An option's definition without its values' prices (those are price changes, reported apart)."""
    data: dict[str, Any] = option.model_dump(exclude={"price", *leave_out})
    if hasattr(option, "values"):
        data["values"] = [(v.id, v.label, v.description) for v in option.values]
    return data

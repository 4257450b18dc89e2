"""Recommendations from order history: per open option, what customers who chose as this shopper did chose most.

Earlier configurations of the product (its stored quotes) that agree with every choice made so far are counted
per open option; the value chosen most often among those still possible is suggested, ties broken by the
catalog's default, then by catalog order. No matching history, no suggestion; never a value that would not fit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from catalog.schema import BooleanOption, NumberOption, SingleOption
from rules.domains import default_value
from rules.engine import Engine
from rules.selection import parse_selection


def recommend(engine: Engine, selection: Mapping[str, Any], history: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The value to suggest for each open single, yes/no or number option (catalog values), from `history`."""
    model = engine.model
    earlier = [parse_selection(model, configuration).values for configuration in history]
    chosen = parse_selection(model, selection)
    if chosen.violations or not earlier:
        return {}
    state = engine.valid_domains(selection)
    open_options = [
        o for o in model.product.options()
        if o.id not in chosen.values and isinstance(o, SingleOption | BooleanOption | NumberOption)
    ]
    counts: dict[str, Counter[Any]] = {o.id: Counter() for o in open_options}
    for values in earlier:
        if all(name in values and values[name] == value for name, value in chosen.values.items()):
            for option_id, counter in counts.items():
                if option_id in values:
                    counter[values[option_id]] += 1
    suggested: dict[str, Any] = {}
    for option in open_options:
        possible = state.domains[option.id].values
        counted = [(counts[option.id][value], value) for value in possible if counts[option.id][value]]
        if not counted:
            continue
        most = max(count for count, _ in counted)
        tied = [value for count, value in counted if count == most]
        default = default_value(option)
        suggested[option.id] = default if default in tied else tied[0]
    return suggested

"""Recommendations from order history: per open option, what customers who chose as this shopper did chose most.

Earlier configurations of the product version (its stored quotes) are coded once into a matrix, one row per
configuration and one column per option (`History`); a page then counts, with array operations, the rows that
agree with every choice made so far, per open option. The value chosen most often among those still possible is
suggested, ties broken by the catalog's default, then by catalog order. No matching history, no suggestion; never
a value that would not fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from catalog.kinds import ONE_VALUE, default_value, traits
from rules.compile import CompiledModel
from rules.domains import Domains
from rules.selection import Parsed, parse_selection
from rules.tables import Array

NO_VALUE = -1


@dataclass(frozen=True)
class History:
    """Earlier configurations of one product version: per option, each configuration's value as a code."""

    model: str  # the content hash of the model the configurations were read against
    columns: Mapping[str, int]  # option id -> column
    codes: Mapping[str, Mapping[Any, int]]  # option id -> catalog value -> code (values are hashable)
    matrix: Array  # (configurations x options) codes, NO_VALUE where a configuration leaves an option open

    def __len__(self) -> int:
        return int(self.matrix.shape[0])


def history_of(model: CompiledModel, configurations: Iterable[Mapping[str, Any]]) -> History:
    """The configurations coded against the model (a value it does not accept is left out)."""
    columns = {option_id: index for index, option_id in enumerate(model.options)}
    codes: dict[str, dict[Any, int]] = {option_id: {} for option_id in model.options}
    rows = []
    for configuration in configurations:
        row = [NO_VALUE] * len(columns)
        for option_id, value in parse_selection(model, configuration).values.items():
            row[columns[option_id]] = codes[option_id].setdefault(value, len(codes[option_id]))
        rows.append(row)
    matrix = np.array(rows, dtype=np.int32).reshape(len(rows), len(columns))
    return History(model.content_hash, columns, codes, matrix)


@dataclass(frozen=True)
class Recommendation:
    """A value to suggest, and how many of the customers who chose alike picked it."""

    value: Any
    count: int  # how many picked it
    among: int  # how many of those customers gave the option a value


def recommend(model: CompiledModel, chosen: Parsed, state: Domains, history: History) -> dict[str, Any]:
    """The value to suggest for each open single, yes/no or number option (catalog values), from `history`;
    `state` is the selection's valid domains."""
    return {option: found.value for option, found in recommendations(model, chosen, state, history).items()}


def recommendations(
    model: CompiledModel, chosen: Parsed, state: Domains, history: History, least: int = 1
) -> dict[str, Recommendation]:
    """Per open single, yes/no or number option, the value most customers who chose alike picked among those
    still possible (the default where it ties), with the counts; only where at least `least` of them gave the
    option a value."""
    if chosen.violations or not len(history) or history.model != model.content_hash:
        return {}
    agree = np.ones(len(history), dtype=bool)
    for name, value in chosen.values.items():
        if traits(model.options[name]).order_quantity:
            continue  # how many a customer buys says nothing of what they like
        code = history.codes[name].get(value)
        if code is None:
            return {}  # no customer chose this
        agree &= history.matrix[:, history.columns[name]] == code
    alike = history.matrix[agree]
    suggested: dict[str, Recommendation] = {}
    for option in model.product.options():
        kind = traits(option)
        if option.id in chosen.values or kind.expression not in ONE_VALUE or kind.order_quantity:
            continue
        column = alike[:, history.columns[option.id]]
        counts = np.bincount(column[column != NO_VALUE], minlength=len(history.codes[option.id]))
        counted = [(int(counts[code]), value) for value in state.domains[option.id].values
                   if (code := history.codes[option.id].get(value)) is not None and counts[code]]
        among = int((column != NO_VALUE).sum())
        if not counted or among < least:
            continue
        most = max(count for count, _ in counted)
        tied = [value for count, value in counted if count == most]
        default = default_value(option)
        suggested[option.id] = Recommendation(default if default in tied else tied[0], most, among)
    return suggested

"""Exact counting on the model's CNF with Ganak (pyganak), for models whose join tree would be too large.

The count is projected on the value literals: auxiliary variables (tuple selectors, cardinality ladders, Tseitin
definitions) are existentially quantified, so each configuration counts once however it is encoded. Of each
variable's one-hot literals the last is left out of the projection: exactly one of them holds, so the others decide
it, and a smaller projection set makes the counter's work smaller.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyganak

from rules.sat import SatModel


def count_models(sat: SatModel, fixed: Mapping[int, int]) -> int:
    """The exact number of complete valid assignments extending `fixed`, by Ganak on the model's clauses."""
    assert not sat.guarded, "rules guarded by selectors would be counted as optional"
    projection = [lit for lits in sat.lits for lit in lits[:-1]]
    if not projection:  # every variable has one value: one configuration, or none
        return int(sat.solve(sat.choice_lits(fixed) + sat.all_rules))
    counter = pyganak.Counter(verbose=0, seed=0)
    counter.new_vars(sat.model_top)
    for chunk in sat.clauses.chunks():
        counter.add_clauses(chunk)
    counter.add_clauses([lit] for lit in sat.choice_lits(fixed))
    counter.set_sampling_set(projection)
    return int(counter.count())

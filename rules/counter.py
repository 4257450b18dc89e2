"""Exact counting on the model's CNF with Ganak (pyganak), for models whose join tree would be too large.

The count is projected on the value literals: auxiliary variables (tuple selectors, cardinality ladders, Tseitin
definitions) are existentially quantified, so each configuration counts once however it is encoded. Of each
variable's one-hot literals the last is left out of the projection: exactly one of them holds, so the others decide
it, and a smaller projection set makes the counter's work smaller.

Ganak cannot be interrupted from Python, so a count with a time limit runs in a child process that is stopped when
the limit passes: some models (the Linux kernel's) are beyond any exact counter we know, and a caller waiting on
them needs an answer it can show.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection

import pyganak

from rules.cnf import Clauses
from rules.errors import CountTimeoutError, EngineLimitError
from rules.sat import SatModel
from rules.tables import Array

# A spawned child starts clean (no copy of a server's threads or locks); its start-up is well under a second.
_SPAWN = multiprocessing.get_context("spawn")


def count_models(sat: SatModel, fixed: Mapping[int, int], seconds: float | None = None) -> int:
    """The exact number of complete valid assignments extending `fixed`, by Ganak on the model's clauses; with
    `seconds`, raise CountTimeoutError if Ganak has not answered by then."""
    assert not sat.guarded, "rules guarded by selectors would be counted as optional"
    projection = [lit for lits in sat.lits for lit in lits[:-1]]
    if not projection:  # every variable has one value: one configuration, or none
        return int(sat.solve(sat.choice_lits(fixed) + sat.all_rules))
    lits, sizes = sat.clauses.arrays()
    units = sat.choice_lits(fixed)
    if seconds is None:
        return _ganak(sat.model_top, lits, sizes, units, projection)
    return _ganak_within(seconds, sat.model_top, lits, sizes, units, projection)


def _ganak(top: int, lits: Array, sizes: Array, units: Sequence[int], projection: Sequence[int]) -> int:
    counter = pyganak.Counter(verbose=0, seed=0)
    counter.new_vars(top)
    for chunk in Clauses(lits, sizes).chunks():
        counter.add_clauses(chunk)
    counter.add_clauses([lit] for lit in units)
    counter.set_sampling_set(projection)
    return int(counter.count())


def _ganak_within(
    seconds: float, top: int, lits: Array, sizes: Array, units: Sequence[int], projection: Sequence[int]
) -> int:
    receiver, sender = _SPAWN.Pipe(duplex=False)
    child = _SPAWN.Process(target=_ganak_child, args=(sender, top, lits, sizes, list(units), list(projection)))
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise CountTimeoutError(seconds, len(sizes))
        count = receiver.recv()
    except EOFError:  # the child died without answering (out of memory, killed)
        raise EngineLimitError("the exact model counter stopped without an answer (out of memory?)") from None
    finally:
        child.kill()
        child.join()
        receiver.close()
    assert isinstance(count, int)
    return count


def _ganak_child(
    sender: Connection, top: int, lits: Array, sizes: Array, units: list[int], projection: list[int]
) -> None:
    sender.send(_ganak(top, lits, sizes, units, projection))
    sender.close()

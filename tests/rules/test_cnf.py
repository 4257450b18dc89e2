"""Compact clauses (rules/cnf.py) give back exactly what was put in, across chunk boundaries."""

from __future__ import annotations

from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from rules import cnf as cnf_module
from rules.cnf import Clauses, solver_for

literals = st.integers(1, 50).flatmap(lambda v: st.sampled_from([v, -v]))


@given(st.lists(st.lists(literals, max_size=4), max_size=40), st.integers(1, 7))
def test_clauses_come_back_as_they_went_in(clauses: list[list[int]], chunk: int) -> None:
    with mock.patch.object(cnf_module, "CHUNK", chunk):
        compact = Clauses()
        compact.extend(clauses[: len(clauses) // 2])
        assert len(compact) == len(clauses) // 2
        compact.extend(clauses[len(clauses) // 2 :])
        assert len(compact) == len(clauses)
        assert list(compact) == clauses
        assert all(len(part) <= chunk for part in compact.chunks())
        lits, sizes = compact.arrays()
        assert sizes.tolist() == [len(c) for c in clauses]
        assert lits.tolist() == [lit for c in clauses for lit in c]


def test_a_solver_reads_every_chunk() -> None:
    with mock.patch.object(cnf_module, "CHUNK", 2):
        compact = Clauses()
        compact.extend([[1, 2], [-1], [-2, 3], [-3, 4], [-4]])
        with solver_for("g4", compact) as solver:
            assert not solver.solve()  # unsatisfiable only if the last chunk, [-4], was read too

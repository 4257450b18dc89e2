"""The model's clauses cut into blocks (rules/blocks.py) against brute-force enumeration of small random CNFs.

A value (literal k, k <= values) is possible under some choices iff some assignment of all the variables, the
auxiliary ones included, satisfies every clause with the choices and that literal true: the oracle enumerates them.
"""

from __future__ import annotations

import itertools
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import blocks as blocks_module
from rules.blocks import Blocks
from rules.cnf import Clauses as Compact
from rules.cnf import SolverCell
from rules.sat import SOLVER

Clauses = list[list[int]]


@st.composite
def cnfs(draw: st.DrawFn) -> tuple[Clauses, int, int, list[int]]:
    """Clauses over `values` value variables and a few auxiliary ones, with some choices among the values."""
    values = draw(st.integers(1, 8))
    top = values + draw(st.integers(0, 3))
    literal = st.integers(1, top).flatmap(lambda v: st.sampled_from([v, -v]))
    clauses = draw(st.lists(st.lists(literal, min_size=1, max_size=3), max_size=12))
    choices = draw(st.lists(st.integers(1, values), max_size=3, unique=True))
    return clauses, values, top, choices


def make_blocks(clauses: Clauses, values: int, top: int, block_vars: int) -> Blocks:
    """The blocks of these clauses, components packed up to `block_vars` variables a block."""
    compact = Compact()
    compact.extend(clauses)
    with mock.patch.object(blocks_module, "BLOCK_VARS", block_vars):
        return Blocks(SolverCell(SOLVER, compact), values, np.arange(values), top)


def brute_force(clauses: Clauses, values: int, top: int, choices: list[int]) -> list[bool] | None:
    """Per value, whether some model of the clauses with the choices has it; None if there is no model."""
    possible = [False] * values
    found = False
    for bits in itertools.product((False, True), repeat=top):
        if not all(bits[c - 1] for c in choices):
            continue
        if all(any(bits[abs(lit) - 1] == (lit > 0) for lit in clause) for clause in clauses):
            found = True
            possible = [p or bits[k] for k, p in enumerate(possible)]
    return possible if found else None


@settings(max_examples=400, deadline=None)
@given(cnfs(), st.sampled_from([1, 2, 5, 2000]))
def test_block_domains_match_brute_force(case: tuple[Clauses, int, int, list[int]], block_vars: int) -> None:
    clauses, values, top, choices = case
    blocks = make_blocks(clauses, values, top, block_vars)
    expected = brute_force(clauses, values, top, choices)
    # Asked twice: the second answer comes from the blocks' recent domains and must not differ.
    for _ in range(2):
        found = blocks.domains(choices)
        assert (None if found is None else found.tolist()) == expected


@settings(max_examples=100, deadline=None)
@given(cnfs(), st.lists(st.integers(1, 8), min_size=1, max_size=4, unique=True))
def test_a_session_of_growing_choices_matches_brute_force(
    case: tuple[Clauses, int, int, list[int]], order: list[int]
) -> None:
    """Choices added one at a time reuse each block's recent domains and witnesses: still exact at every step."""
    clauses, values, top, _ = case
    blocks = make_blocks(clauses, values, top, 2)
    choices: list[int] = []
    for value in (v for v in order if v <= values):
        choices.append(value)
        found = blocks.domains(choices)
        assert (None if found is None else found.tolist()) == brute_force(clauses, values, top, choices)


def test_independent_components_fall_into_separate_blocks() -> None:
    # Three components below a root literal settled by propagation (1 is a unit; 2 -> 1 is then satisfied).
    clauses = [[1], [-2, 1], [2, 3], [-3, -4], [5, 6], [-5, -6], [7, -8]]
    blocks = make_blocks(clauses, 8, 8, 1)
    assert blocks.root[1:].tolist() == [1] + [0] * 7
    groups = sorted(sorted((block.values + 1).tolist()) for block in blocks.blocks)
    assert groups == [[2, 3, 4], [5, 6], [7, 8]]


def test_conflicting_clauses_have_no_domains() -> None:
    blocks = make_blocks([[1], [-1, 2], [-2]], 2, 2, 2000)
    assert not blocks.consistent
    assert blocks.domains([]) is None

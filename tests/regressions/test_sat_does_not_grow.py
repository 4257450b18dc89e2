"""Within one long session on the SAT path the solver gained a variable and a clause per covering call and never
released them (step times and memory grew): spent clauses are now dropped by rebuilding the solver (each block's,
since valid domains are found block by block), and an explanation adds no variable where each choice is one value."""

from __future__ import annotations

import random

import pytest

from catalog.loader import load_catalog
from rules import blocks as blocks_module
from rules.backend import SatBackend
from rules.engine import Engine, engine_for
from tests.conftest import BUNDLED


def test_the_sat_backend_stays_the_same_size_and_right_over_a_long_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks_module, "REBUILD_AFTER", 10)  # a long session, in short
    loaded = load_catalog([BUNDLED]).products["city-bike"]
    tree = engine_for(loaded.product, loaded.content_hash)
    sat = Engine(tree.model, backend="sat")
    assert isinstance(sat.backend, SatBackend)
    rng = random.Random(5)
    sizes = []
    for _ in range(2_000):
        selection: dict[str, object] = {}
        for _ in range(rng.randint(0, 3)):
            domains = tree.valid_domains(selection).domains
            singles = [k for k, d in domains.items() if d.type != "multi" and d.values and k not in selection]
            option = rng.choice(singles)
            selection[option] = rng.choice(list(domains[option].values))
        assert sat.valid_domains(selection) == tree.valid_domains(selection)
        sizes.append(max(b.solver.nof_vars() - b.top - len(b.values) for b in sat.backend.sat.blocks.all()))
    blocks = sat.backend.sat.blocks.all()
    # Each rebuild follows 10 covering calls, each of which used to leave a variable behind for good:
    # without them the solvers would have outgrown this bound (one step makes at most a call per value, and one).
    assert sum(block.cell.rebuilds for block in blocks) >= 2
    assert max(sizes) <= 10 + 1


def test_explanations_add_no_variables_for_one_value_choices() -> None:
    loaded = load_catalog([BUNDLED]).products["city-bike"]
    engine = Engine(engine_for(loaded.product, loaded.content_hash).model)
    engine.advisor.explain({"belt_drive": True}, "gears", "single")
    before = engine.advisor.explainer.sat.solver.nof_vars()
    for gears in ("single", "hub8", "hub11") * 20:
        engine.advisor.explainer.explain({"belt_drive": True, "frame_size": "M"}, "gears", gears)
    assert engine.advisor.explainer.sat.solver.nof_vars() == before

"""The engine on the real third-party models in ../shared/benchmarks, against their known facts.

Counts are those in each SOURCE.md; domains are compared with an independent SAT check (tests/rules/oracle.py).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from catalog.importers.result import SourceError, write_import
from catalog.importers.uvl import import_uvl
from catalog.loader import LoadedProduct, load_product
from catalog.schema import SingleOption, TableRule
from rules.backend import split
from rules.engine import Engine, engine_for
from rules.sat import SatModel
from rules.selection import parse_selection, plain
from tests.conftest import BUNDLED
from tests.rules.oracle import Oracle, read_clib, read_xcsp, read_xcsp3

BR4CP = {"small": (139, 147, 8, 172_056), "medium": (148, 174, 10, 278_744)}
UVL = {"berkeleydb": (76, 20), "busybox_2010-05-02_14-17-07": (631, 681), "automotive01": (2513, 2833)}


@pytest.fixture(scope="module")
def imported(real_import: Callable[[str], Path]) -> dict[str, LoadedProduct]:
    names = ["megane", "small", "medium", "big", *UVL, "xcsp3"]
    return {name: load_product(real_import(name)) for name in names}


def _engine(loaded: LoadedProduct) -> Engine:
    return engine_for(loaded.product, loaded.content_hash)


def test_megane_import_matches_the_source_facts(imported: dict[str, LoadedProduct]) -> None:
    product = imported["megane"].product
    tables = [r for r in product.rules if isinstance(r, TableRule)]
    assert len(product.options()) == 99
    assert len(tables) == 111
    assert sum(len(t.rows or []) for t in tables) == 112_680
    sizes = sorted(len(o.values) for o in product.options() if hasattr(o, "values"))
    assert (sizes[0], sizes[-1]) == (1, 42)


def test_megane_count(imported: dict[str, LoadedProduct]) -> None:
    assert _engine(imported["megane"]).count({}) == 7_445_949_334_016


def test_bundled_megane_is_the_import(imported: dict[str, LoadedProduct]) -> None:
    bundled = load_product(BUNDLED / "renault-megane.yaml").product
    fresh = imported["megane"].product
    assert [o.model_dump() for o in bundled.options()] == [o.model_dump() for o in fresh.options()]
    assert [r.rows for r in bundled.rules] == [r.rows for r in fresh.rules]  # type: ignore[union-attr]


@pytest.mark.parametrize("size", sorted(BR4CP))
def test_br4cp_counts_and_shape(imported: dict[str, LoadedProduct], size: str) -> None:
    variables, constraints, arity, solutions = BR4CP[size]
    product = imported[size].product
    assert len(product.options()) == variables
    assert len(product.rules) == constraints
    assert max(len(r.columns) for r in product.rules if isinstance(r, TableRule)) == arity
    assert _engine(imported[size]).count({}) == solutions


def test_br4cp_big_shape(imported: dict[str, LoadedProduct]) -> None:
    product = imported["big"].product
    assert (len(product.options()), len(product.rules)) == (268, 332)
    assert max(len(r.columns) for r in product.rules if isinstance(r, TableRule)) == 12


def _agree(engine: Engine, oracle: Oracle, rng: random.Random, picks: int) -> None:
    """Build a random consistent selection with the oracle's own domains, checking the engine at each step."""
    choices: dict[str, str] = {}
    for _ in range(picks):
        expected = oracle.domains_given(choices)
        assert expected is not None
        state = engine.valid_domains(choices)
        assert state.consistent
        assert {k: [str(v) for v in d.values] for k, d in state.domains.items()} == expected
        option = rng.choice(sorted(expected))
        choices[option] = rng.choice(expected[option])


def test_xcsp3_renault_imports_and_its_domains_agree_with_an_independent_check(
    benchmarks: Path, imported: dict[str, LoadedProduct]
) -> None:
    product = imported["xcsp3"].product
    domains, tables = read_xcsp3(benchmarks / "renault-xcsp3" / "RenaultMod-00.xml.xz")
    assert len(product.options()) == 111 and len(product.rules) == len(tables)  # one table per extension use
    oracle = Oracle(domains, tables)
    assert {o.id: len(o.values) for o in product.options() if isinstance(o, SingleOption)} == {
        v: len(values) for v, values in oracle.domains.items()
    }
    _agree(_engine(imported["xcsp3"]), oracle, random.Random(11), picks=4)


def test_megane_domains_agree_with_an_independent_check(benchmarks: Path, imported: dict[str, LoadedProduct]) -> None:
    oracle = Oracle(*read_clib(benchmarks / "renault-megane-clib"))
    _agree(_engine(imported["megane"]), oracle, random.Random(7), picks=4)


@pytest.mark.parametrize("size", ["small", "medium"])
def test_br4cp_domains_agree_with_an_independent_check(
    benchmarks: Path, imported: dict[str, LoadedProduct], size: str
) -> None:
    oracle = Oracle(*read_xcsp(benchmarks / "renault-br4cp" / size / "contraintes.xml"))
    _agree(_engine(imported[size]), oracle, random.Random(11), picks=4)


def test_br4cp_big_domains_agree_with_an_independent_check(
    benchmarks: Path, imported: dict[str, LoadedProduct]
) -> None:
    engine = _engine(imported["big"])
    assert engine.backend.name == "sat", "big is expected on the SAT path; this checks that path on a real model"
    oracle = Oracle(*read_xcsp(benchmarks / "renault-br4cp" / "big" / "contraintes.xml.gz"))
    _agree(engine, oracle, random.Random(3), picks=2)


def test_inconsistent_choices_are_reported(imported: dict[str, LoadedProduct]) -> None:
    engine = _engine(imported["megane"])
    # Var5 (country) and Var33 share a table; find a pair of values the table does not allow.
    table = next(
        r for r in imported["megane"].product.rules if isinstance(r, TableRule) and r.columns == ["Var5", "Var33"]
    )
    allowed = {tuple(row) for row in table.rows or []}
    options = {o.id: o for o in imported["megane"].product.options()}
    countries, other = options["Var5"], options["Var33"]
    assert isinstance(countries, SingleOption) and isinstance(other, SingleOption)
    pair = next((a.id, b.id) for a in countries.values for b in other.values if (a.id, b.id) not in allowed)
    state = engine.validate({"Var5": pair[0], "Var33": pair[1]})
    assert not state.consistent
    assert [v.rule_id for v in state.violations] == [table.id]


@pytest.mark.parametrize("name", sorted(UVL))
def test_uvl_import_matches_the_source_facts(imported: dict[str, LoadedProduct], name: str) -> None:
    features, constraints = UVL[name]
    product = imported[name].product
    assert len(product.options()) == features
    assert sum(1 for r in product.rules if r.id.startswith("constraint")) == constraints


def test_uvl_join_tree_and_sat_agree(imported: dict[str, LoadedProduct]) -> None:
    engine = Engine(_engine(imported["berkeleydb"]).model, backend="tree")
    straightforward = SatModel(engine.model, guarded=False)
    rng = random.Random(5)
    choices: dict[str, bool] = {}
    for _ in range(6):
        tree_state = engine.valid_domains(choices)
        possible = straightforward.domains(parse_selection(engine.model, choices).fixed)
        assert possible is not None
        by_sat = {
            var.name: [v for v, ok in zip(var.values, row) if ok]
            for var, row in zip(engine.model.variables, split(engine.model, possible))
        }
        assert {k: list(d.values) for k, d in tree_state.domains.items()} == by_sat
        option = rng.choice(sorted(tree_state.domains))
        choices[option] = rng.choice(tree_state.domains[option].values)


def test_automotive01_completes_to_a_valid_configuration(imported: dict[str, LoadedProduct]) -> None:
    engine = _engine(imported["automotive01"])
    state = engine.valid_domains({})
    assert state.consistent
    done = engine.complete({})
    assert done is not None
    assert engine.validate(done).consistent and engine.validate(done).complete
    assert all(plain(v) in (True, False) for v in done.values())


def test_bike_imports_typed_features_attributes_sums_and_clones(benchmarks: Path, tmp_path: Path) -> None:
    """bike.uvl, counted against a brute force of the mapping its notes state: Inch 0-100, Manufacturer a choice
    of "Wheelio" and "other", Training Wheels' instances 1-5 (1 when it is not selected)."""
    loaded = load_product(write_import(import_uvl(benchmarks / "uvl-models" / "bike.uvl"), tmp_path))
    engine = _engine(loaded)
    found = 0
    for bell, wheels, light, dynamo, blah, front, back in itertools.product((False, True), repeat=7):
        chosen = bell + wheels + light + dynamo
        if not 1 <= chosen <= 3 or (blah and not wheels) or ((front or back) and not light):
            continue
        if (light and not (front or back)) or ((front or back) and not dynamo):
            continue
        if 3 + bell + 2 * front + 1.5 * back + 3 * dynamo >= 10:
            continue
        for inch, maker, instances in itertools.product(range(101), ("Wheelio", "other"), range(1, 6)):
            if wheels and (inch >= 22 or maker != "Wheelio" or 5 * instances >= 10):
                continue
            found += wheels or instances == 1
    assert engine.count({}) == found
    state = engine.valid_domains({"Training Wheels": True})
    assert state.domains["Manufacturer"].values == ("Wheelio",) and max(state.domains["Inch"].values) == 21


@pytest.mark.parametrize("name", ["uClibc", "financialservices01", "linux-2.6.33.3"])
def test_every_uvl_model_imports_into_a_catalog_that_loads(real_import: Callable[[str], Path], name: str) -> None:
    product = load_product(real_import(name)).product  # write_import loads it first too: this is the file left behind
    assert len(product.options()) > 1 and product.rules
    if name == "linux-2.6.33.3":
        assert product.limits.expression_length > 4000  # raised explicitly for its longest constraint


def test_what_the_uvl_importer_cannot_map_is_refused_naming_it_and_its_line(benchmarks: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.uvl"
    real.write_text("features\n    Root\n        mandatory\n            Real Size\n")
    with pytest.raises(SourceError, match=r"real\.uvl:4: Real features are not supported"):
        write_import(import_uvl(real), tmp_path / "out")
    optional = tmp_path / "optional.uvl"
    optional.write_text("features\n    Root\n        optional\n            Integer Size\n")
    with pytest.raises(SourceError, match=r"optional\.uvl:4: Integer feature Size must be mandatory"):
        write_import(import_uvl(optional), tmp_path / "out")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_an_integer_feature_ranges_to_twice_the_constants_it_is_compared_with(tmp_path: Path) -> None:
    source = tmp_path / "sizes.uvl"
    source.write_text("features\n    Root\n        mandatory\n            Integer Size\n            Integer Other\n"
                      "        optional\n            Big\n"
                      "constraints\n    Size > 80 => Big\n    Big => Other < 7\n")
    options = {o.id: o for o in load_product(write_import(import_uvl(source), tmp_path / "out")).product.options()}
    assert (options["Size"].max, options["Other"].max) == (160, 100)  # type: ignore[union-attr]

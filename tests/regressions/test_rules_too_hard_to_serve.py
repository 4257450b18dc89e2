"""Regression (found while checking the completion budget): a catalog whose rules are hard for every CDCL solver (a
pigeonhole: 15 pigeons, 14 holes) made `configurator check`, the server's start and a live reload run with no end
in sight (valid domains at start are solver calls). Every solver call now has a conflict budget far past what the
real models need (the most any call took across tests/rules/test_real_models.py: 166 conflicts, against 100,000):
such a product is a check error and is not on sale, while the rest of the catalog serves."""

from __future__ import annotations

import json
from pathlib import Path

from configurator.services.catalogs import load_compiled
from tests.conftest import BUNDLED
from tests.rules.test_time_budget import _pigeons


def test_a_product_too_hard_to_solve_is_a_check_error_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / "pigeons.yaml").write_text(json.dumps(_pigeons(15).model_dump(mode="json", by_alias=True)))
    (tmp_path / "city-bike.yaml").write_text((BUNDLED / "city-bike.yaml").read_text())
    catalog = load_compiled([tmp_path])
    assert sorted(catalog.products) == ["city-bike"]
    [error] = catalog.errors
    assert error.file.endswith("pigeons.yaml")
    assert error.message.startswith("cannot be served: a solver call needed more than 100,000 conflicts")

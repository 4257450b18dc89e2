"""Option domains kept per model and per value code (rules/domains.py) answer as if made afresh.

A domain is kept once made for an option's code and reused for any later selection with the same code; the
option's own selected value must never travel with it (it is set per selection)."""

from __future__ import annotations

import random

import pytest

from catalog.loader import load_catalog
from rules.compile import compile_product
from rules.engine import Engine
from tests.conftest import BUNDLED

PRODUCTS = ["city-bike", "eyeglasses", "lighting-kit", "coffee-gift-box", "detergent-subscription"]


@pytest.mark.parametrize("product_id", PRODUCTS)
def test_kept_domains_equal_fresh_ones_along_random_selections(product_id: str) -> None:
    product = load_catalog([BUNDLED]).products[product_id].product
    kept = Engine(compile_product(product))
    rng = random.Random(product_id)
    for _ in range(30):
        selection: dict[str, object] = {}
        for _ in range(rng.randint(0, 4)):
            state = kept.valid_domains(selection)
            open_options = [
                option_id
                for option_id, domain in state.domains.items()
                if domain.type in ("single", "boolean") and domain.values and option_id not in selection
            ]
            if not open_options:
                break
            option_id = rng.choice(open_options)
            selection[option_id] = rng.choice(list(state.domains[option_id].values))
            # The same domains asked with the option chosen and then without it: `selected` follows the selection.
            assert kept.valid_domains(selection).domains[option_id].selected == selection[option_id]
            fresh = Engine(compile_product(product)).valid_domains(selection)
            assert kept.valid_domains(selection) == fresh
        assert all(domain.selected is None for domain in kept.valid_domains({}).domains.values())

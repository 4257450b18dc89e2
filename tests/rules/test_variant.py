"""Variant identity: the same key for configurations that differ only in presentation or in-use settings, a new
key for any change to an option that changes the product."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.loader import load_catalog
from catalog.schema import BooleanOption, MultiOption, NumberOption, QuantityOption, SingleOption, TextOption
from rules.classify import classify
from rules.engine import engine_for
from rules.variant import variant_key
from tests.conftest import BUNDLED

LOADED = load_catalog([BUNDLED]).products
PRODUCTS = ["city-bike", "eyeglasses", "coffee-gift-box", "lighting-kit", "detergent-subscription"]


def _values(option: Any) -> list[Any]:
    match option:
        case SingleOption():
            return [v.id for v in option.values]
        case MultiOption():
            ids = [v.id for v in option.values]
            return [frozenset(), frozenset(ids[:1]), frozenset(ids)]
        case BooleanOption():
            return [False, True]
        case NumberOption() | QuantityOption():
            return option.grid()[:3]
        case TextOption():
            return ["", "A", "B"]
    raise AssertionError(option)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PRODUCTS), st.data())
def test_only_product_changing_options_change_the_variant(product_id: str, data: st.DataObject) -> None:
    loaded = LOADED[product_id]
    model = engine_for(loaded.product, loaded.content_hash).model
    options = loaded.product.options()
    config = {o.id: data.draw(st.sampled_from(_values(o))) for o in options}
    option = data.draw(st.sampled_from(options))
    other = data.draw(st.sampled_from([v for v in _values(option) if v != config[option.id]]))
    changed = {**config, option.id: other}
    makes_product = option.id in classify(loaded.product).changes_product
    assert (variant_key(model, changed) != variant_key(model, config)) == makes_product
    assert variant_key(model, dict(reversed(list(config.items())))) == variant_key(model, config)  # order-free


def test_a_number_is_one_variant_however_it_is_written() -> None:
    loaded = LOADED["city-bike"]
    model = engine_for(loaded.product, loaded.content_hash).model
    first = {"rider_height": Decimal("175"), "frame_size": "M", "accessories": frozenset({"rack", "fenders"})}
    again = {"rider_height": Decimal("175.00"), "frame_size": "M", "accessories": ["fenders", "rack"]}
    assert variant_key(model, first) == variant_key(model, again)

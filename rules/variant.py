"""Variant identity: which product a complete configuration makes, whatever its presentation or in-use settings.

The key hashes the values of the options that change the product when ordered (collaborative and transparent
ones, rules/classify.py), so two orders that differ only in wrapping, labels or settings adjusted in use share it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rules.classify import classify
from rules.compile import CompiledModel

# Hex digits kept: 80 bits, far beyond any catalog's number of variants.
KEY_DIGITS = 20


def variant_key(model: CompiledModel, values: Mapping[str, Any]) -> str:
    """The variant of a complete configuration (catalog values by option id)."""
    keyed = {option: _canonical(values.get(option)) for option in product_options(model)}
    text = json.dumps([model.product.id, keyed], sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:KEY_DIGITS]


@functools.lru_cache(maxsize=256)
def product_options(model: CompiledModel) -> tuple[str, ...]:
    """The options whose values make the variant: those that change the product itself when ordered."""
    return tuple(sorted(classify(model.product).changes_product))


def _canonical(value: Any) -> Any:
    """One spelling per value: numbers without trailing zeros, sets sorted."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, set | frozenset | list | tuple):
        return sorted(str(v) for v in value)
    return value

"""Components that reuse another product file as a part (issue 24): `product: drawer-unit.yaml` on a component.

The part file is read as any product file is (its own errors at its own positions) and lends the component its
options, rules, price rules, bill of materials and routing; its base price becomes a price of each instance (a
line named after it). A part is one level: a part file with components of its own, tiers (over an order's
quantity, never an instance's) or another currency is an error at the component that reuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from catalog.document import Document
from catalog.errors import CatalogError, CatalogErrors
from catalog.schema import Adjustment, Component, Formula, Product

# A part file is read by the loader's own function (passed in: the loader imports this module).
ReadProduct = Callable[[Path], Product]


def with_parts(product: Product, doc: Document, base: Path, read: ReadProduct) -> tuple[Product, list[CatalogError]]:
    """The product with each component that names a part file given that file's options, rules, prices, parts and
    operations; the errors found (the part file's own, or at the component)."""
    errors: list[CatalogError] = []
    components = list(product.components)
    for c, component in enumerate(components):
        if component.product is None:
            continue
        at = ("components", c, "product")
        if component.options:
            errors.append(doc.error(("components", c, "options"), f"component '{component.id}' reuses "
                                    f"{component.product}: its options come from there, not from here"))
            continue
        target = (base / component.product).resolve()
        if base.resolve() not in target.parents:
            errors.append(doc.error(at, "a part file must be beside or below the catalog file"))
            continue
        try:
            part = read(target)
        except CatalogErrors as exc:
            errors.extend(exc.errors)
            errors.append(doc.error(at, f"the part file {component.product} has errors"))
            continue
        problem = _unusable(part, product)
        if problem:
            errors.append(doc.error(at, f"{component.product}: {problem}"))
            continue
        components[c] = component.model_copy(update=_lent(part, component))
    return product.model_copy(update={"components": components}), errors


def _unusable(part: Product, product: Product) -> str:
    """Why a part product cannot be reused as a component ("" where it can)."""
    if part.components:
        return "a part has no components of its own (one level)"
    if part.currency != product.currency:
        return f"a part's prices must be in the product's currency ({part.currency}, not {product.currency})"
    if any(not isinstance(price, Adjustment | Formula) for price in part.pricing):
        return "a part's tiers would apply per order, not per instance: remove them from the part"
    return ""


def _lent(part: Product, component: Component) -> dict[str, Any]:
    """What the part lends the component."""
    pricing: list[Adjustment | Formula] = [p for p in part.pricing if isinstance(p, Adjustment | Formula)]
    if part.base_price != Decimal(0):
        pricing.insert(0, Adjustment(type="surcharge", id="part-price", label=part.name, amount=part.base_price))
    return {
        "options": part.options(), "rules": part.rules, "pricing": pricing, "bom": part.bom,
        "routing": part.routing, "item": component.item or part.name,
    }

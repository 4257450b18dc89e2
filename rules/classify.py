"""Pine & Gilmore's four faces of mass customization, derived from the options' customization facts."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.schema import Product


@dataclass(frozen=True)
class Classification:
    """A product's face and the reason for it."""

    face: str
    reason: str


def classify(product: Product) -> Classification:
    """Product and representation change: collaborative; product only: transparent; representation only:
    cosmetic; neither (the customer adapts a standard product in use): adaptive. An explicit `face` wins."""
    options = product.options()
    product_changes = [o.id for o in options if o.customization.changes_product]
    looks = [o.id for o in options if o.customization.changes_representation]
    if product.face is not None:
        return Classification(product.face, product.face_reason or f"set in the catalog as {product.face}")
    if product_changes and looks:
        face, why = "collaborative", f"the shopper changes the product ({_few(product_changes)}) and its "
        why += f"representation ({_few(looks)})"
    elif product_changes:
        face, why = "transparent", f"the product itself changes ({_few(product_changes)}), its presentation does not"
    elif looks:
        face, why = "cosmetic", f"only the representation changes ({_few(looks)}); the product is standard"
    else:
        in_use = [o.id for o in options if o.customization.timing == "use"]
        face = "adaptive"
        why = f"a standard product the customer adapts in use ({_few(in_use)})" if in_use else "a standard product"
    return Classification(face, product.face_reason or why)


def _few(ids: list[str]) -> str:
    return ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")

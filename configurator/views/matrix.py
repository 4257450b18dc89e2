"""The four-faces matrix page's view model: product change by representation change, every product placed with
the options that put it there."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from catalog.schema import Product
from catalog.wording import N_, _
from rules.classify import FACES, classify, listed

# Option labels listed per placement; the rest are counted.
MOST = 12
# Each face's name as a shopper reads it (the ids stay English in the API).
FACE_NAMES = {"collaborative": N_("Collaborative"), "transparent": N_("Transparent"), "cosmetic": N_("Cosmetic"),
              "adaptive": N_("Adaptive")}


def face_name(face: str) -> str:
    """A face's name in the current language."""
    return _(FACE_NAMES[face])


@dataclass(frozen=True)
class PlacedProduct:
    """A product in one cell of the four-faces matrix, with the options that put it there."""

    id: str
    name: str
    reason: str
    product_options: str  # labels of the options that change the product ("" if none)
    representation_options: str  # labels of the options that change its representation
    in_use_options: str  # labels of the options adjusted in use


@dataclass(frozen=True)
class FaceCell:
    """One cell of the matrix: product change (yes/no) by representation change (yes/no)."""

    face: str
    changes_product: bool
    changes_representation: bool
    products: tuple[PlacedProduct, ...]

    @property
    def face_name(self) -> str:
        """The face's name in the current language."""
        return face_name(self.face)


def faces_view(products: Iterable[Product]) -> tuple[FaceCell, ...]:
    """The 2x2 matrix with every product placed, cells in reading order (product change first, then not)."""
    placed: dict[str, list[PlacedProduct]] = {face: [] for face in FACES}
    for product in products:
        found = classify(product)
        labels = {o.id: o.label or o.id for o in product.options()}
        in_use = [labels[o.id] for o in product.options() if o.customization.timing == "use"]
        placed[found.face].append(PlacedProduct(
            product.id, product.name, found.reason, listed([labels[i] for i in found.changes_product], MOST),
            listed([labels[i] for i in found.changes_representation], MOST), listed(list(in_use), MOST),
        ))
    cells = (("collaborative", True, True), ("transparent", True, False), ("cosmetic", False, True),
             ("adaptive", False, False))
    return tuple(FaceCell(face, p, r, tuple(placed[face])) for face, p, r in cells)

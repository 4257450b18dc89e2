"""Pine & Gilmore's four faces of mass customization, from two questions about each option: does choosing it
change the product itself, and does it change the product's representation (packaging, labelling, presentation)?

Both: collaborative; product only: transparent; representation only: cosmetic; neither (a standard product the
customer adapts in use): adaptive. An option adjusted in use (`timing: use`) is adaptive whatever it touches: the
product ships standard. A product is placed by the same two questions over all its options; its profile says
what share of its options, and of its price range, each face accounts for. Quantities (how many, not what) are
no customization and take no part.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import assert_never, get_args

from catalog.expressions import names, parse_expression
from catalog.kinds import price_spread, traits
from catalog.pricelist import resolve
from catalog.schema import (
    AnyOption,
    Customization,
    Face,
    ImageLayer,
    Product,
    ShapeLayer,
    TextLayer,
)
from catalog.wording import _
from rules.cost import cost_of

FACES: tuple[Face, ...] = get_args(Face)


@dataclass(frozen=True)
class OptionFace:
    """One option's face and why."""

    option: str
    face: Face
    reason: str
    derived: Face  # the face its customization facts give (differs from `face` only where the catalog says so)
    in_use: bool = False  # the customer adjusts it in use


@dataclass(frozen=True)
class Classification:
    """A product's place among the four faces, its profile and the options behind it."""

    product: str
    face: Face
    reason: str
    dominant: Face  # the face most of its options (then most of its price range) have
    profile: Mapping[Face, float]  # share of the options per face
    price_profile: Mapping[Face, float]  # share of the options' price range per face
    reasons: tuple[str, ...]
    options: tuple[OptionFace, ...]
    derived: Face  # the face its options give (differs from `face` only where the catalog says so)

    @property
    def changes_product(self) -> tuple[str, ...]:
        """The options that change the product itself when ordered."""
        return tuple(o.option for o in self.options if o.face in ("collaborative", "transparent"))

    @property
    def changes_representation(self) -> tuple[str, ...]:
        """The options that change the product's representation when ordered."""
        return tuple(o.option for o in self.options if o.face in ("collaborative", "cosmetic"))


def face_of(facts: Customization) -> tuple[Face, str]:
    """The face the customization facts of one option give, and the reason in words."""
    if facts.timing == "use":
        return "adaptive", _("the customer adjusts it in use, after delivery; the product ships standard")
    match (facts.changes_product, facts.changes_representation):
        case (True, True):
            return "collaborative", _("it changes the product itself and how it is presented")
        case (True, False):
            if facts.inferred_from:
                return "transparent", _("it changes the product itself, not how it is presented, inferred from the "
                                        "customer's %(field)s") % {"field": facts.inferred_from}
            return "transparent", _("it changes the product itself, not how it is presented")
        case (False, True):
            return "cosmetic", _("it changes only how the product is presented (packaging, labelling, looks)")
        case _:
            return "adaptive", _("it changes neither the product nor its presentation: a standard product")


def classify_option(option: AnyOption) -> OptionFace:
    """One option's face: from its facts, unless the catalog sets `face` (then the reason says both)."""
    derived, why = face_of(option.customization)
    explicit = option.customization.face
    in_use = option.customization.timing == "use"
    if explicit is None or explicit == derived:
        return OptionFace(option.id, derived, why, derived, in_use)
    reason = _("set in the catalog as %(face)s (its facts say %(derived)s: %(why)s)") % {
        "face": explicit, "derived": derived, "why": why}
    return OptionFace(option.id, explicit, reason, derived, in_use)


def classify(product: Product) -> Classification:
    """The product's face, profile, dominant face and reasons, and every option's face."""
    options = tuple(classify_option(o) for o in product.options() if not traits(o).order_quantity)
    derived, why = _placement(options, {o.id: o.label or o.id for o in product.options()})
    face = product.face or derived
    reason = product.face_reason or (why if face == derived else _("set in the catalog as %(face)s") % {"face": face})
    profile = _shares(options, {o.option: Decimal(1) for o in options})
    ranges = _price_ranges(product)
    price_profile = _shares(options, ranges)
    dominant = max(FACES, key=lambda f: (profile[f], price_profile[f], -FACES.index(f)))
    reasons = [reason]
    if face != derived:
        reasons.append(_("its options alone would make it %(face)s: %(why)s") % {"face": derived, "why": why})
    counted = ", ".join(f"{round(profile[f] * 100)}% {f}" for f in FACES if profile[f])
    reasons.append(_("options: %(shares)s") % {"shares": counted} if counted else _("it has no options"))
    priced = ", ".join(f"{round(price_profile[f] * 100)}% {f}" for f in FACES if price_profile[f])
    if priced:
        reasons.append(_("price range: %(shares)s") % {"shares": priced})
    return Classification(
        product.id, face, reason, dominant, profile, price_profile, tuple(reasons), options, derived
    )


def _placement(options: tuple[OptionFace, ...], labels: Mapping[str, str]) -> tuple[Face, str]:
    """The product's cell of the 2x2 matrix: does any option change the product, does any change its looks? Said
    with the options' labels."""
    product = [labels[o.option] for o in options if o.face in ("collaborative", "transparent")]
    looks = [labels[o.option] for o in options if o.face in ("collaborative", "cosmetic")]
    if product and looks:
        changes = _("the shopper changes the product (%(product)s) and its representation (%(looks)s)") % {
            "product": listed(product), "looks": listed(looks)}
        return "collaborative", changes
    if product:
        return "transparent", _("the product itself changes (%(options)s), its presentation does not") % {
            "options": listed(product)}
    if looks:
        return "cosmetic", _("only the representation changes (%(options)s); the product is standard") % {
            "options": listed(looks)}
    in_use = [labels[o.option] for o in options if o.in_use]
    if in_use:
        adapted = _("a standard product the customer adapts in use (%(options)s)") % {"options": listed(in_use)}
        return "adaptive", adapted
    return "adaptive", _("a standard product")


def _shares(options: tuple[OptionFace, ...], weights: Mapping[str, Decimal]) -> dict[Face, float]:
    total = sum((weights.get(o.option, Decimal(0)) for o in options), Decimal(0))
    shares: dict[Face, float] = {}
    for face in FACES:
        part = sum((weights.get(o.option, Decimal(0)) for o in options if o.face == face), Decimal(0))
        shares[face] = round(float(part / total), 4) if total else 0.0
    return shares


def _price_ranges(product: Product) -> dict[str, Decimal]:
    """How much each option can move the unit price in the product's own list: its priciest minus cheapest."""
    price_list = resolve(product, None)
    if price_list is None:
        return {}
    amounts: dict[str, dict[str | bool, Decimal]] = {}
    for price in cost_of(product, price_list).values:
        amounts.setdefault(price.option, {})[price.value] = price.amount
    return {option.id: price_spread(option, amounts.get(option.id, {})) for option in product.options()}


def listed(items: list[str], most: int = 3) -> str:
    """Items joined, the long tail counted rather than listed ("a, b, c and 4 more")."""
    shown = ", ".join(items[:most])
    if len(items) <= most:
        return shown
    return _("%(items)s and %(count)s more") % {"items": shown, "count": len(items) - most}


def drawn_options(product: Product) -> set[str]:
    """The options the preview shows: those its layers take a colour, text or image from, or depend on."""
    shown: set[str] = set()
    for layer in product.preview.layers if product.preview else []:
        if layer.when is not None:
            shown |= set(names(parse_expression(layer.when)))
        match layer:
            case ShapeLayer():
                shown |= {layer.fill_from} if layer.fill_from else set()
            case TextLayer():
                shown |= {name for name in (layer.text_from, layer.font_from) if name}
            case ImageLayer():
                shown.add(layer.image_from)
            case _:
                assert_never(layer)
    return shown

"""The live preview: the catalog's layout of layers drawn for one configuration, every value checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, assert_never

from catalog.expressions import parse_expression
from catalog.kinds import listed_values, traits
from catalog.schema import AnyLayer, AnyOption, ImageLayer, Product, ShapeLayer, TextLayer, Value
from rules.evaluate import Undecided, evaluate, truth
from rules.selection import plain

# Colours are SVG fills (no inline styles under the CSP), so only plain hex colours are drawn.
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")


@dataclass(frozen=True)
class LayerView:
    """One drawn layer of the preview, every value checked (hex colours, local images, text escaped on output)."""

    kind: Literal["rect", "circle", "text", "image"]
    x: int
    y: int
    width: int = 0
    height: int = 0
    r: int = 0
    fill: str = ""
    size: int = 0
    text: str = ""
    href: str = ""


@dataclass(frozen=True)
class PreviewView:
    """The live picture: a view box and its layers, bottom first."""

    width: int
    height: int
    layers: tuple[LayerView, ...]


def preview_of(product: Product, values: Mapping[str, Any]) -> PreviewView | None:
    """The preview of a configuration (catalog values), drawn from the product's preview layout."""
    if product.preview is None:
        return None
    options = {option.id: option for option in product.options()}
    layers = []
    for layer in product.preview.layers:
        if layer.when is not None and not _holds(layer.when, values):
            continue
        drawn = _layer(layer, options, values)
        if drawn is not None:
            layers.append(drawn)
    return PreviewView(product.preview.width, product.preview.height, tuple(layers))


def _layer(layer: AnyLayer, options: Mapping[str, AnyOption], values: Mapping[str, Any]) -> LayerView | None:
    match layer:
        case ShapeLayer():
            chosen = _chosen_value(options, values, layer.fill_from)
            fill = chosen.swatch if chosen is not None and chosen.swatch else layer.fill
            fill = fill if COLOUR.fullmatch(fill) else layer.fill
            return LayerView(layer.type, layer.x, layer.y, layer.width, layer.height, layer.r, fill)
        case TextLayer():
            text = layer.text if layer.text_from is None else _shown(options, values, layer.text_from)
            if not text:
                return None
            return LayerView("text", layer.x, layer.y, fill=layer.fill, size=layer.size, text=text[:200])
        case ImageLayer():
            chosen = _chosen_value(options, values, layer.image_from)
            href = chosen.image if chosen is not None and chosen.image else ""
            # Only the shop's own pictures: a scheme or a protocol-relative address could load from elsewhere.
            if not href.startswith("/") or href.startswith("//"):
                return None
            return LayerView("image", layer.x, layer.y, layer.width, layer.height, href=href)
        case _:
            assert_never(layer)


def _holds(condition: str, values: Mapping[str, Any]) -> bool:
    try:
        return truth(evaluate(parse_expression(condition), values))
    except Undecided:
        return False


def _chosen_value(options: Mapping[str, AnyOption], values: Mapping[str, Any], option_id: str | None) -> Value | None:
    option = options.get(option_id or "")
    chosen = values.get(option_id or "")
    if option is None or traits(option).expression != "choice" or chosen is None:
        return None
    return next((value for value in listed_values(option) if value.id == chosen), None)


def _shown(options: Mapping[str, AnyOption], values: Mapping[str, Any], option_id: str) -> str:
    chosen = _chosen_value(options, values, option_id)
    if chosen is not None:
        return chosen.label or chosen.id
    value = values.get(option_id)
    return "" if value is None or isinstance(value, bool) else str(plain(value))

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
    lines: tuple[tuple[str, bool], ...] = ()  # a text's lines, each with whether it is squeezed to the area's width
    line_height: int = 0
    font: str = ""


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
            chosen = _chosen_value(options, values, layer.font_from)
            font = layer.fonts.get(chosen.id, layer.font or "") if chosen is not None else (layer.font or "")
            lines, size = fitted(text[:200], layer.size, layer.width, layer.height)
            step = round(size * LINE_HEIGHT)
            top = layer.y - step * (len(lines) - 1) // 2  # the lines centred on y, as one line is
            return LayerView("text", layer.x, top, width=layer.width or 0, fill=layer.fill, size=size,
                             text=text[:200], lines=lines, line_height=step, font=font)
        case ImageLayer():
            chosen = _chosen_value(options, values, layer.image_from)
            href = chosen.image if chosen is not None and chosen.image else ""
            # Only the shop's own pictures: a scheme or a protocol-relative address could load from elsewhere.
            if not href.startswith("/") or href.startswith("//"):
                return None
            return LayerView("image", layer.x, layer.y, layer.width, layer.height, href=href)
        case _:
            assert_never(layer)


# About how wide an average glyph is, in ems, in the fonts previews use; and the distance between lines.
EM_WIDTH = 0.56
LINE_HEIGHT = 1.2
SMALLEST_SIZE = 6


def fitted(text: str, size: int, width: int | None, height: int | None) -> tuple[tuple[tuple[str, bool], ...], int]:
    """The text's lines and font size in an area: wrapped at spaces onto as many lines as its height holds, the
    size lowered until every line fits its width by estimate; a line that still does not fit at the smallest
    size is marked to be squeezed to the width (SVG's textLength), so nothing is ever drawn outside the area."""
    if width is None:
        return ((text, False),), size
    for tried in range(size, SMALLEST_SIZE - 1, -1):
        room = max(1, int(height // (tried * LINE_HEIGHT))) if height else 1
        per_line = max(1, int(width // (tried * EM_WIDTH)))
        lines = _wrapped(text, per_line, room)
        if all(len(line) <= per_line for line in lines):
            return tuple((line, False) for line in lines), tried
    per_line = max(1, int(width // (SMALLEST_SIZE * EM_WIDTH)))
    room = max(1, int(height // (SMALLEST_SIZE * LINE_HEIGHT))) if height else 1
    return tuple((line, len(line) > per_line) for line in _wrapped(text, per_line, room)), SMALLEST_SIZE


def _wrapped(text: str, per_line: int, room: int) -> list[str]:
    """Words onto at most `room` lines of about `per_line` characters (the last takes whatever is left)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        elif len(lines) < room:
            lines.append(word)
        else:
            lines[-1] += " " + word
    return lines or [text]


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

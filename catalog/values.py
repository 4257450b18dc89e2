"""Reading a shopper's raw values exactly: numbers as Decimals on a grid (never through a float), texts checked for
length, control characters and a pattern; and a raw value quoted as JSON would write it, for messages."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from decimal import Decimal, Inexact, localcontext
from typing import Any

from babel.numbers import format_decimal, get_decimal_symbol

from catalog.patterns import pattern_matches
from catalog.wording import _, current_language

# Decimal strings a number option accepts: plain ASCII digits, no exponent, underscores or other scripts' digits.
_DECIMAL_TEXT = re.compile(r"-?[0-9]{1,40}(\.[0-9]{1,40})?", re.ASCII)
_HUGE = 10**40
# Wide enough for an 80-digit number minus a catalog bound (catalog amounts are bounded in size and scale).
_EXACT_DIGITS = 100


class JsonNumber(Decimal):
    """A number as a client's JSON wrote it with a fraction or an exponent, read exactly (never through a float):
    a number option takes it as it takes a decimal string; a quantity refuses it, as it refuses 3.0."""


def decimal_of(raw: Any) -> Decimal:
    """A JSON number (int or finite float) or a plain decimal string, such as "12.5", as an exact Decimal."""
    if isinstance(raw, bool):
        raise ValueError(_("%(value)s is not a number") % {"value": quoted(raw)})
    if isinstance(raw, int):
        if abs(raw) > _HUGE:
            raise ValueError(_("is far out of range"))
        return Decimal(raw)
    if isinstance(raw, Decimal):  # a catalog value (a default, a completion) or a JsonNumber
        if not raw.is_finite():
            raise ValueError(_("expected a finite number"))
        if raw.adjusted() > 40:
            raise ValueError(_("is far out of range"))
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError(_("expected a finite number"))
        return Decimal(repr(raw))
    if isinstance(raw, str) and _DECIMAL_TEXT.fullmatch(raw):
        return Decimal(raw)
    raise ValueError(_("%(value)s is not a number") % {"value": quoted(raw)})


def typed_decimal(text: str) -> str:
    """A number as a shopper types it in their language: "172,5" is 172.5 where the language writes a decimal
    comma; a point is always a decimal point (as in every link), and nothing else changes."""
    language = current_language().replace("-", "_")
    if "." in text or text.count(",") != 1 or get_decimal_symbol(language) != ",":
        return text
    return text.replace(",", ".")


def whole_of(raw: Any) -> int:
    """A whole number as JSON carries it (an int), or as the catalog does (an integral Decimal)."""
    catalog_value = isinstance(raw, Decimal) and not isinstance(raw, JsonNumber) and raw.is_finite()
    if catalog_value and raw == raw.to_integral_value():
        raw = int(raw)  # a catalog value (a default, a completion), never JSON
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValueError(_("%(value)s is not a whole number") % {"value": quoted(raw)})
    return raw


def on_grid(number: Decimal, low: Decimal, high: Decimal, step: Decimal) -> Decimal:
    """`number` if it is low + k * step within low..high, checked exactly (no rounding can make it fit)."""
    if not low <= number <= high:
        said = {"value": number_words(number), "low": number_words(low), "high": number_words(high)}
        raise ValueError(_("%(value)s is not between %(low)s and %(high)s") % said)
    # Inside the bounds every operand has a bounded number of digits, so a wide context keeps this exact;
    # a number with more digits than that is not on the grid, which the Inexact trap reports.
    with localcontext() as ctx:
        ctx.prec = _EXACT_DIGITS
        ctx.traps[Inexact] = True
        try:
            fits = (number - low) % step == 0
        except Inexact:
            fits = False
    if not fits:
        said = {"value": number_words(number), "low": number_words(low), "high": number_words(high),
                "step": number_words(step)}
        raise ValueError(_("%(value)s is not one of %(low)s to %(high)s in steps of %(step)s") % said)
    return number


def number_words(value: Decimal, language: str | None = None) -> str:
    """A number as the language (by default the shopper's) writes it, every decimal it has and no grouping ("172,5"
    in German), cut short (an 80-digit number is not repeated whole)."""
    text = f"{value:f}"
    if len(text) > 40:
        return text[:37] + "..."
    locale = (language or current_language()).replace("-", "_")
    with localcontext() as ctx:
        ctx.prec = _EXACT_DIGITS  # Babel rounds in the current context: 28 digits would fail on a 30-digit number
        return str(format_decimal(value, locale=locale, decimal_quantization=False, group_separator=False))


def text_of(raw: Any, max_length: int, pattern: str | None, allowed: str | None = None) -> str:
    """Text of at most `max_length` characters, without control characters, matching `pattern` if not empty
    (`allowed`: what the pattern allows, in words, for the message)."""
    if not isinstance(raw, str):
        raise ValueError(_("expected text"))
    if len(raw) > max_length:
        raise ValueError(_("at most %(count)s characters") % {"count": max_length})
    if any(unicodedata.category(char) in ("Cc", "Cs") and char not in "\t\n" for char in raw):
        raise ValueError(_("contains control characters or broken Unicode"))
    if raw and pattern is not None and not pattern_matches(pattern, raw):
        raise ValueError(_("only %(allowed)s are allowed") % {"allowed": allowed} if allowed
                         else _("contains characters that are not allowed"))
    return raw


def quoted(raw: Any) -> str:
    """A shopper's value as JSON would write it, cut short (for messages)."""
    text = json.dumps(raw, default=str) if isinstance(raw, str | bool | int | float) else str(raw)
    return text if len(text) <= 40 else text[:37] + "..."

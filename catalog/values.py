"""Reading a shopper's raw values exactly: numbers as Decimals on a grid (never through a float), texts checked for
length, control characters and a pattern; and a raw value quoted as JSON would write it, for messages."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from decimal import Decimal, Inexact, localcontext
from typing import Any

from catalog.patterns import pattern_matches

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
        raise ValueError(f"{quoted(raw)} is not a number")
    if isinstance(raw, int):
        if abs(raw) > _HUGE:
            raise ValueError("is far out of range")
        return Decimal(raw)
    if isinstance(raw, Decimal):  # a catalog value (a default, a completion) or a JsonNumber
        if not raw.is_finite():
            raise ValueError("expected a finite number")
        if raw.adjusted() > 40:
            raise ValueError("is far out of range")
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError("expected a finite number")
        return Decimal(repr(raw))
    if isinstance(raw, str) and _DECIMAL_TEXT.fullmatch(raw):
        return Decimal(raw)
    raise ValueError(f"{quoted(raw)} is not a number")


def whole_of(raw: Any) -> int:
    """A whole number as JSON carries it (an int), or as the catalog does (an integral Decimal)."""
    catalog_value = isinstance(raw, Decimal) and not isinstance(raw, JsonNumber) and raw.is_finite()
    if catalog_value and raw == raw.to_integral_value():
        raw = int(raw)  # a catalog value (a default, a completion), never JSON
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValueError(f"{quoted(raw)} is not a whole number")
    return raw


def on_grid(number: Decimal, low: Decimal, high: Decimal, step: Decimal) -> Decimal:
    """`number` if it is low + k * step within low..high, checked exactly (no rounding can make it fit)."""
    if not low <= number <= high:
        raise ValueError(f"{_number(number)} is not between {_number(low)} and {_number(high)}")
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
        raise ValueError(f"{_number(number)} is not one of {_number(low)} to {_number(high)} "
                         f"in steps of {_number(step)}")
    return number


def _number(value: Decimal) -> str:
    """A number as a shopper wrote it, cut short (an 80-digit number is not repeated whole)."""
    text = f"{value:f}"
    return text if len(text) <= 40 else text[:37] + "..."


def text_of(raw: Any, max_length: int, pattern: str | None, allowed: str | None = None) -> str:
    """Text of at most `max_length` characters, without control characters, matching `pattern` if not empty
    (`allowed`: what the pattern allows, in words, for the message)."""
    if not isinstance(raw, str):
        raise ValueError("expected text")
    if len(raw) > max_length:
        raise ValueError(f"at most {max_length} characters")
    if any(unicodedata.category(char) in ("Cc", "Cs") and char not in "\t\n" for char in raw):
        raise ValueError("contains control characters or broken Unicode")
    if raw and pattern is not None and not pattern_matches(pattern, raw):
        raise ValueError(f"only {allowed} are allowed" if allowed else "contains characters that are not allowed")
    return raw


def quoted(raw: Any) -> str:
    """A shopper's value as JSON would write it, cut short (for messages)."""
    text = json.dumps(raw, default=str) if isinstance(raw, str | bool | int | float) else str(raw)
    return text if len(text) <= 40 else text[:37] + "..."

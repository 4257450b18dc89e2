"""Money and numbers as a shopper reads them: the amount exactly (never rounded for show), with its currency's sign,
written the way the shopper's language writes money (Babel, from CLDR: "€1,234.56" in English, "1.234,56 €" in
German, "1 234,56 €" in French); a number option's range in the same words."""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from babel.numbers import format_currency

from catalog.values import number_words
from catalog.wording import _, current_language


def money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """An amount with its currency, at least the currency's decimals and every decimal it has, as `locale` (by
    default the request's language) writes it."""
    return _money(amount, currency, _locale(locale))


@functools.lru_cache(maxsize=8192)  # a page shows hundreds of amounts, mostly the same ones on every page
def _money(amount: Decimal, currency: str, locale: str) -> str:
    written = str(format_currency(amount, currency, locale=locale, decimal_quantization=False))
    return _TIGHT.sub("\xa0", written)


# CLDR's currency spacing, which Babel leaves out: a symbol of letters ("CHF") is kept apart from the digits by a
# no-break space ("CHF 27.90", never "CHF27.90"); a sign such as "€" is not.
_TIGHT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def field_number(given: object) -> str:
    """A number field's text: a number as the language writes it ("172,5"), anything else as it was typed."""
    try:
        number = Decimal(str(given))
        return number_words(number) if number.is_finite() and len(f"{number:f}") <= 40 else str(given)
    except ArithmeticError:  # not a number, or one no field could hold: as typed
        return str(given)


def range_words(low: Decimal, high: Decimal, step: Decimal, unit: str = "") -> str:
    """A number option's range as a shopper reads it: "Between 150 and 200 cm, in steps of 5"."""
    said = {"low": number_words(low), "high": number_words(high), "step": number_words(step), "unit": unit}
    if step == 1:
        return (_("Between %(low)s and %(high)s %(unit)s") if unit else _("Between %(low)s and %(high)s")) % said
    if unit:
        return _("Between %(low)s and %(high)s %(unit)s, in steps of %(step)s") % said
    return _("Between %(low)s and %(high)s, in steps of %(step)s") % said


def _locale(locale: str | None) -> str:
    return (locale or current_language()).replace("-", "_")


def stored_money(amount: object, currency: str, locale: str | None = None) -> str:
    """A stored amount (a decimal string) with its currency; as stored where it is not a number."""
    try:
        return money(Decimal(str(amount)), currency, locale)
    except (ArithmeticError, ValueError):
        return str(amount)


def stored_change(amount: object, currency: str, locale: str | None = None) -> str:
    """A stored change (a decimal string, "" for none) as `money_change` says it."""
    try:
        return money_change(Decimal(str(amount)), currency, locale) if amount else ""
    except (ArithmeticError, ValueError):
        return str(amount)


def money_change(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """What a choice adds or takes off: "+€20.00", "-€5.00"; nothing for no change."""
    if not amount:
        return ""
    return ("+" if amount > 0 else "") + money(amount, currency, locale)

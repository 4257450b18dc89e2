"""Money as a shopper reads it: the amount exactly (never rounded for show), with its currency's sign, written the
way the shop's locale writes money (Babel, from CLDR: "€1,234.56" in English, "1.234,56 €" in German)."""

from __future__ import annotations

import functools
from decimal import Decimal

from babel.numbers import format_currency

LOCALE = "en"  # the shop's language until shoppers choose theirs


@functools.lru_cache(maxsize=8192)  # a page shows hundreds of amounts, mostly the same ones on every page
def money(amount: Decimal, currency: str, locale: str = LOCALE) -> str:
    """An amount with its currency, at least the currency's decimals and every decimal it has."""
    return str(format_currency(amount, currency, locale=locale, decimal_quantization=False))


def stored_money(amount: object, currency: str, locale: str = LOCALE) -> str:
    """A stored amount (a decimal string) with its currency; as stored where it is not a number."""
    try:
        return money(Decimal(str(amount)), currency, locale)
    except (ArithmeticError, ValueError):
        return str(amount)


def stored_change(amount: object, currency: str, locale: str = LOCALE) -> str:
    """A stored change (a decimal string, "" for none) as `money_change` says it."""
    try:
        return money_change(Decimal(str(amount)), currency, locale) if amount else ""
    except (ArithmeticError, ValueError):
        return str(amount)


def money_change(amount: Decimal, currency: str, locale: str = LOCALE) -> str:
    """What a choice adds or takes off: "+€20.00", "-€5.00"; nothing for no change."""
    if not amount:
        return ""
    return ("+" if amount > 0 else "") + money(amount, currency, locale)

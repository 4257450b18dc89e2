"""A stored quote as its page and its PDF show it, in the words, language and currency of the day it was made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from babel.dates import format_date, format_datetime

from catalog.wording import speaking
from configurator.persistence.db import Quote
from configurator.views.form import query_of
from configurator.views.money import stored_change, stored_money
from configurator.views.price import included_tax


@dataclass(frozen=True)
class QuoteView:
    """A stored quote as the customer reads it: what was quoted, in the words and prices of that day."""

    id: str
    product_id: str
    product_name: str
    total: str
    currency: str
    created: str
    expires: str
    lines: tuple[tuple[str, str], ...]
    configuration: str  # the link back to the configuration quoted
    settings: str = ""  # the order's settings card, where it has settings adjusted in use
    choices: tuple[tuple[str, str, str], ...] = ()  # option label, value in words, what it added
    quantity: int = 1
    unit_price: str = ""
    net: str = ""  # before tax, where the price list adds tax (a line of its own)
    variant: str = ""
    language: str = "en"  # the language it was made in: it is always shown in it
    market: str = ""  # where the shopper bought, in the words of the day, where the product names markets


def quote_view(quote: Quote) -> QuoteView:
    """The quote page's data, from the row as it was stored (never re-priced, never re-worded), in the language
    and the currency it was made in."""
    stored = quote.breakdown
    language = str(stored.get("language") or "en")
    lines = tuple((str(line.get("label", "")), stored_money(line.get("amount", ""), quote.currency, language))
                  for line in stored.get("lines", []))
    if stored.get("tax_included"):
        with speaking(language):
            said = included_tax(stored.get("tax_rate"))
        lines += ((said, stored_money(stored.get("tax"), quote.currency, language)),)
    choices = tuple(
        (str(c.get("label", "")), str(c.get("words", "")),
         stored_change(c.get("amount", ""), quote.currency, language))
        for c in stored.get("choices", [])
    )
    locale = language.replace("-", "_")
    return QuoteView(
        id=quote.id,
        product_id=quote.product_id,
        product_name=str(stored.get("product", {}).get("name", quote.product_id)),
        total=stored_money(quote.total, quote.currency, language),
        currency=quote.currency,
        created=f"{format_datetime(quote.created_at, 'medium', tzinfo=UTC, locale=locale)} UTC",
        expires=format_date(quote.expires_at, "long", locale=locale),
        lines=lines,
        configuration=f"/products/{quote.product_id}?{query_of(quote.selections)}",
        settings=f"/c/{quote.settings_id}/settings" if quote.settings_id else "",
        choices=choices,
        quantity=quote.quantity,
        unit_price=stored_money(stored.get("unit_price", ""), quote.currency, language),
        net=stored_money(stored["net"], quote.currency, language) if stored.get("tax_rate") is not None else "",
        variant=quote.variant or "",
        language=language,
        market=str((stored.get("market") or {}).get("label", "")),
    )

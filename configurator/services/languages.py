"""Which language a shopper or a storefront gets: the one asked for by name where it is offered, else the best of
the offered ones by the request's Accept-Language (RFC 9110 weights, a region falling back to its language), else
the first offered (the product's own); and which market a shopper buys in."""

from __future__ import annotations

from collections.abc import Sequence

from catalog.kinds import quoted
from catalog.pricelist import resolve
from catalog.schema import Market, Product
from catalog.wording import _
from configurator.services.refusals import Refused
from rules.selection import Violation

MAX_ACCEPTED = 20  # an Accept-Language header names a few languages; more are ignored, never parsed
LANGUAGE_COOKIE = "lang"  # the shop's language as the shopper last chose it (`?lang=`)
MARKET_COOKIE = "market"  # the market the shopper last chose (`?market=`)


def accepted(header: str) -> list[str]:
    """The languages an Accept-Language header asks for, most wanted first (weight 0 and `*` left out)."""
    weighted = []
    for position, item in enumerate(header.split(",")[:MAX_ACCEPTED]):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag and tag != "*" and 0 < weight <= 1:
            weighted.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def chosen_language(offered: Sequence[str], asked: str | None, header: str | None) -> str:
    """The offered language to answer in (`offered` is never empty; its first is the default)."""
    by_lower = {language.lower(): language for language in offered}
    if asked and asked.lower() in by_lower:
        return by_lower[asked.lower()]
    for tag in accepted(header or ""):
        tag = tag.lower()
        found = by_lower.get(tag) or by_lower.get(tag.split("-")[0])
        if found is None:  # "de" asked, "de-CH" offered: the first offered of that language
            found = next((o for o in offered if o.lower().split("-")[0] == tag.split("-")[0]), None)
        if found is not None:
            return found
    return offered[0]


def market_of(markets: Sequence[Market], asked: str | None, language: str, header: str | None = None) -> Market | None:
    """The market a shopper buys in: the one asked for, else the one serving the first country their browser names
    in its languages (Accept-Language's "de-CH": an address hint), else the first that serves their language, else
    the first (None where the product names no markets: its own prices)."""
    if not markets:
        return None
    base = language.split("-")[0]
    return (next((m for m in markets if m.id == asked), None)
            or next((m for region in regions_of(header) for m in markets if region in m.regions), None)
            or next((m for m in markets if language in m.languages), None)
            or next((m for m in markets if any(t.split("-")[0] == base for t in m.languages)), None)
            or markets[0])


def regions_of(header: str | None) -> list[str]:
    """The countries an Accept-Language header names, most wanted first ("fr-CH, de-DE;q=0.5": CH, DE)."""
    found = [tag.split("-")[1] for tag in accepted(header or "") if tag.count("-") == 1]
    return list(dict.fromkeys(r.upper() for r in found if len(r) == 2 and r.isascii() and r.isalpha()))


def named_market(product: Product, market: str | None, price_list: str | None) -> tuple[Market | None, str | None]:
    """The market a storefront named, and the price list its request prices by (the market's, else the one named):
    Refused for a market the product does not name, or a price list that is not that market's."""
    if market is None:
        return None, price_list
    found = next((m for m in product.markets if m.id == market), None)
    if found is None:
        raise Refused(_("Unknown market"), [Violation(_("no market %(market)s") % {"market": quoted(market)})])
    own = resolve(product, found.price_list)
    if price_list is not None and (own is None or price_list != own.id):
        said = {"market": found.id, "list": quoted(price_list)}
        raise Refused(_("Unknown market"), [Violation(_("market %(market)s does not price by %(list)s") % said)])
    return found, found.price_list

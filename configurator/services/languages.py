"""Which language a shopper or a storefront gets: the one asked for by name where it is offered, else the best of
the offered ones by the request's Accept-Language (RFC 9110 weights, a region falling back to its language), else
the first offered (the product's own)."""

from __future__ import annotations

from collections.abc import Sequence

MAX_ACCEPTED = 20  # an Accept-Language header names a few languages; more are ignored, never parsed
LANGUAGE_COOKIE = "lang"  # the shop's language as the shopper last chose it (`?lang=`)


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

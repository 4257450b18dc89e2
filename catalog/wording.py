"""The interface's own words in the shopper's language: gettext catalogs (PO files under `catalog/locale`, read
with Babel), one current language per request (a context variable, so worker threads and tasks each keep theirs),
English where a catalog lacks a word.

The product's words (labels, descriptions, rule messages) come from the catalog's translations
(`catalog.translations`); these are the words around them: buttons, headings, hints, the engine's phrasing.
Strings are marked with `_` (or `N_` where a module defines them before any language is known) and extracted by
`make messages`; `tests/catalog/test_wording.py` checks that every marked string is translated.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import GNUTranslations, NullTranslations
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"  # the words as the code writes them
INTERFACE_LANGUAGES = ("en", "de", "fr")  # shipped complete; any other language reads the interface in English
DOMAIN = "messages"

_language: ContextVar[str | None] = ContextVar("language", default=None)  # None: nobody asked for one


@cache
def interface(language: str) -> NullTranslations:
    """The interface's catalog for a language (its base language's for a regional tag), or none (English)."""
    base = language.replace("_", "-").split("-")[0].lower()
    path = LOCALE_DIR / base / "LC_MESSAGES" / f"{DOMAIN}.po"
    if base == SOURCE_LANGUAGE or not path.is_file():
        return NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=base, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry is a guess: English until someone confirms it
    compiled.seek(0)
    return GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` in the current language."""
    return interface(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, in the current language."""
    return interface(current_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for a marker)
    """Mark `message` for extraction only: translated where it is shown, with `_`."""
    return message


def current_language() -> str:
    """The language the interface speaks now (English where nobody asked for one)."""
    return _language.get() or SOURCE_LANGUAGE


def asked_language() -> str | None:
    """The language a request or a quote asked for, or None (the command line, a storefront that did not say):
    a product then speaks its own."""
    return _language.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak `language` within the block (the request's or the quote's language)."""
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)

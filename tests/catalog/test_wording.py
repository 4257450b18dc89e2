"""The interface's words: every string the code and the templates mark is translated in every shipped language,
with the same placeholders, and the current language is the one a block speaks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from catalog.wording import INTERFACE_LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE, _, current_language, speaking

ROOT = Path(__file__).resolve().parents[2]
TRANSLATED = [language for language in INTERFACE_LANGUAGES if language != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _marked() -> Iterator[str]:
    """Every string marked in the code and the templates, as `make messages` extracts them (babel.cfg)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={**DEFAULT_KEYWORDS, "N_": None}
    ):
        yield message if isinstance(message, str) else message[0]


@pytest.fixture(scope="module")
def marked() -> set[str]:
    found = set(_marked())
    assert len(found) > 100, "the extraction found almost nothing: is babel.cfg still right?"
    return found


def _catalog(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_string_is_translated_with_its_placeholders(marked: set[str], language: str) -> None:
    catalog = _catalog(language)
    entries = {m.id: m for m in catalog if m.id}
    absent = sorted(marked - entries.keys())
    assert not absent, f"not in {language}'s catalog (run `make messages`, then translate): {absent}"
    for message_id in marked:
        entry = entries[message_id]
        assert entry.string and not entry.fuzzy, f"{language}: {message_id!r} is not translated"
        assert sorted(PLACEHOLDER.findall(str(entry.string))) == sorted(PLACEHOLDER.findall(message_id)), (
            f"{language}: {message_id!r} and its translation name different placeholders")
    stale = sorted(entries.keys() - marked)
    assert not stale, f"{language}'s catalog has words nothing marks any more: {stale}"


@pytest.mark.parametrize(("language", "expected"), [("de", "Angebot anfordern"), ("fr", "Demander un devis"),
                                                    ("en", "Request a quote"), ("de-CH", "Angebot anfordern"),
                                                    ("it", "Request a quote")])
def test_a_block_speaks_its_language_and_a_regional_tag_its_base_language(language: str, expected: str) -> None:
    assert _("Request a quote") == "Request a quote"
    with speaking(language):
        assert current_language() == language
        assert _("Request a quote") == expected
    assert current_language() == SOURCE_LANGUAGE


def test_each_thread_keeps_its_own_language() -> None:
    def said(language: str) -> str:
        with speaking(language):
            return _("Undo")

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(said, ["de", "fr", "en"] * 20))
    assert answers == ["Rückgängig", "Annuler", "Undo"] * 20

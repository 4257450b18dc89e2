"""No page of the shop is left partly in English: each page, served in German and in French, shares no sentence
with the same page in English but names, numbers and the words the languages share. A string the code forgot to
mark, or a catalog word a translation lacks, shows up here as text the two pages have in common."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from catalog.wording import LOCALE_DIR
from tests.conftest import COMPLETE_BIKE, app_client

BIKE = "&".join(f"{k}={v}" for k, v in COMPLETE_BIKE.items() if not isinstance(v, list))
PAGES = [
    "/",
    "/faces",
    "/profile",
    "/products/city-bike",
    "/products/city-bike?frame_size=S&rider_height=170",  # a value ruled out: its reason, its repair button
    f"/products/city-bike?{BIKE}&step=review",
    "/products/city-bike/help?answer.rider=short",
    "/products/city-bike/ask?want=gears%3Dsingle&belt_drive=true",  # "Ask for this": what is in its way
    "/products/coffee-gift-box",
    "/products/eyeglasses",
    "/products/lighting-kit",
    "/products/detergent-subscription",
]
# Text that is the same in every language: the languages' own names, codes, and words the languages share.
SAME = {"English", "Deutsch", "Français", "Aluminium", "Box", "Kraft", "Kit"}
TEXT = re.compile(r">([^<>]+)<")


def _texts(html: str) -> set[str]:
    """The page's sentences and words as shown: each text node, with numbers, prices and codes left out."""
    body = html.split("<body>", 1)[-1]
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", "", body, flags=re.S)
    found = set()
    for raw in TEXT.findall(body):
        text = " ".join(unescape(raw).split())
        if len(re.findall(r"[A-Za-zÀ-ÿ]", text)) >= 3 and text not in SAME:
            found.add(text)
    return found


def _alike(language: str) -> set[str]:
    """The interface's words a language writes as English does ("Option", "Transparent" in German)."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return {m.id for m in read_po(source) if m.id and m.id == m.string}


def _untranslated(client: TestClient, language: str) -> set[str]:
    """The words of products not offered in the language (the Megane's are its codes): shown as they are."""
    catalog = client.app.state.served.catalog  # type: ignore[attr-defined]
    return {words for loaded in catalog.products.values() if language not in loaded.languages()
            for words in (loaded.product.name, loaded.product.description)}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with app_client() as made:
        yield made


@pytest.mark.parametrize("language", ["de", "fr"])
@pytest.mark.parametrize("path", PAGES)
def test_a_page_in_another_language_shares_no_english_with_it(client: TestClient, path: str, language: str) -> None:
    english = client.get(path, headers={"Accept-Language": "en"})
    other = client.get(path, headers={"Accept-Language": language})
    assert english.status_code == other.status_code == 200
    assert other.headers["content-language"] == language
    shared = _texts(english.text) & _texts(other.text) - _untranslated(client, language) - _alike(language)
    assert not shared, f"still in English on {path} in {language}: {sorted(shared)}"

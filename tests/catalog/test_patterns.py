"""A text option's pattern in the shopper's words: one character class is said in words, anything else is left to
the catalog's `pattern_hint` (never a regular expression shown to a shopper); RE2 matches whatever the pattern."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.patterns import pattern_matches, pattern_words


@pytest.mark.parametrize(("pattern", "words"), [
    ("[A-Za-z0-9 .'-]*", "letters, digits, spaces and . ' -"),
    ("[^<>{}]*", "any characters but < > { }"),
    ("[a-z]+", "small letters"),
    ("[0-9]*", "digits"),
    ("[^0-9]*", "any characters but digits"),
    ("[A-F0-9]*", None),  # a range with no name: said by the catalog's pattern_hint, not guessed
    (r"\d+", None),
    ("[a-z]{2}", None),
    ("abc", None),
    ("[]*", None),
])
def test_a_pattern_of_one_class_is_said_in_words(pattern: str, words: str | None) -> None:
    assert pattern_words(pattern) == words


@given(st.text(alphabet="abcXYZ019 .'-<{é", max_size=12))
def test_the_words_name_exactly_what_the_pattern_takes(text: str) -> None:
    """Each character the words allow is one the pattern matches, and the other way round."""
    pattern = "[A-Za-z0-9 .'-]*"
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .'-")
    assert pattern_matches(pattern, text) == all(char in allowed for char in text)

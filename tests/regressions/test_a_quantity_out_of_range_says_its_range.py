"""Regression (found by typing into the bike's quantity with `make run`): "-5" was refused as "not a whole number
(a JSON integer)", in the API's words and wrongly (it is a whole number, below the range). A quantity's text is
now read with its sign, so the shopper is told the range, and no message speaks of JSON. Later (found by typing a
long number into it): a count of ten digits or more was "not a whole number"; it is said to be out of range."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from configurator.app import create_app


@pytest.mark.parametrize(("typed", "said"), [
    ("-5", "Bicycles: -5 is not between 1 and 20"),
    ("0", "Bicycles: 0 is not between 1 and 20"),
    ("abc", "Bicycles: \"abc\" is not a whole number"),
    ("1.5", "Bicycles: \"1.5\" is not a whole number"),
    ("12345678901", "Bicycles: 12345678901 is not between 1 and 20"),  # ten digits and more were "not whole"
    ("9" * 40, f"Bicycles: {'9' * 40} is not between 1 and 20"),
])
def test_a_quantity_the_form_cannot_take_says_why_in_words(typed: str, said: str) -> None:
    client = TestClient(create_app(database_url="sqlite://", watch=False))
    page = client.get("/products/city-bike", params={"quantity": typed}).text
    error = re.search(r'class="error" role="alert">([^<]*)<', page)
    assert error is not None and unescape(error.group(1)) == said
    assert "JSON" not in unescape(error.group(1))

"""Regression (found posting wrong shapes to the API after numbers came to be written the shopper's way): a quantity
of 30 digits made the range message format the number with Babel, which rounds in Python's 28-digit decimal context
and raised InvalidOperation: a 500. A number of up to 40 digits is now written whole, and refused with its range."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from catalog.values import number_words
from catalog.wording import speaking
from configurator.app import create_app

LONG = 123456789012345678901234567890


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_a_thirty_digit_number_is_written_whole(language: str) -> None:
    with speaking(language):
        assert number_words(Decimal(LONG)) == str(LONG)


@pytest.mark.parametrize("body", [{"selections": {"boxes": LONG}, "market": "ch"},
                                  {"selections": {"boxes": LONG}}])
def test_a_thirty_digit_quantity_is_refused_with_its_range(body: dict[str, object]) -> None:
    client = TestClient(create_app(database_url="sqlite://", watch=False), raise_server_exceptions=False)
    answer = client.post("/api/v1/products/coffee-gift-box/price", json=body)
    assert answer.status_code == 422, answer.text
    assert f"{LONG} is not between 1 and 500" in answer.text
    page = client.get(f"/products/coffee-gift-box?boxes={LONG}", headers={"Accept-Language": "de"})
    assert page.status_code == 200 and f'value="{LONG}"' in page.text  # the shopper's input kept, said wrong

"""Money as shoppers read it: exact (never rounded for show), with its currency's sign, in the locale's style; and
the shop shows every amount that way, deltas included."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from fastapi.testclient import TestClient

from configurator.app import create_app
from configurator.views.money import money, money_change, stored_money


@pytest.mark.parametrize(("amount", "currency", "locale", "said"), [
    ("1234.56", "EUR", "en", "€1,234.56"),
    ("1234.56", "EUR", "de_DE", "1.234,56\xa0€"),
    ("1234.56", "EUR", "fr_FR", "1\u202f234,56\xa0€"),
    ("20", "EUR", "en", "€20.00"),
    ("0.125", "EUR", "en", "€0.125"),  # a sub-cent amount is shown as it is, never rounded away
    ("6629.1", "USD", "en", "$6,629.10"),
    ("100", "JPY", "en", "¥100"),
])
def test_money_is_exact_and_in_the_locales_style(amount: str, currency: str, locale: str, said: str) -> None:
    assert money(Decimal(amount), currency, locale) == said


def test_a_change_says_its_sign_and_no_change_says_nothing() -> None:
    assert money_change(Decimal("20"), "EUR") == "+€20.00"
    assert money_change(Decimal("-5"), "EUR") == "-€5.00"
    assert money_change(Decimal("0"), "EUR") == ""
    assert stored_money("12.5", "EUR") == "€12.50" and stored_money("n/a", "EUR") == "n/a"


def test_the_shop_shows_every_amount_with_its_currency() -> None:
    html = TestClient(create_app(database_url="sqlite://")).get("/products/city-bike").text
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert "Large (58 cm) +€20.00" in text
    assert "From €690.00" in text and "Base price €690.00" in text
    assert not re.search(r"[+ ]20\.00(?! )", text.replace("€20.00", ""))

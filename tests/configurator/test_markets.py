"""Markets: a product sold in several (the bundled coffee gift box: the euro area at its own prices, Switzerland in
francs with VAT included) prices the shop's page, its completions and its quotes in the market the shopper chose
(`?market=`, kept in a cookie), else the first that serves their language; a quote records its market."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from configurator.persistence.db import Quote
from configurator.services.catalogs import engine_of
from configurator.services.languages import market_of
from configurator.views.form import query_of
from rules.selection import plain
from tests.conftest import app_client


@pytest.fixture
def client() -> Iterator[TestClient]:
    with app_client() as made:
        yield made


def _words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html.split("<main>")[1])).replace("\xa0", " ").split())


def _complete(client: TestClient) -> str:
    loaded = client.app.state.served.catalog.products["coffee-gift-box"]  # type: ignore[attr-defined]
    done = engine_of(loaded).complete({})
    assert done is not None
    return query_of(done)


def test_the_page_is_priced_in_the_market_chosen_and_the_choice_is_kept(client: TestClient) -> None:
    euro = _words(client.get("/products/coffee-gift-box", headers={"Accept-Language": "en"}).text)
    assert "From €24.00" in euro and "CHF" not in euro
    swiss = client.get("/products/coffee-gift-box?market=ch", headers={"Accept-Language": "en"})
    said = _words(swiss.text)
    assert "From CHF 27.90" in said and "Including tax 8.1% CHF 2.09" in said and "+CHF 9.90" in said
    assert "market=ch" in swiss.headers["set-cookie"]
    again = _words(client.get("/products/coffee-gift-box", headers={"Accept-Language": "en"}).text)
    assert "From CHF 27.90" in again  # the cookie keeps the market
    links = re.search(r'<nav class="switch" id="markets".*?</nav>', swiss.text, re.S)
    assert links is not None and "Euro area" in links.group(0) and 'aria-current="true">Switzerland' in links.group(0)


def test_a_german_shopper_gets_the_first_market_serving_german_and_its_words(client: TestClient) -> None:
    page = client.get("/products/coffee-gift-box?market=ch", headers={"Accept-Language": "de"})
    said = _words(page.text)
    assert "Ab 27,90 CHF" in said and "inkl. 8,1 % MwSt." in said  # the rate as German writes a number
    header = page.text.split("<main>")[0]
    assert "Schweiz" in header and "Euroraum" in header


def test_a_quote_records_its_market_and_is_priced_in_it(client: TestClient) -> None:
    state = _complete(client)
    page = client.get(f"/products/coffee-gift-box?{state}&market=ch", headers={"Accept-Language": "en"})
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    made = client.post("/products/coffee-gift-box/quote", data={"csrf": token.group(1), "state": state},
                       headers={"Origin": "http://testserver", "Accept-Language": "en"})
    assert made.status_code == 200 and made.url.path.startswith("/quotes/")
    text = _words(made.text)
    assert "Market Switzerland" in text and "Including tax 8.1%" in text and "CHF" in text
    with Session(client.app.state.db) as db:  # type: ignore[attr-defined]
        stored = db.get(Quote, made.url.path.rsplit("/", 1)[1])
        assert stored is not None
        assert stored.currency == "CHF" and stored.breakdown["market"]["id"] == "ch"
        assert stored.breakdown["price_list"] == "chf"


def test_cheapest_completion_searches_the_markets_own_prices(client: TestClient) -> None:
    client.cookies.set("market", "ch")
    page = client.get("/products/coffee-gift-box")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post("/products/coffee-gift-box", data={"csrf": token.group(1), "do": "cheapest"},
                         headers={"Origin": "http://testserver", "HX-Request": "true"})
    assert answer.status_code == 200 and "CHF" in _words("<main>" + answer.text)


@pytest.mark.parametrize(("asked", "language", "header", "chosen"), [
    ("ch", "en", None, "ch"), (None, "de", None, "eu"), ("nowhere", "fr", None, "eu"), (None, "it", None, "eu"),
    (None, "de", "de-CH", "ch"),  # the browser's country: an address hint
    (None, "fr", "fr-CH, fr;q=0.9", "ch"),
    (None, "en", "en-LI, de-DE;q=0.8", "ch"),  # the country most wanted first
    (None, "de", "de-DE, de-CH;q=0.5", "eu"),
    ("eu", "de", "de-CH", "eu"),  # a choice outweighs the hint
    (None, "en", "en-US, en;q=0.5", "eu"),  # a country no market serves: by language
    (None, "de", "de-ch;q=0, x-klingon-CH", "eu"),  # refused or malformed: no hint
    (None, "fr", "fr-ß, fr-ch;q=0.5", "ch"),  # a region is two ASCII letters ("ß" is "SS" in capitals)
])
def test_the_market_is_the_one_asked_for_else_the_browsers_country_else_the_first_serving_the_language(
    client: TestClient, asked: str | None, language: str, header: str | None, chosen: str
) -> None:
    loaded = client.app.state.served.catalog.products["coffee-gift-box"]  # type: ignore[attr-defined]
    found = market_of(loaded.product.markets, asked, language, header)
    assert found is not None and found.id == chosen
    assert market_of([], "ch", "de", "de-CH") is None


@pytest.mark.parametrize(("header", "cookie", "said"), [
    ("de-CH, de;q=0.9", None, "Ab 27,90 CHF"),
    ("fr-CH", None, "À partir de 27,90 CHF"),
    ("de-AT", None, "Ab 24,00 €"),
    ("de-CH", "eu", "Ab 24,00 €"),
])
def test_a_swiss_browser_is_shown_swiss_prices_until_the_shopper_chooses(
    client: TestClient, header: str, cookie: str | None, said: str
) -> None:
    if cookie:
        client.cookies.set("market", cookie)
    page = client.get("/products/coffee-gift-box", headers={"Accept-Language": header})
    assert said in _words(page.text)


@pytest.mark.parametrize(("extra", "status", "currency"), [
    ({"market": "ch"}, 200, "CHF"),
    ({"market": "eu"}, 200, "EUR"),
    ({"market": "ch", "price_list": "chf"}, 200, "CHF"),
    ({"market": "ch", "price_list": "eur"}, 422, None),  # not that market's prices
    ({"market": "mars"}, 422, None),
    ({}, 200, "EUR"),
])
def test_a_storefront_prices_and_quotes_in_a_market(
    keyed_shop: tuple[TestClient, str], extra: dict[str, str], status: int, currency: str | None
) -> None:
    client, key = keyed_shop
    loaded = client.app.state.served.catalog.products["coffee-gift-box"]  # type: ignore[attr-defined]
    done = engine_of(loaded).complete({})
    assert done is not None
    selections = {k: sorted(v) if isinstance(v, frozenset) else plain(v) for k, v in done.items()}
    priced = client.post("/api/v1/products/coffee-gift-box/price", json={"selections": selections, **extra})
    assert priced.status_code == status, priced.text
    quoted = client.post("/api/v1/quotes", json={"product_id": "coffee-gift-box", "selections": selections, **extra},
                         headers={"X-API-Key": key})
    assert quoted.status_code == (201 if status == 200 else 422), quoted.text
    if currency is not None:
        assert priced.json()["currency"] == quoted.json()["currency"] == currency
    else:
        assert priced.headers["content-type"] == "application/problem+json"

"""Shoppers in their own language, in Chromium: a German browser gets the shop in German, the switcher keeps the
configuration, the choice is kept for the next pages, and the quote is written in the language it was made in,
money as that language writes it; axe passes in every language."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.browser import browsing, offline, shot


@pytest.fixture
def german(browser: Browser, shop: str) -> Iterator[Page]:
    with browsing(browser, shop, viewport={"width": 1280, "height": 900}, locale="de-DE",
                  extra_http_headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}) as opened:
        yield opened


def _accessible(page: Page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()


def test_a_german_shopper_configures_switches_and_gets_a_german_quote(german: Page, shop: str) -> None:
    page = german
    page.goto(f"{shop}/products/city-bike")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("button", name="Für mich vervollständigen").first).to_be_visible()
    page.get_by_label("Mittel (54 cm)").check()
    expect(page.locator("#price")).to_contain_text("€")
    _accessible(page)
    shot(page, "german-bike")
    page.get_by_role("link", name="Français").click()  # the switcher: the same page, the same choices
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#option-frame_size input[value='M']")).to_be_checked()
    expect(page.get_by_role("button", name="Compléter pour moi").first).to_be_visible()
    _accessible(page)
    page.goto(f"{shop}/products/coffee-gift-box")  # the choice is kept for the next pages
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(f"{shop}/products/city-bike?frame_size=M&lang=de")
    page.get_by_role("button", name="Für mich vervollständigen").first.click()
    quote = page.get_by_role("button", name="Angebot anfordern").first
    expect(quote).to_be_enabled()
    page.locator("#v-quantity").fill("")
    page.locator("#v-quantity").type("2", delay=120)  # two bikes: a total over a thousand, written the German way
    page.locator("#v-quantity").press("Tab")
    expect(page.locator("#price-total")).to_have_text(re.compile(r"^\d\.\d{3},\d{2}\s€$"))
    quote.click()
    expect(page).to_have_url(re.compile(r"/quotes/"))
    expect(page.locator("h1")).to_have_text("Ihr Angebot: Stadtrad nach Maß")
    total = page.locator("#quote-total")
    expect(total).to_have_text(re.compile(r"^\d\.\d{3},\d{2}\s€$"))
    _accessible(page)
    shot(page, "german-quote")
    pdf = page.request.get(f"{shop}{page.locator('#quote-pdf').get_attribute('href')}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    said = " ".join(PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text().split())
    assert "Ihr Angebot: Stadtrad nach Maß" in said
    assert " ".join(total.inner_text().split()) in said


def test_a_french_shopper_types_a_rider_height_with_a_comma(browser: Browser, shop: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fr-FR",
                                  extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    page = context.new_page()
    offline(page, shop)
    page.goto(f"{shop}/products/city-bike")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    height = page.locator("#v-rider_height")
    expect(page.locator("#v-rider_height-range")).to_have_text("Entre 150 et 200 cm, par pas de 5")
    height.click()
    for key in "172,5":
        page.keyboard.type(key, delay=120)
    expect(page.locator("#option-rider_height .error")).to_contain_text(
        "172,5 ne fait pas partie des valeurs de 150 à 200 par pas de 5")
    expect(height).to_be_focused()
    height.fill("")
    page.keyboard.type("175,0", delay=120)
    expect(page.locator("#option-rider_height .error")).to_have_count(0)
    expect(page.locator("#option-frame_size input[value='M']")).to_be_enabled()
    shot(page, "french-phone-comma")
    context.close()


def test_a_shopper_in_switzerland_chooses_the_market_and_gets_a_quote_in_francs(german: Page, shop: str) -> None:
    page = german
    page.goto(f"{shop}/products/coffee-gift-box")
    expect(page.locator("#sticky-bar, #price").first).to_contain_text("€")
    page.locator("#markets").get_by_role("link", name="Schweiz").click()
    expect(page.locator("#markets a[aria-current]")).to_have_text("Schweiz")
    expect(page.locator("#price")).to_contain_text("CHF")
    expect(page.locator("#price")).to_contain_text("inkl. 8,1 % MwSt.")
    page.get_by_role("button", name="Für mich vervollständigen").first.click()
    expect(page.get_by_role("button", name="Angebot anfordern").first).to_be_enabled()
    _accessible(page)
    shot(page, "swiss-coffee")
    page.get_by_role("button", name="Angebot anfordern").first.click()
    expect(page).to_have_url(re.compile(r"/quotes/"))
    expect(page.locator("#quote-market")).to_have_text("Schweiz")
    expect(page.locator("#quote-total")).to_contain_text("CHF")


@pytest.mark.parametrize("language", ["de", "fr"])
def test_axe_finds_nothing_on_any_page_in_either_language(browser: Browser, shop: str, language: str) -> None:
    """Every page of the language check (tests/configurator/test_pages_in_every_language.py) in Chromium."""
    from tests.configurator.test_pages_in_every_language import PAGES

    with browsing(browser, shop, viewport={"width": 1280, "height": 900}) as page:
        for path in PAGES:
            page.goto(f"{shop}{path}{'&' if '?' in path else '?'}lang={language}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            _accessible(page)

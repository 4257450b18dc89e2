"""Regression (found by using the shop in Chromium with small limits): a shopper's htmx change refused with 429 got
the API's problem+json swapped into the page, in place of the whole configurator. A refused change now leaves the
form as it is and says so in the page's messages; without JavaScript the refusal is the shop's error page."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from playwright.sync_api import Browser, expect

from configurator.app import create_app
from configurator.limits import Limits
from tests.browser import offline, shot
from tests.live import serving

TIGHT = Limits(engine_rate=0.01, engine_burst=3.0)  # no token comes back while a test runs


def test_a_refused_change_leaves_the_form_and_says_why(browser: Browser) -> None:
    app = create_app(database_url="sqlite://", watch=False, limits=TIGHT)
    with serving(app) as base:
        context = browser.new_context(viewport={"width": 375, "height": 800})
        page = context.new_page()
        offline(page, base)
        page.goto(f"{base}/products/city-bike")
        for label in ("Aluminium", "Chromoly steel", "Aluminium", "Chromoly steel"):
            page.get_by_label(label).check()
            time.sleep(0.3)
        expect(page.locator("#messages")).to_contain_text("Too many changes in a short time")
        expect(page.get_by_label("Racing green")).to_be_visible()  # the form is still there to use
        expect(page.locator("body")).not_to_contain_text('"status":429')
        shot(page, "phone-busy")
        context.close()


def test_without_javascript_the_refusal_is_the_shops_page() -> None:
    client = TestClient(create_app(database_url="sqlite://", watch=False, limits=TIGHT))
    answers = [client.get("/products/city-bike", headers={"Accept": "text/html"}) for _ in range(4)]
    refused = answers[-1]
    assert refused.status_code == 429 and refused.headers["content-type"].startswith("text/html")
    assert "Too many requests" in refused.text and int(refused.headers["retry-after"]) >= 1
    api = client.post("/api/v1/products/city-bike/configure", json={"selections": {}})
    assert api.status_code == 429 and api.headers["content-type"] == "application/problem+json"


def test_an_expired_form_keeps_the_page_and_says_so(browser: Browser) -> None:
    app = create_app(database_url="sqlite://", watch=False)
    with serving(app) as base:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        offline(page, base)
        page.goto(f"{base}/products/city-bike")
        context.clear_cookies()  # the CSRF cookie gone (expired, or cleared by the shopper)
        page.get_by_label("Aluminium").check()
        expect(page.locator("#messages")).to_contain_text("this form has expired or did not come from this shop")
        expect(page.get_by_label("Aluminium")).to_be_checked()  # a refusal never undoes the shopper's click
        expect(page.locator("h1")).to_have_count(1)  # no page nested in the page
        expect(page.get_by_label("Racing green")).to_be_visible()
        context.close()

"""A decided option of a large product is folded; a shopper who opened one saw it fold again whenever the page
was answered whole (a step moved, or the page's check asking for the whole form): the page's script kept it open
through an event htmx 4 no longer sends (it asks its extensions before changing an attribute). With htmx from the
CDN, and with the vendored copy the page loads when the CDN's fails."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from configurator.settings import HTMX_CDN
from tests.browser import browsing


@pytest.mark.parametrize("cdn", [True, False])
def test_an_opened_fold_stays_open_when_the_form_is_answered_whole(browser: Browser, shop: str, cdn: bool) -> None:
    with browsing(browser, shop, viewport={"width": 1280, "height": 900}) as page:
        if not cdn:
            page.route(HTMX_CDN, lambda route: route.abort())  # the page falls back to its vendored copy
        page.goto(shop + "/products/renault-megane")
        page.get_by_role("button", name="Complete it for me").first.click()
        folds = page.locator("details.fold")
        expect(folds).to_have_count(99)
        folds.nth(3).locator("summary").click()
        expect(folds.nth(3)).to_have_attribute("open", "")
        answered = page.evaluate("""() => new Promise(done => {
            document.addEventListener('htmx:after:swap', () => done(true), {once: true});
            document.querySelector('#form-state input[name=shown]').value = '';  // as the page's own check does
            htmx.trigger(document.getElementById('choices'), 'submit');
        })""")
        assert answered
        expect(folds).to_have_count(99)
        expect(folds.nth(3)).to_have_attribute("open", "")
        expect(folds.nth(4)).not_to_have_attribute("open", "")

"""Regression (found as a flaky browser test, `test_help_me_choose_then_refine[htmx]`): in "Help me choose", a
second answer ticked while the first answer's request was still out was undone when the first answer came back (the
dialog's form queued the second request and swapped the first answer's form over the ticked box), so "Show my
product" could go without it. The dialog's form now replaces a request in flight with the newest, as the product
form does: the box a shopper ticked stays ticked."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from configurator.app import create_app
from tests.browser import offline
from tests.live import serving

# The first answer's reply is slow (as on a busy server); every box's state is sampled while it is out.
SLOW_FIRST = """() => {
  const fetched = window.fetch.bind(window);
  window.fetch = async (url, init) => {
    const answer = await fetched(url, init);
    if (String(url).includes("answer.carry=groceries") && !String(url).includes("answer.climb")) {
      await new Promise(done => setTimeout(done, 700));
    }
    return answer;
  };
}"""
WATCH = """() => new Promise(done => {
  const seen = [];
  const timer = setInterval(() => seen.push(Boolean(document.querySelector("input[value=steep]")?.checked)), 4);
  setTimeout(() => { clearInterval(timer); done(seen); }, 1200);
})"""


def test_a_second_answer_ticked_during_a_slow_first_survives_its_reply(browser: Browser) -> None:
    app = create_app(database_url="sqlite://", watch=False)
    with serving(app) as base:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        offline(page, base)
        page.goto(f"{base}/products/city-bike/help")
        page.get_by_label("Under 165 cm").check()
        expect(page).to_have_url(re.compile(r"answer\.rider=short"))
        page.evaluate(SLOW_FIRST)
        page.get_by_label("Shopping and groceries").check()
        page.get_by_label("Steep climbs").check()
        seen = page.evaluate(WATCH)
        assert seen and all(seen), "the ticked box was unticked while the first answer came back"
        page.get_by_role("button", name="Show my product").click()
        expect(page.locator("#option-gears input[value='hub11']")).to_be_checked()
        context.close()

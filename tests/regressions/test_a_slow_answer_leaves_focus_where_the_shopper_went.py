"""Regression (found as a flaky browser test in CI,
`test_sections_are_added_copied_moved_and_removed_with_the_keyboard[htmx]`): after "Move Section 1 later" the
shopper went on to "Remove Section 3" and pressed Enter; the move's answer came back in between and put focus on
the moved section (where an action lands it), so the Enter went to a width field and the section was never
removed. An answer now lands focus only when the shopper is still where they were when the form sent."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser import browsing

# The move's answer is slow (as on a busy server).
SLOW_MOVE = """() => {
  const fetched = window.fetch.bind(window);
  window.fetch = async (url, init) => {
    const body = init && init.body;
    const action = body instanceof FormData ? body.get("do") : new URLSearchParams(String(body || "")).get("do");
    const answer = await fetched(url, init);
    if (String(action || "").startsWith("right")) { await new Promise(done => setTimeout(done, 800)); }
    return answer;
  };
}"""


def test_the_next_button_keeps_focus_when_the_previous_answer_lands(browser: Browser, shop: str) -> None:
    with browsing(browser, shop, "/products/wardrobe?step=sections&sections=3") as page:
        expect(page.locator("li.instance")).to_have_count(3)
        page.evaluate(SLOW_MOVE)
        answered = page.locator("#form-state").get_attribute("data-answer")
        page.get_by_role("button", name="Move Section 1 later", exact=True).focus()
        page.keyboard.press("Enter")
        remove = page.get_by_role("button", name="Remove Section 3", exact=True)
        remove.focus()
        expect(page.locator("#form-state")).not_to_have_attribute("data-answer", answered or "")  # the move's answer
        expect(remove).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("li.instance")).to_have_count(2)

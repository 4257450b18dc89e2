"""A product made of parts in Chromium, as a person uses it (issue 24): the wardrobe's sections as cards, added,
duplicated, moved and removed with the keyboard alone and without JavaScript, a width typed digit by digit, an
"Add" that stays disabled with its reason once the wall is full, and a quote that lists the sections there are."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import browsing, shot

PAUSE_MS = 1_100  # longer than the form's 500 ms delay plus the answer


@pytest.fixture(params=["htmx", "no-js"])
def page(request: pytest.FixtureRequest, browser: Browser, shop: str) -> Iterator[Page]:
    js = request.param == "htmx"
    with browsing(browser, shop, "/products/wardrobe?step=sections", java_script_enabled=js) as opened:
        yield opened


def _cards(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("li.instance > h2").all_inner_texts()]


def _press(page: Page, name: str) -> None:
    """Reach a button by its accessible name with the keyboard and press it."""
    button = page.get_by_role("button", name=name, exact=True)
    button.focus()
    page.keyboard.press("Enter")


def test_sections_are_added_copied_moved_and_removed_with_the_keyboard(page: Page) -> None:
    assert _cards(page) == ["Section 1", "Section 2"]  # where the wardrobe starts
    _press(page, "Add Section")
    expect(page.locator("li.instance")).to_have_count(3)
    if page.evaluate("() => !!window.htmx"):  # focus goes to the new section's first field
        expect(page.locator("#v-sections\\[3\\]\\.width")).to_be_focused()
    width = page.locator("#v-sections\\[1\\]\\.width")
    width.focus()
    for digit in "75":
        page.keyboard.type(digit)
        page.wait_for_timeout(PAUSE_MS)
    if not page.evaluate("() => !!window.htmx"):
        page.get_by_role("button", name="Apply my choices").click()
    expect(page.locator("#v-sections\\[1\\]\\.width")).to_have_value("75")
    _press(page, "Duplicate Section 1")
    expect(page.locator("li.instance")).to_have_count(4)
    expect(page.locator("#v-sections\\[2\\]\\.width")).to_have_value("75")  # the copy is right after it
    _press(page, "Move Section 1 later")
    _press(page, "Remove Section 3")
    expect(page.locator("li.instance")).to_have_count(3)
    assert _cards(page) == ["Section 1", "Section 2", "Section 3"]  # renumbered: no gap
    shot(page, "wardrobe-sections")


def test_a_full_wall_disables_add_with_the_reason(page: Page) -> None:
    page.goto(page.url.split("?")[0] + "?step=sections&wall_width=100&sections=2")
    add = page.get_by_role("button", name="Add Section")
    expect(add).to_be_disabled()
    reason = page.locator("#sections-add-why")
    expect(reason).to_have_text("No more fit with the choices made.")
    assert add.get_attribute("aria-describedby") == "sections-add-why"
    expect(page.get_by_role("button", name="Remove Section 1")).to_be_enabled()


def test_a_quote_lists_the_sections_there_are(browser: Browser, shop: str) -> None:
    with browsing(browser, shop, "/products/wardrobe?step=sections&sections=2&wall_width=200") as page:
        page.get_by_role("button", name="Complete it for me").click()
        expect(page.locator("#progress .left")).to_have_text("Complete: every choice is made.")
        page.get_by_role("button", name="Request a quote").click()
        page.wait_for_url("**/quotes/**")
        text = page.locator("main").inner_text()
        assert "Section 1: Width" in text and "Section 2: Doors" in text
        assert "Section 3" not in text  # an absent section is no choice of the customer
        shot(page, "wardrobe-quote")


def test_a_phone_shows_each_section_as_a_card_that_fits(browser: Browser, shop: str) -> None:
    path = "/products/wardrobe?step=sections&sections=3"
    with browsing(browser, shop, path, viewport={"width": 375, "height": 740}) as phone:
        expect(phone.locator("li.instance")).to_have_count(3)
        widths = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1]
        box = phone.get_by_role("button", name="Remove Section 3").bounding_box()
        assert box is not None and box["height"] >= 24  # WCAG 2.2 target size
        shot(phone, "phone-wardrobe-sections")

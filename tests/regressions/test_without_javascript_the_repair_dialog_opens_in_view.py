"""Regression (noticed using the shop without JavaScript on a phone): after "Choose anyway", the answer is the whole
page again, opened at its top, and the repair dialog beside its option was far below, out of sight; nothing said
it was there. The dialog's heading now asks for focus (`autofocus`), so the browser opens the page at it."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser import browsing


def test_the_repair_dialog_is_in_view_and_focused_without_javascript(browser: Browser, shop: str) -> None:
    with browsing(browser, shop, "/products/city-bike?frame_size=S&step=extras", java_script_enabled=False,
                  viewport={"width": 375, "height": 740}) as page:
        page.locator("#option-accessories li", has_text="Child seat").get_by_role(
            "button", name="Choose anyway").click()
        title = page.locator("#repair-title")
        expect(title).to_be_focused()
        expect(title).to_be_in_viewport()

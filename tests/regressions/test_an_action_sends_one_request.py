"""Regression (found chasing a flaky browser test in CI): on a product with components, every action made the page
ask the server again and again, about twenty requests a second for as long as the page stayed open. The page lists
the digests of the options it shows and, after each answer, asks for the whole form again if an option's digest
differs; the list counted the options of every instance the product may have, the page draws those of the
instances there are, so the two never agreed. A shopper's next action could be replaced by the page's own request
(the form answers only its latest), so a "Remove" pressed right after a "Move" was lost. Now the list is of the
options drawn, and the whole form is never asked for twice in a row."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Request

from tests.browser import browsing

CASES = [
    ("/products/wardrobe?step=sections&sections=3", "Add Section"),
    ("/products/wardrobe?step=sections&sections=3", "Move Section 1 later"),
    ("/products/wardrobe?step=sections&sections=3", "Remove Section 3"),
    ("/products/wardrobe?step=sections&sections=3", "Complete it for me"),
    ("/products/city-bike", "Complete it for me"),
]


@pytest.mark.parametrize(("path", "button"), CASES)
def test_one_action_is_one_request(browser: Browser, shop: str, path: str, button: str) -> None:
    with browsing(browser, shop, path) as page:
        posts: list[Request] = []
        page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
        page.get_by_role("button", name=button, exact=True).focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(1_500)  # long enough for a loop to show (it asked about twenty times a second)
        assert len(posts) == 1, [request.post_data for request in posts]

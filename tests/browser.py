"""One headless Chromium for all browser tests (Debian's, driven by Playwright), and the shop served for it.

Pages reference htmx on its CDN; tests run offline, so that URL is answered with the vendored copy and every
other request leaving loopback is aborted, as a browser with no network would see it.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from configurator.settings import FRONTEND, HTMX_CDN, HTMX_VENDORED

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The shared browser, or a skip saying why there is none."""
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed at /usr/bin/chromium (make test installs Debian's where it can)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def offline(page: Page, base: str) -> None:
    """Serve the CDN's htmx from the vendored file; refuse everything else that would leave the app."""
    vendored = (FRONTEND / HTMX_VENDORED.removeprefix("/")).read_bytes()

    def handle(route: Route) -> None:
        url = route.request.url
        if url == HTMX_CDN:
            headers = {"Access-Control-Allow-Origin": "*"}
            route.fulfill(body=vendored, content_type="application/javascript", headers=headers)
        elif url.startswith(base):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", handle)


@contextlib.contextmanager
def browsing(browser: Browser, base: str, path: str = "", **options: Any) -> Iterator[Page]:
    """A page in a context of its own (1280 x 800 unless `options` say otherwise), offline, opened at `path`."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 800}, **options})
    try:
        page = context.new_page()
        offline(page, base)
        if path:
            page.goto(base + path)
        yield page
    finally:
        context.close()


def shot(page: Page, name: str) -> None:
    """A screenshot under test-artifacts/ (not committed), for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

"""Demand in Chromium (issue 25), as shoppers and a merchandiser use it: one shopper reaches for two values a rule
rules out, declines the change offered for the first, asks for the second with a note and leaves; another takes the
change offered, completes and quotes. The merchandiser's demand page then says exactly that, and the answer given
there reaches the first shopper's private link: on SQLite, and on PostgreSQL with each shopper served by a process
of its own."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from configurator.persistence.db import create_api_key, make_engine, migrate
from tests.browser import browsing, shot
from tests.conftest import BUNDLED
from tests.live import app_process

RULE = "belt-needs-hub"


@pytest.fixture(params=["sqlite", "postgresql"])
def servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """Two shop processes on one database (SQLite: one process serves both shoppers), and an admin key."""
    folder = tmp_path / "catalog"
    folder.mkdir()
    shutil.copy(BUNDLED / "city-bike.yaml", folder)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    else:
        url = request.getfixturevalue("fresh_postgres_url")
    database = make_engine(url)
    migrate(database)
    with Session(database) as db:
        admin = create_api_key(db, "merchandiser", admin=True)
    database.dispose()
    with ExitStack() as stack:
        first = stack.enter_context(app_process(folder, url))
        second = first if request.param == "sqlite" else stack.enter_context(app_process(folder, url))
        yield first, second, admin


def _belt(page: Page) -> None:
    page.locator("#option-belt_drive input[value='true']").check()
    expect(page.get_by_role("button", name="Choose anyway: Single speed")).to_be_visible()


def test_what_shoppers_did_is_what_the_merchandiser_reads(browser: Browser, servers: tuple[str, str, str]) -> None:
    first, second, admin = servers
    with browsing(browser, first, "/products/city-bike") as page:  # reaches, declines, asks, leaves
        _belt(page)
        page.get_by_role("button", name="Choose anyway: Single speed").click()
        expect(page.locator("#repair-title")).to_be_focused()
        page.get_by_role("button", name="Keep my choices").click()
        expect(page.locator("#repair")).to_have_count(0)
        page.get_by_role("button", name="Choose anyway: 9-speed derailleur").click()
        page.get_by_role("link", name="Ask us to offer it with my choices").click()
        expect(page.locator("#ask-in-the-way")).to_have_text("Not with: Belt drive instead of chain.")
        page.get_by_label("A note for us (optional)").press_sequentially("Flat town, <i>no</i> hills", delay=30)
        page.get_by_role("button", name="Send my request").click()
        expect(page.locator("#answer-words")).to_contain_text("No answer yet")
        link = page.url
        shot(page, "demand-asked")
    with browsing(browser, second, "/products/city-bike") as page:  # reaches, takes the change, quotes
        _belt(page)
        page.get_by_role("button", name="Choose anyway: Single speed").click()
        page.get_by_role("button", name="Yes, change it").click()
        expect(page.locator("#option-gears input[value=single]")).to_be_checked()
        page.get_by_role("button", name="Complete it for me").click()
        expect(page.locator("#progress .left")).to_have_text("Complete: every choice is made.")
        page.get_by_role("button", name="Request a quote").click()
        page.wait_for_url("**/quotes/**")
    time.sleep(1.5)  # each process writes its signals every second
    with browsing(browser, first, "/merchant") as page:
        page.locator("#key").fill(admin)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{first}/merchant/demand/city-bike")
        cells = page.locator(f"#rule-{RULE} td").all_inner_texts()
        assert cells == ["3", "2", "1", "1", "1"]  # reached for, sessions, changed to get it, left, asked
        funnel = dict(zip(page.locator("#funnel tbody th").all_inner_texts(),
                          page.locator("#funnel tbody td").all_inner_texts(), strict=True))
        assert funnel == {"Started": "2", "Complete": "1", "Saved": "0", "Quoted": "1"}
        ask = page.locator(".ask-item").filter(has_text="9-speed derailleur")
        expect(ask).to_contain_text("Flat town, <i>no</i> hills")  # as written, never as markup
        ask.get_by_label("Not possible, because…").check()
        ask.get_by_label("Words for the shopper").fill("A belt needs a hub gear to keep its line.")
        ask.get_by_role("button", name="Send the answer").click()
        expect(page.locator(".ask-item").first).to_contain_text("Answered: not possible")
        shot(page, "demand-page")
    with browsing(browser, first) as page:
        page.goto(link)
        expect(page.locator("#answer-words")).to_have_text(re.compile(r"Not possible:\s+A belt needs a hub gear"))
        page.get_by_role("button", name="Delete my request").click()
        expect(page.locator("#asked-title")).to_have_text("Your request is deleted")
        assert page.goto(link) is not None and page.locator("h1").inner_text() == "Not found"

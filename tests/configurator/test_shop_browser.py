"""The shopper's journey in a real browser (Debian's Chromium through Playwright), with and without JavaScript:
configure, see why a value is unavailable, take its repair, undo it, complete, reload the permalink."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from configurator.app import create_app
from configurator.persistence.db import create_api_key
from configurator.views.form import query_of
from tests.browser import offline, shot
from tests.conftest import BUNDLED, megane_engine, random_session
from tests.live import serving


@pytest.fixture(params=["htmx", "no-js"])
def page(request: pytest.FixtureRequest, browser: Browser, shop: str) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=request.param == "htmx", viewport={"width": 1100, "height": 900})
    opened = context.new_page()
    offline(opened, shop)
    opened.goto(shop + "/")
    yield opened
    context.close()


def _choose(page: Page, js: bool, selector: str) -> None:
    """Choose a value: htmx sends the form on the change; without JavaScript the shopper presses the button."""
    page.locator(selector).check()
    if not js:
        page.get_by_role("button", name="Apply my choices").click()


def test_configure_explain_repair_undo_complete(page: Page, request: pytest.FixtureRequest) -> None:
    js = "htmx" in request.node.callspec.id
    name = "js" if js else "nojs"
    page.get_by_role("link", name="Made-to-order city bicycle").click()
    expect(page.locator("h1")).to_have_text("Made-to-order city bicycle")
    assert page.evaluate("() => Boolean(window.htmx)") is js
    _choose(page, js, "#option-belt_drive input[value='true']")
    single = page.locator("#option-gears li", has_text="Single speed")
    expect(single.locator("input")).to_be_disabled()
    reason = "Not with Belt drive instead of chain: A belt drive needs a hub gear."
    expect(single.locator(".reason")).to_have_text(reason)
    shot(page, f"{name}-1-reason")
    single.get_by_role("button", name="Choose anyway").click()
    expect(page.locator("#repair-title")).to_have_text("Take Gears: Single speed?")
    dropped = "That needs these earlier choices dropped: Belt drive instead of chain."
    expect(page.locator("#repair")).to_contain_text(dropped)
    shot(page, f"{name}-2-repair")
    page.get_by_role("button", name="Yes, change it").click()
    expect(page.locator("#option-gears input[value='single']")).to_be_checked()
    expect(page.locator("#option-belt_drive input[value='true']")).not_to_be_checked()
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#option-belt_drive input[value='true']")).to_be_checked()
    expect(page.locator("#option-gears input[value='single']")).to_be_disabled()
    shot(page, f"{name}-3-undone")
    before = page.locator("#price-total").inner_text()
    page.get_by_role("button", name="Complete it for me").click()
    expect(page.locator("#progress .left")).to_have_text("Complete: every choice is made.")
    expect(page.locator("#price h2")).to_contain_text("Total")
    total = page.locator("#price-total").inner_text()
    assert total != before or "From" not in page.locator("#price h2").inner_text()
    # Every value the price counts is shown chosen in the form, the accessories the completion added included.
    counted = [label.removeprefix("Accessories: ") for label in page.locator("#price td:first-child").all_inner_texts()
               if label.startswith("Accessories: ")]
    checked = page.locator("#option-accessories input:checked + label").all_inner_texts()
    assert sorted(label.split(" +")[0].strip() for label in checked) == sorted(counted)
    shot(page, f"{name}-4-complete")
    permalink = page.locator("#permalink").get_attribute("href")
    assert permalink is not None and "belt_drive=true" in permalink
    page.goto(page.url.split("/products/")[0] + permalink)
    expect(page.locator("#price-total")).to_have_text(total)
    expect(page.locator("#option-belt_drive input[value='true']")).to_be_checked()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/c/[\w-]+$"))  # the short link shows the same configuration
    expect(page.locator("#messages")).to_contain_text(page.url.split(page.url.split("/c/")[0])[1])
    expect(page.locator("#price-total")).to_have_text(total)
    page.get_by_role("button", name="Request a quote").click()
    expect(page).to_have_url(re.compile(r"/quotes/[\w-]+$"))
    expect(page.locator("#quote-total")).to_have_text(total)
    shot(page, f"{name}-5-quote")
    quote_url = page.url
    page.reload()
    expect(page.locator("#quote-id")).to_have_text(quote_url.rsplit("/", 1)[1])


def test_why_completes_a_short_reason_on_a_large_model(page: Page, request: pytest.FixtureRequest) -> None:
    """On the Renault Megane the page has no time for the solver's explanations: "Why?" asks for one."""
    name = "js" if "htmx" in request.node.callspec.id else "nojs"
    engine = megane_engine()
    page.goto(page.url.rstrip("/") + f"/products/renault-megane?{query_of(random_session(engine, 12, 0))}")
    short = page.locator("li.value", has=page.locator("button.why")).first
    expect(short.locator(".reason")).to_contain_text("Only if you change")
    option = short.locator("input").get_attribute("name")
    value = short.locator("input").get_attribute("value")
    short.get_by_role("button", name="Why?").click()
    explained = page.locator(f"#option-{option} li", has=page.locator(f"input[value='{value}']")).locator(".reason")
    expect(explained).to_contain_text("Not with")
    expect(explained).to_contain_text("is not offered (table renault_rule")
    shot(page, f"{name}-why")


def test_the_page_is_the_same_with_and_without_htmx_requests(shop: str) -> None:
    import httpx2

    url = shop + "/products/city-bike?belt_drive=true"
    with httpx2.Client() as http:
        page = http.get(url)
        fragment = http.get(url, headers={"HX-Request": "true"})
    assert page.headers["vary"] == fragment.headers["vary"] == "HX-Request, Accept-Language, Cookie, Accept-Encoding"
    assert fragment.text.strip().startswith('<div id="configurator"')
    assert fragment.text.strip() in page.text
    switcher = page.text.split('id="languages"', 1)[1].split("</nav>", 1)[0]
    assert "belt_drive=true" in switcher and "lang=de" in switcher  # the same page in another language


@pytest.mark.parametrize(
    "path", ["/", "/products/city-bike?belt_drive=true", "/products/eyeglasses", "/faces", "/products/city-bike/help",
             "/products/wardrobe?step=sections&sections=3"]
)
def test_nothing_overflows_a_phone_screen(browser: Browser, shop: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    phone = context.new_page()
    offline(phone, shop)
    phone.goto(shop + path)
    widths = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    shot(phone, "phone" + path.replace("/", "-").split("?")[0])
    context.close()
    assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide on a {widths[1]} px screen"


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize(
    "path",
    ["/", "/products/city-bike?belt_drive=true", "/products/eyeglasses?material=wood", "/faces",
     "/products/city-bike/help?answer.rider=short", "/profile", "/products/city-bike?frame_size=S&step=review",
     "/products/renault-megane?Var1=B64", "/products/coffee-gift-box?wrapping=red", "/products/lighting-kit",
     "/products/detergent-subscription?step=delivery", "/products/wardrobe?step=sections&wall_width=100"],
)
def test_no_accessibility_violations(browser: Browser, shop: str, path: str, width: int) -> None:
    """axe finds nothing, of any impact, on each page state, wide and on a phone."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 800})
    checked = context.new_page()
    offline(checked, shop)
    checked.goto(shop + path)
    results = Axe().run(checked)
    context.close()
    assert results.response["violations"] == [], results.generate_report()


def test_the_vendored_htmx_loads_when_the_cdn_is_unreachable(browser: Browser, shop: str) -> None:
    context = browser.new_context()
    cut_off = context.new_page()
    cut_off.route("**/*", lambda route: route.continue_() if route.request.url.startswith(shop) else route.abort())
    cut_off.goto(shop + "/products/city-bike")
    cut_off.wait_for_function("() => Boolean(window.htmx)")
    cut_off.locator("#option-belt_drive input[value='true']").check()
    expect(cut_off.locator("#option-gears li", has_text="Single speed").locator("input")).to_be_disabled()
    assert "/products/city-bike" in cut_off.url
    context.close()


def test_the_preview_follows_each_choice(page: Page, request: pytest.FixtureRequest) -> None:
    js = "htmx" in request.node.callspec.id
    page.goto(page.url.rstrip("/") + "/products/city-bike")
    frame = page.locator("#preview rect").nth(1)
    _choose(page, js, "#option-color input[value='cream']")
    expect(frame).to_have_attribute("fill", "#efe6cf")
    _choose(page, js, "#option-color input[value='green']")
    expect(frame).to_have_attribute("fill", "#1f5130")
    shot(page, f"{'js' if js else 'nojs'}-preview")


def test_the_faces_matrix_places_every_product_with_its_options(browser: Browser, shop: str) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    offline(page, shop)
    page.goto(shop + "/")
    page.get_by_role("link", name="How each product is customized: the four faces").click()
    expect(page.locator("#face-collaborative #placed-city-bike")).to_contain_text("Changes the representation: Colour")
    expect(page.locator("#face-cosmetic #placed-coffee-gift-box")).to_contain_text("Changes the representation")
    expect(page.locator("#face-transparent #placed-detergent-subscription")).to_contain_text("Changes the product")
    expect(page.locator("#face-adaptive #placed-lighting-kit")).to_contain_text("Adjusted in use")
    expect(page.locator("#face-transparent #placed-wardrobe")).to_contain_text("Changes the product")
    assert page.locator("#faces li").count() == 7
    shot(page, "faces")
    context.close()


def test_the_settings_card_changes_a_setting_after_purchase(browser: Browser, shop: str) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    offline(page, shop)
    page.goto(f"{shop}/products/lighting-kit")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/c/[\w-]+$"))
    expect(page.locator("#option-scene_evening legend .later")).to_have_text("Adjustable later")
    page.get_by_role("link", name="Settings you can change any time").click()
    expect(page.locator("#s-scene_evening option[value='focus']")).to_be_enabled()  # at the default 70 %
    brightness = page.get_by_label("Default brightness")
    brightness.fill("")
    brightness.press_sequentially("40", delay=120)  # typed, with pauses
    brightness.press("Enter")  # the form's submit, from the keyboard
    expect(page.locator("#history tbody tr")).to_have_count(1)
    expect(page.locator("#s-scene_evening option[value='focus']")).to_be_disabled()  # needs 50% brightness
    page.locator("#s-scene_evening").select_option("candle")
    page.get_by_role("button", name="Save my settings").click()
    expect(page.locator("#history tbody tr")).to_have_count(2)
    expect(page.locator("#history tbody tr").first).to_contain_text("Candlelight 2200 K")
    shot(page, "settings-card")
    # Someone the short link is shared with sees the settings, and cannot change them.
    friend = browser.new_context(viewport={"width": 375, "height": 800})
    other = friend.new_page()
    offline(other, shop)
    other.goto(page.url)
    expect(other.locator("#read-only")).to_contain_text("Only the customer who saved this configuration")
    expect(other.locator("#s-scene_evening")).to_be_disabled()
    expect(other.get_by_role("button", name="Save my settings")).to_have_count(0)
    shot(other, "settings-card-shared")
    friend.close()
    context.close()


def test_help_me_choose_then_refine(page: Page, request: pytest.FixtureRequest) -> None:
    js = "htmx" in request.node.callspec.id
    name = "js" if js else "nojs"
    page.goto(page.url.rstrip("/") + "/products/city-bike")
    page.get_by_role("link", name="Not sure? Help me choose").click()
    page.get_by_label("Under 165 cm").check()
    if not js:
        page.get_by_role("button", name="Update the answers").click()
    child = page.locator("#question-carry li", has_text="A small child")
    expect(child.locator("input")).to_be_disabled()
    expect(child.locator(".reason")).to_contain_text("Small frames are too short for a child seat")
    shot(page, f"{name}-dialog")
    page.get_by_label("Shopping and groceries").check()
    page.get_by_label("Steep climbs").check()
    page.get_by_role("button", name="Show my product").click()
    expect(page.locator("h1")).to_have_text("Made-to-order city bicycle")
    expect(page.locator("#option-gears input[value='hub11']")).to_be_checked()
    expect(page.locator("#answers")).to_contain_text("Steep climbs")
    _choose(page, js, "#option-gears input[value='hub8']")  # refine in the normal form: the answers stay
    expect(page.locator("#option-gears input[value='hub8']")).to_be_checked()
    expect(page.locator("#answers")).to_contain_text("Under 165 cm")
    shot(page, f"{name}-dialog-refined")
    page.get_by_role("link", name="Change my answers").click()
    expect(page.get_by_label("Steep climbs")).to_be_checked()


def test_the_merchandiser_signs_in_and_sees_errors_and_lint(browser: Browser, tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "city-bike.yaml").write_text((BUNDLED / "city-bike.yaml").read_text())
    (folder / "lighting-kit.yaml").write_text(
        (BUNDLED / "lighting-kit.yaml").read_text().replace("- {min: 3, max: 10,", "- {min: 4, max: 10,")
    )
    (folder / "broken.yaml").write_text("id: broken\nname: Broken\ncurrency: EUR\nbase_price: '1'\nsteps: [\n")
    app = create_app(folder, f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)
    with Session(app.state.db) as db:
        admin = create_api_key(db, "merchandiser", admin=True)
    with serving(app) as base:
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        offline(page, base)
        page.goto(base + "/merchant")
        page.get_by_label("Admin key").fill(admin)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#load-errors")).to_contain_text("broken.yaml:6:1:")
        expect(page.locator("#product-lighting-kit")).to_contain_text("tiers of extra-bulbs leave 3 units")
        expect(page.locator("#product-city-bike")).to_contain_text("clean")
        shot(page, "merchant")
        context.close()
    app.state.db.dispose()

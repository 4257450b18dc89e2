"""Interactions that must never lose a shopper's input or place, tried as a person does them in Chromium: typing
a number digit by digit with pauses longer than the form's delay, taking a repair far down the page, finishing
with the keyboard alone."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.browser import browsing, offline, shot

PAUSE_MS = 1_100  # longer than the form's 500 ms delay plus the answer: every digit is sent and swapped back


@pytest.fixture
def page(browser: Browser, shop: str) -> Iterator[Page]:
    with browsing(browser, shop, "/products/city-bike") as opened:
        yield opened


def _accessible(page: Page) -> None:
    """axe finds nothing, of any impact, on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()


def _focused_id(page: Page) -> str:
    return str(page.evaluate("() => document.activeElement && document.activeElement.id"))


def _in_view(page: Page, selector: str) -> bool:
    return bool(page.evaluate(
        """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
             return r.top >= 0 && r.bottom <= window.innerHeight + 1; }""",
        selector,
    ))


@pytest.mark.parametrize(("field", "text"), [("#v-rider_height", "175"), ("#v-quantity", "12")])
def test_typing_slowly_keeps_every_character_where_it_was_typed(page: Page, field: str, text: str) -> None:
    box = page.locator(field)
    box.click()
    box.fill("")
    for char in text:
        page.keyboard.type(char)
        page.wait_for_timeout(PAUSE_MS)
        expect(box).to_be_focused()
    expect(box).to_have_value(text)
    expect(page.locator("#option-" + field.removeprefix("#v-") + " .error")).to_have_count(0)
    shot(page, f"typed-{field.removeprefix('#v-')}")


def test_typing_while_an_answer_is_on_its_way_loses_nothing(page: Page) -> None:
    box = page.locator("#v-rider_height")
    box.click()
    box.fill("")
    page.keyboard.type("1")
    page.wait_for_timeout(520)  # the first digit's request has just left
    page.keyboard.type("80", delay=60)
    page.wait_for_timeout(PAUSE_MS)
    expect(box).to_have_value("180")
    expect(box).to_be_focused()


def test_the_repair_dialog_opens_in_view_with_focus_and_gives_it_back(page: Page) -> None:
    page.locator("#option-frame_size input[value='S']").check()  # too short for a child seat
    child_seat = page.locator("#option-accessories li", has_text="Child seat")
    expect(child_seat.locator("input")).to_be_disabled()  # the answer is in
    child_seat.scroll_into_view_if_needed()
    child_seat.get_by_role("button", name="Choose anyway").click()
    expect(page.locator("#repair-title")).to_be_focused()
    assert _in_view(page, "#repair"), "the dialog is drawn outside the viewport"
    shot(page, "repair-in-view")
    _accessible(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Yes, change it")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Keep my choices")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#repair")).to_have_count(0)
    assert _focused_id(page).startswith("v-accessories-"), _focused_id(page)


def test_taking_a_repair_lands_on_the_option_it_changed(page: Page) -> None:
    page.locator("#option-belt_drive input[value='true']").check()
    single = page.locator("#option-gears li", has_text="Single speed")
    expect(single.locator("input")).to_be_disabled()
    single.get_by_role("button", name="Choose anyway").click()
    expect(page.locator("#repair-title")).to_be_focused()
    page.get_by_role("button", name="Yes, change it").click()
    expect(page.locator("#option-gears input[value='single']")).to_be_checked()
    expect(page.locator("#option-gears input[value='single']")).to_be_focused()


@pytest.mark.parametrize("action", ["Complete it for me", "Cheapest completion"])
def test_finishing_lands_on_the_price_which_says_what_happened(page: Page, action: str) -> None:
    button = page.get_by_role("button", name=action)
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#progress .left")).to_have_text("Complete: every choice is made.")
    expect(page.locator("#price")).to_be_focused()
    page.keyboard.press("Tab")  # the next Tab goes on from the price, not from the top of the page
    assert page.evaluate("() => document.activeElement.closest('.summary') !== null"), "focus left the summary"
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#price")).to_be_focused()


def test_a_slow_click_after_a_fast_one_leaves_the_last_choice(page: Page) -> None:
    page.locator("#option-gears input[value='hub8']").check()
    page.locator("#option-gears input[value='hub11']").check()  # before the first answer is back
    page.wait_for_timeout(400)
    page.locator("#option-gears input[value='derailleur']").check()
    expect(page.locator("#price")).to_contain_text("9-speed derailleur")
    for value, checked in (("hub8", False), ("hub11", False), ("derailleur", True)):
        box = page.locator(f"#option-gears input[value='{value}']")
        expect(box).to_be_checked(checked=checked)


def _tab_to(page: Page, name: str, most: int) -> int:
    """Press Tab until the button or link called `name` has focus; how many presses it took."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        said = page.evaluate("() => (document.activeElement.innerText || '').trim()")
        if said == name:
            return presses
    raise AssertionError(f"{name!r} not reached in {most} presses of Tab")


def test_a_keyboard_alone_reaches_a_printable_quote(page: Page) -> None:
    page.locator("#v-rider_height").focus()
    page.keyboard.type("175")
    _tab_to(page, "Complete it for me", 60)
    page.keyboard.press("Enter")
    expect(page.locator("#price")).to_be_focused()
    expect(page.locator("#progress .left")).to_have_text("Complete: every choice is made.")
    assert _tab_to(page, "Request a quote", 8) <= 8  # from the price, a few presses: not back through the form
    page.keyboard.press("Enter")
    expect(page.locator("#quote-title")).to_have_text("Your quote: Made-to-order city bicycle")
    expect(page.locator("#quote-choices")).to_contain_text("175 cm")
    shot(page, "quote")
    _accessible(page)
    pdf = page.request.get(page.url.split("/quotes/")[0] + (page.locator("#quote-pdf").get_attribute("href") or ""))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    said = " ".join(PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text().split())
    assert "Your quote: Made-to-order city bicycle" in said and "Rider height 175 cm" in said
    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this quote")).to_be_hidden()
    expect(page.locator("#quote-total")).to_be_visible()
    shot(page, "quote-print")


def test_a_large_product_has_one_choose_anyway_stop_per_option(page: Page, shop: str) -> None:
    page.goto(shop + "/products/renault-megane?Var1=B64")  # a choice that rules 40 values out
    stops = page.evaluate("""() => [...document.querySelectorAll('#configurator .option')].map(
        o => [...o.querySelectorAll('button.anyway')].filter(b => b.tabIndex >= 0).length)""")
    assert stops and max(stops) == 1
    assert sum(stops) < page.locator("button.anyway").count()
    crowded = page.locator("#configurator .option").filter(has=page.locator("button.anyway >> nth=1")).first
    buttons = crowded.locator("button.anyway")
    buttons.first.focus()
    page.keyboard.press("ArrowDown")
    expect(buttons.nth(1)).to_be_focused()
    assert (buttons.nth(1).get_attribute("aria-label") or "").startswith("Choose anyway: ")
    page.keyboard.press("ArrowUp")
    expect(buttons.first).to_be_focused()


def test_a_large_product_folds_what_is_decided_and_finds_what_is_not(page: Page, shop: str) -> None:
    page.goto(shop + "/products/renault-megane")
    tall = page.evaluate("document.documentElement.scrollHeight")
    page.get_by_role("button", name="Complete it for me").click()
    expect(page.locator("#progress .left")).to_have_text("Complete: every choice is made.")
    folds = page.locator("details.fold")
    expect(folds).to_have_count(page.locator("#configurator .option").count())
    assert page.evaluate("document.documentElement.scrollHeight") * 2 < tall
    shot(page, "megane-folded")
    _accessible(page)
    summary = folds.nth(3).locator("summary")
    summary.focus()
    page.keyboard.press("Enter")  # opens the fold, from the keyboard
    expect(folds.nth(3)).to_have_attribute("open", "")
    page.locator("#option-filter").fill("var4")
    expect(page.locator("#option-Var4")).to_be_visible()
    expect(page.locator("#option-Var5")).to_be_hidden()
    page.locator("#option-filter").fill("")
    page.locator("#only-open").check()
    expect(page.locator("#configurator .option:visible")).to_have_count(0)
    page.get_by_role("button", name="Undo").click()  # everything open again: the filter shows it all
    expect(page.locator("#configurator .option:visible")).to_have_count(page.locator("#configurator .option").count())


def test_a_small_product_folds_nothing_and_offers_no_tools(page: Page) -> None:
    page.locator("#option-frame_size input[value='M']").check()
    expect(page.locator("#option-frame_size")).to_have_class(re.compile(r"\bdecided\b"))
    expect(page.locator("details.fold")).to_have_count(0)
    expect(page.locator("#tools")).to_have_count(0)


_STATE_JS = """() => ({
    options: [...document.querySelectorAll('#configurator .option')].map(o => [o.id,
        [...o.querySelectorAll('input')].filter(i => i.type !== 'hidden').map(i =>
            [i.value, i.checked, i.disabled]),
        [...o.querySelectorAll('.reason, .error')].map(r => r.textContent.trim())]),
    price: document.querySelector('#price').innerText,
    progress: document.querySelector('#progress').innerText,
    state: document.querySelector('#form-state input[name=was]').value,
})"""


def test_changes_sent_part_by_part_leave_the_page_a_fresh_load_would_show(page: Page, shop: str) -> None:
    """Each htmx change sends back only the options whose view changed; after a session of them the page is the
    same as the configuration's own page loaded afresh."""
    page.goto(shop + "/products/renault-megane")
    sizes: list[int] = []
    page.on("response", lambda r: sizes.append(len(r.body())) if r.request.method == "POST" else None)
    for _ in range(5):
        box = page.locator("#configurator .option:not(.decided) input[type=radio]:not([disabled]):not(:checked)").nth(7)
        with page.expect_response(lambda r: r.request.method == "POST"):
            box.check()
        page.wait_for_timeout(300)  # the answer swapped in
    after = page.evaluate(_STATE_JS)
    fresh = page.context.new_page()
    offline(fresh, shop)
    fresh.goto(shop + "/products/renault-megane?" + after["state"])
    again = fresh.evaluate(_STATE_JS)
    differing = [(a, b) for a, b in zip(after["options"], again["options"], strict=True) if a != b]
    assert not differing, differing[:2]
    assert again == after
    fresh.close()
    assert sizes and max(sizes) < len(page.content())  # never the whole page again


def test_a_page_left_behind_by_a_race_asks_for_the_whole_form(page: Page) -> None:
    """An option whose copy is not the one the answer counts on (as a click racing an answer could leave it) is
    noticed, and the whole form is fetched again."""
    page.evaluate("""() => { const o = document.querySelector('#option-material');
        o.setAttribute('data-digest', 'stale'); o.querySelector('legend').textContent = 'Left behind'; }""")
    page.locator("#option-frame_size input[value='L']").check()
    expect(page.locator("#option-material legend")).to_have_text("Frame material")
    digests = page.evaluate("document.querySelector('#form-state input[name=shown]').value.split(',')")
    shown = page.evaluate("[...document.querySelectorAll('#configurator .option')].map(o => o.dataset.digest)")
    assert shown == digests


def test_a_phone_keeps_the_price_progress_and_next_action_in_view(browser: Browser, shop: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True)
    phone = context.new_page()
    offline(phone, shop)
    phone.goto(shop + "/products/city-bike")
    bar = phone.locator("#sticky-bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("From €690.00")
    # Each step's state is out of sight on a phone but still read out with its name.
    expect(phone.locator("#stepper").get_by_role("button", name=re.compile(r"Frame\s+to choose"))).to_be_visible()
    expect(bar).to_contain_text("1 of 8 made")
    radio = phone.locator("#option-frame_size input[value='L']")
    box = radio.bounding_box()
    assert box is not None and box["width"] >= 20 and box["height"] >= 20  # with its label, over 24 px to touch
    label = phone.locator("label[for='v-frame_size-3']").bounding_box()
    assert label is not None and label["height"] >= 24
    radio.tap()
    expect(bar).to_contain_text("From €710.00")
    bar.get_by_role("button", name="Complete it for me").tap()
    expect(bar).to_contain_text("8 of 8 made")
    price = phone.locator("#price")
    expect(price).to_be_focused()
    # The price is scrolled into view above the bar (within a frame or two, once the options above it are laid out).
    phone.wait_for_function("""() => document.querySelector('#price h2').getBoundingClientRect().bottom
        <= document.querySelector('#sticky-bar').getBoundingClientRect().top""", timeout=2_000)
    shot(phone, "phone-sticky-bar")
    bar.get_by_role("button", name="Request a quote").tap()
    expect(phone.locator("#quote-title")).to_contain_text("Made-to-order city bicycle")
    context.close()


@pytest.mark.parametrize("js", [True, False])
def test_a_phone_goes_step_by_step_to_the_review_and_back_to_any_choice(browser: Browser, shop: str, js: bool) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, java_script_enabled=js)
    phone = context.new_page()
    offline(phone, shop)
    phone.goto(shop + "/products/city-bike")
    steps = phone.locator("fieldset.step")
    expect(steps.filter(has=phone.locator("legend", has_text="Frame"))).to_be_visible()
    expect(steps.filter(has=phone.locator("legend", has_text="Drivetrain"))).to_be_hidden()
    phone.get_by_role("button", name="Next: Drivetrain").click()
    expect(steps.filter(has=phone.locator("legend", has_text="Drivetrain"))).to_be_visible()
    expect(steps.filter(has=phone.locator("legend", has_text="Frame"))).to_be_hidden()
    expect(phone.locator("#stepper [aria-current=step]")).to_contain_text("Drivetrain")
    phone.locator("#option-gears input[value='hub8']").check()
    if not js:
        phone.get_by_role("button", name="Apply my choices").click()
    expect(phone.locator("#option-gears input[value='hub8']")).to_be_checked()
    expect(phone.locator("#stepper [aria-current=step]")).to_contain_text("Drivetrain")  # a change keeps the step
    phone.get_by_role("button", name="Next: Accessories").click()
    phone.get_by_role("button", name="Next: Review").click()
    review = phone.locator("#review")
    expect(review).to_be_visible()
    expect(review.locator("tr", has_text="Gears")).to_contain_text("8-speed hub (+€140.00)")
    expect(review.locator("tr", has_text="Bicycles")).to_contain_text("1")
    expect(review).to_contain_text("From €830.00")
    shot(phone, f"phone-review-{'js' if js else 'nojs'}")
    if js:  # axe runs as a script in the page
        _accessible(phone)
    review.get_by_role("button", name="Edit Colour").click()
    expect(phone.locator("#option-color")).to_be_visible()
    expect(phone.locator("#stepper [aria-current=step]")).to_contain_text("Frame")
    context.close()


def test_a_wide_screen_shows_a_small_products_steps_at_once_with_their_state(page: Page) -> None:
    for legend in ("Frame", "Drivetrain", "Accessories"):
        expect(page.locator("fieldset.step", has=page.locator("legend", has_text=legend))).to_be_visible()
    expect(page.locator("#stepper li.done")).to_have_count(0)  # every step has something to choose
    page.get_by_role("button", name="Complete it for me").click()
    expect(page.locator("#stepper li.open")).to_have_count(0)


@pytest.mark.parametrize("font", ["serif", "script", "mono"])
def test_a_long_label_is_drawn_inside_the_label_in_its_font(page: Page, shop: str, font: str) -> None:
    text = "Happy birthday to the best team ever!!!"[:40]
    page.goto(shop + f"/products/coffee-gift-box?box_size=trio&wrapping=festive&label_font={font}"
              f"&label_text={text.replace(' ', '+').replace('!', '%21')}")
    label = page.locator("#preview text", has_text="Happy")
    expect(label).to_have_count(1)
    box = page.evaluate("""() => { const t = [...document.querySelectorAll('#preview text')]
        .find(e => e.textContent.includes('Happy')).getBBox(); return [t.x, t.y, t.width, t.height]; }""")
    x, y, width, height = box
    assert (x >= 90 and x + width <= 230), box  # inside the white label (x 90 to 230, y 92 to 122)
    assert (y >= 92 and y + height <= 124), box
    family = label.get_attribute("font-family") or ""
    assert {"serif": "serif", "script": "cursive", "mono": "monospace"}[font] in family
    shot(page, f"label-{font}")


def test_the_keyboard_reaches_the_price_and_actions_of_a_large_product_at_once(page: Page, shop: str) -> None:
    page.goto(shop + "/products/renault-megane?Var1=B64")
    page.keyboard.press("Tab")  # the header's first link
    presses = 1
    while page.evaluate("(document.activeElement.innerText || '').trim()") != "Skip to the price and actions":
        page.keyboard.press("Tab")
        presses += 1
        assert presses < 10, "the skip link is not among the first stops"
    page.keyboard.press("Enter")
    assert _tab_to(page, "Complete it for me", 12) <= 12  # not the 137 stops of every option before it
    page.keyboard.press("Enter")
    expect(page.locator("#price")).to_be_focused()
    expect(page.locator("#progress .left")).to_have_text("Complete: every choice is made.")
    assert _tab_to(page, "Request a quote", 8) <= 8
    page.keyboard.press("Enter")
    expect(page.locator("#quote-title")).to_have_text(re.compile("^Your quote: "))
    expect(page.locator("#quote-choices")).to_contain_text("B64")
    shot(page, "megane-quote")


def test_an_emptied_quantity_holds_the_quote_back_until_it_is_given(page: Page) -> None:
    page.get_by_role("button", name="Complete it for me").first.click()
    quote = page.locator("#summary .keep").get_by_role("button", name="Request a quote")
    expect(quote).to_be_enabled()
    box = page.locator("#v-quantity")
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.wait_for_timeout(PAUSE_MS)
    expect(quote).to_be_disabled()
    expect(page.locator("#progress .left")).to_have_text("Still to choose: Bicycles")  # nothing else reopened
    expect(page.locator("#stepper li", has_text="Accessories")).to_have_class("open")  # its step is not done
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    shot(page, "quantity-emptied")
    page.keyboard.type("3")
    page.wait_for_timeout(PAUSE_MS)
    expect(quote).to_be_enabled()
    expect(page.locator("#stepper li", has_text="Accessories")).to_have_class("done")
    quote.click()
    expect(page.locator("#quote-title")).to_be_visible()
    expect(page.locator("#quote-quantity")).to_have_text("3")


def test_none_of_these_is_a_choice_that_excludes_the_values(page: Page) -> None:
    accessories = page.locator("#option-accessories")
    none = accessories.get_by_label("None of these")
    rack = accessories.get_by_label("Rear rack")
    expect(page.locator("#progress .left")).to_contain_text("Accessories")
    none.check()
    expect(page.locator("#progress .left")).not_to_contain_text("Accessories")
    rack.check()
    expect(none).not_to_be_checked()
    expect(page.locator("#price")).to_contain_text("€735.00")  # the rack's €45 on the €690 bike
    none.check()
    expect(rack).not_to_be_checked()
    expect(page.locator("#price")).to_contain_text("€690.00")
    expect(none).to_be_checked()
    _accessible(page)

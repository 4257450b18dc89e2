"""Regression (found by emptying the bike's quantity after "Complete it for me"): completing may choose none of a
multi choice's values (no accessories), which the form could not say back: its boxes all unticked sent nothing, so
the next change of any other option reopened the multi choice ("Still to choose: Accessories"), and a shopper who
wanted none could not say so. "None of these" is now a box of its own, ticked while it is the choice; a ticked
value beside it wins."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from configurator.app import create_app

NONE_TICKED = re.compile(r'name="accessories" value="__none__"\s+checked')
HEADERS = {"Origin": "http://testserver", "Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app(database_url="sqlite://", watch=False))


def _form(page: str) -> list[tuple[str, str]]:
    """The fields a browser sends from the page's form: hidden and typed fields, and the ticked boxes."""
    form = page.split('id="choices"', 1)[1].split("</form>", 1)[0]
    fields = []
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]*)"', tag)
        if name is None or (kind and kind.group(1) in ("checkbox", "radio") and "checked" not in tag):
            continue
        fields.append((unescape(name.group(1)), unescape(value.group(1)) if value else ""))
    return fields


def _post(client: TestClient, fields: list[tuple[str, str]]) -> str:
    answer = client.post("/products/city-bike", content=urlencode(fields), headers=HEADERS)
    assert answer.status_code == 200
    return answer.text


@pytest.mark.parametrize("ticked", [None, "rack"])
def test_none_of_the_accessories_stays_chosen_until_a_box_is_ticked(client: TestClient, ticked: str | None) -> None:
    start = client.get("/products/city-bike?rider_height=175").text
    page = _post(client, [*_form(start), ("do", "complete")])
    assert NONE_TICKED.search(page)  # completing chose no accessories
    fields = [(k, v) for k, v in _form(page) if k != "quantity"] + [("quantity", "2")]
    after = _post(client, fields + ([("accessories", ticked)] if ticked else []))
    progress = " ".join(unescape(re.sub(r"<[^>]+>", " ", after.split('id="progress"', 1)[1])).split())
    assert "Complete: every choice is made." in progress and "Still to choose" not in progress
    assert bool(re.search(r'value="rack"\s+checked', after)) == (ticked == "rack")
    assert bool(NONE_TICKED.search(after)) == (ticked is None)

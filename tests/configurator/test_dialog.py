"""The "help me choose" page: answers offered or disabled with the reason, the answers' choices shown in the normal
form with the answers kept and changeable, without JavaScript too."""

from __future__ import annotations

from html import unescape
from urllib.parse import parse_qsl, urlsplit

from fastapi.testclient import TestClient


def test_the_dialog_makes_the_choices_and_keeps_the_answers(keyed_shop: tuple[TestClient, str]) -> None:
    client, _ = keyed_shop
    assert "Not sure? Help me choose" in client.get("/products/city-bike").text
    page = client.get("/products/city-bike/help?answer.rider=short")
    assert page.status_code == 200
    text = unescape(page.text)
    assert 'value="child"' in text and "Small frames are too short for a child seat" in text
    fragment = client.get("/products/city-bike/help?answer.rider=short", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<form id="dialog"')
    shown = client.get("/products/city-bike/help?answer.rider=tall&answer.hills=steep&answer.carry=groceries&show=1",
                       follow_redirects=False)
    assert shown.status_code == 303
    query = dict(parse_qsl(urlsplit(shown.headers["location"]).query))
    assert query["rider_height"] == "190" and query["gears"] == "hub11" and query["accessories"] == "rack"
    assert query["answer.hills"] == "steep"
    product = unescape(client.get(shown.headers["location"]).text)
    assert "Your answers" in product and "Steep climbs" in product and "Change my answers" in product
    assert 'name="answer.hills" value="steep"' in product  # carried by every change of the form


def test_answers_that_leave_no_product_are_refused_with_a_message(keyed_shop: tuple[TestClient, str]) -> None:
    client, _ = keyed_shop
    refused = client.get("/products/city-bike/help?answer.rider=short&answer.carry=child&show=1",
                         follow_redirects=False)
    assert refused.status_code == 200 and "These answers leave no product" in refused.text
    unknown = client.get("/products/city-bike/help?answer.rider=giant&answer.nope=1")
    assert unknown.status_code == 200  # answers a product does not have are ignored
    assert client.get("/products/nope/help").status_code == 404


def test_a_change_in_the_form_keeps_the_answers(keyed_shop: tuple[TestClient, str]) -> None:
    client, _ = keyed_shop
    client.get("/products/city-bike")
    token = client.cookies.get("csrftoken")
    posted = client.post("/products/city-bike", data={"csrf": token, "gears": "hub8", "answer.hills": "rolling"},
                         follow_redirects=False)
    assert posted.status_code == 303 and "answer.hills=rolling" in posted.headers["location"]

"""Regression: "Complete it for me" under htmx priced accessories the form then showed unchecked: the completion's
multi choice came back as a set, which the page did not read as chosen values (the redirect without JavaScript
went through the query string and was right). A step's selection now always has the form's own shape."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from configurator.app import create_app


def test_a_completed_multi_choice_is_shown_checked() -> None:
    client = TestClient(create_app(database_url="sqlite://"))
    client.get("/products/city-bike")
    data = {"csrf": client.cookies["csrftoken"], "belt_drive": "true", "do": "complete", "was": "belt_drive=true"}
    page = client.post("/products/city-bike", data=data, headers={"HX-Request": "true"}).text
    priced = set(re.findall(r"<td>Accessories: ([^<]+)</td>", page))
    labels = dict(re.findall(r'value="(\w+)"\s+checked[^>]*>\s*<label for="[^"]+">\s*([^<+]+?)\s*(?:<|\+)', page))
    ids = {"rack", "fenders", "dynamo", "basket", "child_seat"}
    accessories = {value.strip() for key, value in labels.items() if key in ids}
    assert priced and accessories == priced

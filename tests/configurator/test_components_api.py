"""A product made of parts through the storefront API (issue 24): a component given as a list of instances,
completed into one, explained with the instance named, repaired, priced per instance; wrong shapes refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import app_client

URL = "/api/v1/products/wardrobe"
GLASS = {"width": 100, "doors": "glass", "shelves": 2, "drawers": 0, "finish": "oak"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """The app on the bundled catalog."""
    with app_client() as made:
        yield made


def _post(client: TestClient, path: str, body: dict[str, Any]) -> Any:
    answer = client.post(URL + path, json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_list_of_instances_completes_into_a_list_of_instances(client: TestClient) -> None:
    done = _post(client, "/complete", {"selections": {"wall_width": 300, "sections": [GLASS, {"width": 75}]}})
    selections = done["selections"]
    assert [part["width"] for part in selections["sections"]] == [100, 75]
    assert all(set(part) == {"width", "shelves", "drawers", "doors", "finish"} for part in selections["sections"])
    assert "~" not in str(selections) and not any("[" in key for key in selections)  # no absent sections
    priced = _post(client, "/price", {"selections": selections})
    labels = [line["label"] for line in priced["lines"]]
    assert "Section 1: Doors: Glass doors" in labels and "Section 2: Carcass" in labels
    assert not any(label.startswith("Section 3") for label in labels)


def test_a_third_glass_section_is_explained_by_the_other_two_by_name(client: TestClient) -> None:
    chosen = {"wall_width": 300, "sections": [GLASS, GLASS, {"width": 100}]}
    state = _post(client, "/configure", {"selections": chosen})
    assert state["consistent"] and "glass" not in state["domains"]["sections[3].doors"]
    why = _post(client, "/explain", {"selections": chosen, "option": "sections[3].doors", "value": "glass"})
    assert not why["possible"]
    said = " ".join(str(reason) for reason in why["because"])
    assert "Section 1: Doors" in said and "Section 2: Doors" in said
    assert "The frame carries glass doors on two sections at most." in said
    fix = _post(client, "/repair", {"selections": chosen, "option": "sections[3].doors", "value": "glass"})
    assert len(fix["drop"]) == 1 and fix["drop"][0] in ("sections[1].doors", "sections[2].doors")
    assert fix["selections"]["sections[3].doors"] == "glass" and fix["drop"][0] not in fix["selections"]
    assert _post(client, "/configure", {"selections": fix["selections"]})["consistent"]


@pytest.mark.parametrize("sections", [[{"width": 100}] * 21, [{"width": 100}, 3], [{"width": [100]}]])
def test_a_wrong_list_of_instances_is_a_clear_refusal(client: TestClient, sections: list[Any]) -> None:
    answer = client.post(URL + "/configure", json={"selections": {"sections": sections}})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "sections" in answer.text


def test_a_wrong_value_in_an_instance_is_a_violation_naming_it_and_absent_ones_are_not_shown(
    client: TestClient,
) -> None:
    state = _post(client, "/configure", {"selections": {"sections": [{"width": "wide"}]}})
    assert not state["consistent"]
    assert any(v["message"].startswith("Section 1: Width") for v in state["violations"])
    fine = _post(client, "/configure", {"selections": {"sections": 2}})
    assert "sections[2].doors" in fine["domains"] and "sections[3].doors" not in fine["domains"]
    assert "~" not in str(fine["domains"])

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


LAMPS = """\
id: lamp-rail
name: Lamp rail
currency: EUR
base_price: "50.00"
steps:
  - id: rail
    label: Rail
    options:
      - {id: length, type: number, label: Length, min: 1, max: 3}
components:
  - id: lamps
    label: Lamps
    item: Lamp
    min: 1
    max: 3
    options:
      - {id: colour, type: single, label: Colour, values: [{id: warm}, {id: cool}]}
      - {id: level, type: number, label: Brightness, min: 10, max: 100, step: 10, default: 50,
         customization: {timing: use}}
rules:
  - {id: fits, type: constraint, message: One lamp a metre at most., expr: lamps <= length}
"""


def test_a_setting_of_an_instance_is_adjusted_in_use_and_an_absent_one_is_not_offered(tmp_path: Any) -> None:
    from sqlmodel import Session

    from configurator.app import create_app
    from configurator.persistence.db import create_api_key

    (tmp_path / "lamp-rail.yaml").write_text(LAMPS)
    app = create_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)
    with Session(app.state.db) as db:
        key = create_api_key(db, "shop")
    client = TestClient(app)
    headers = {"X-API-Key": key}
    chosen = {"length": 2, "lamps": [{"colour": "warm", "level": 50}, {"colour": "cool", "level": 70}]}
    saved = client.post("/api/v1/configurations", headers=headers,
                        json={"product_id": "lamp-rail", "selections": chosen})
    assert saved.status_code == 201, saved.text
    saved_id = saved.json()["id"]
    card = client.get(f"/api/v1/configurations/{saved_id}/settings", headers=headers).json()
    assert card["settings"] == {"lamps[1].level": 50, "lamps[2].level": 70}  # no third lamp to set
    changed = client.post(f"/api/v1/configurations/{saved_id}/settings", headers=headers,
                          json={"settings": {"lamps[2].level": 90}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["settings"]["lamps[2].level"] == 90
    refused = client.post(f"/api/v1/configurations/{saved_id}/settings", headers=headers,
                          json={"settings": {"lamps[3].level": 90}})
    assert refused.status_code == 422
    from configurator.services import adjustments
    from configurator.services.catalogs import engine_of
    from configurator.views.settings_card import settings_card

    row, history = adjustments.load(app.state.db, saved_id, 1)
    engine = engine_of(app.state.served.catalog.products["lamp-rail"])
    shown = [setting.label for setting in settings_card(engine, row, history, "token").settings]
    assert shown == ["Lamp 1: Brightness", "Lamp 2: Brightness"]  # the page's card: no third lamp either
    app.state.db.dispose()

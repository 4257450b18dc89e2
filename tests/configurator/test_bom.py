"""The wardrobe's bill of materials and routing (issue 24), checked against cases worked out by hand from its
catalog file, through the engine, a quote made over the API, its JSON and its CSV read back, and the CLI."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from catalog.loader import load_product
from configurator.cli import app as cli
from configurator.services.making import bom_csv, bom_of, bom_record
from rules.engine import Engine, engine_for
from tests.conftest import BUNDLED

WARDROBE = BUNDLED / "wardrobe.yaml"

# Two sections on a 236 cm high frame: a 100 cm one with hinged doors, 3 shelves and 2 drawers; a 75 cm one with a
# mirror door and 4 shelves; all oak. By hand, from wardrobe.yaml:
#   sides: sections + 1 = 3 x SIDE-236 at 23.50 = 70.50; top and bottom: 2 x 175 / 100 = 3.5 m x 8.20 = 28.70;
#   plinth 1.75 m x 4.10 = 7.175 -> 7.18; screws 16 x 2 + 8 = 40 x 0.03 = 1.20; brackets 3 x 0.90 = 2.70.
#   Section 1: shelves 3 x 100 / 100 = 3 m x 6.40 = 19.20; back 1 m x 9.10; 2 hinged leaves (100 cm) x 21 = 42;
#     hinges 3 + 3 = 6 x 1.90 = 11.40; 2 drawer kits x 17.50 = 35; pins 12 x 0.08 = 0.96.
#   Section 2: shelves 4 x 0.75 = 3 m x 6.40 = 19.20; back 0.75 m x 9.10 = 6.825 -> 6.83; mirror leaf 52;
#     hinges 3 x 1.90 = 5.70; pins 16 x 0.08 = 1.28.
#   Material: 110.28 + 117.66 + 85.01 = 312.95.
#   Routing: cut-frame 6 + 3 x 2 = 12 min at 48/h = 9.60; assemble-frame 20 + 20 = 40 min at 36/h = 24.00;
#     pack 10 + 4 = 14 min at 30/h = 7.00; section 1: cut 2 x 3 + 2 = 8 min (6.40), edge-band 1.5 x 3 + 3 = 7.5 min
#     (5.25), assemble 12 + 12 + 5 = 29 min (17.40); section 2: cut 10 min (8.00), edge-band 6 + 3 = 9 min (6.30),
#     assemble 12 + 5 = 17 min (10.20). Labour: 94.15.
TWO = {
    "wall_width": 240, "height": "236", "frame_finish": "oak", "mixing": False,
    "sections": [{"width": 100, "doors": "hinged", "shelves": 3, "drawers": 2, "finish": "oak"},
                 {"width": 75, "doors": "mirror", "shelves": 4, "drawers": 0, "finish": "oak"}],
}
PARTS = [
    (1, "", "SIDE-236", "3", "70.50"), (1, "", "TOP-18", "3.5", "28.70"), (1, "", "PLINTH", "1.75", "7.18"),
    (1, "", "SCREW-4x30", "40", "1.20"), (1, "", "WALL-BRACKET", "3", "2.70"),
    (1, "", "Section 1", "1", None),
    (2, "Section 1", "SHELF-18", "3", "19.20"), (2, "Section 1", "BACK-236", "1", "9.10"),
    (2, "Section 1", "DOOR-HINGED", "2", "42.00"), (2, "Section 1", "HINGE-110", "6", "11.40"),
    (2, "Section 1", "DRAWER-KIT", "2", "35.00"), (2, "Section 1", "SHELF-PIN", "12", "0.96"),
    (1, "", "Section 2", "1", None),
    (2, "Section 2", "SHELF-18", "3", "19.20"), (2, "Section 2", "BACK-236", "0.75", "6.83"),
    (2, "Section 2", "DOOR-MIRROR", "1", "52.00"), (2, "Section 2", "HINGE-110", "3", "5.70"),
    (2, "Section 2", "SHELF-PIN", "16", "1.28"),
]
OPERATIONS = [
    ("", "cut-frame", "12", "9.60"), ("", "assemble-frame", "40", "24.00"), ("", "pack", "14", "7.00"),
    ("Section 1", "cut-shelves", "8", "6.40"), ("Section 1", "edge-band", "7.5", "5.25"),
    ("Section 1", "assemble-section", "29", "17.40"),
    ("Section 2", "cut-shelves", "10", "8.00"), ("Section 2", "edge-band", "9", "6.30"),
    ("Section 2", "assemble-section", "17", "10.20"),
]


@pytest.fixture(scope="module")
def wardrobe() -> Engine:
    """The bundled wardrobe's engine."""
    loaded = load_product(WARDROBE)
    return engine_for(loaded.product, loaded.content_hash)


def _parts(record: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(line["level"], line["assembly"], line["part"], line["quantity"], line["cost"])
            for line in record["lines"]]


def _operations(record: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(step["assembly"], step["operation"], step["minutes"], step["cost"]) for step in record["operations"]]


def test_a_two_section_wardrobe_has_the_hand_computed_bill_and_routing(wardrobe: Engine) -> None:
    record = bom_record(bom_of(wardrobe, TWO))
    assert _parts(record) == PARTS
    assert _operations(record) == OPERATIONS
    assert (record["material_cost"], record["labour_cost"], record["cost"]) == ("312.95", "94.15", "407.10")
    assert record["costed"] is True


def test_open_sections_use_no_doors_and_one_section_fewer_sides(wardrobe: Engine) -> None:
    one = {**TWO, "height": "200", "sections": [{"width": 50, "doors": "none", "shelves": 0, "drawers": 0,
                                                 "finish": "oak"}]}
    record = bom_record(bom_of(wardrobe, one))
    parts = {(line["assembly"], line["part"]): line["quantity"] for line in record["lines"]}
    assert parts[("", "SIDE-200")] == "2"  # sections + 1
    assert parts[("", "TOP-18")] == "1"  # 2 x 50 / 100
    assert parts[("Section 1", "BACK-200")] == "0.5"
    assert not any(part.startswith(("DOOR", "HINGE", "SHELF", "DRAWER")) for _, part in parts)  # none used
    assert ("Section 2", "BACK-200") not in parts  # an absent section uses nothing
    cut = next(step for step in record["operations"] if step["operation"] == "cut-shelves")
    assert cut["minutes"] == "2"


def test_an_incomplete_configuration_has_no_bill(wardrobe: Engine) -> None:
    from configurator.services.refusals import Refused

    with pytest.raises(Refused):
        bom_of(wardrobe, {"wall_width": 240, "sections": 2})


def test_the_csv_reads_back_as_the_record(wardrobe: Engine) -> None:
    record = bom_record(bom_of(wardrobe, TWO))
    rows = list(csv.DictReader(io.StringIO(bom_csv(record))))
    parts = [r for r in rows if r["kind"] != "operation"]
    steps = [r for r in rows if r["kind"] == "operation"]
    assert [(int(r["level"]), r["assembly"], r["part"], r["quantity"], r["cost"] or None) for r in parts] == PARTS
    assert [(r["assembly"], r["part"], r["minutes"], r["cost"]) for r in steps] == OPERATIONS
    assert sum(Decimal(r["cost"]) for r in rows if r["cost"]) == Decimal("407.10")


def test_a_formula_looking_description_is_quoted_in_the_csv() -> None:
    record = {"lines": [{"level": 1, "assembly": "", "part": "=HYPERLINK(1)", "description": "@SUM(A1)",
                         "unit": "pc", "quantity": "1", "kind": None, "unit_cost": None, "cost": None}],
              "operations": []}
    row = next(csv.DictReader(io.StringIO(bom_csv(record))))
    assert (row["part"], row["description"]) == ("'=HYPERLINK(1)", "'@SUM(A1)")


def test_a_quote_keeps_its_bill_and_serves_it_as_json_and_csv(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    made = client.post("/api/v1/quotes", headers={"X-API-Key": key},
                       json={"product_id": "wardrobe", "selections": TWO, "quantity": 2})
    assert made.status_code == 201, made.text
    quote = made.json()
    bom = client.get(f"/api/v1/quotes/{quote['id']}/bom", headers={"X-API-Key": key})
    assert bom.status_code == 200
    record = bom.json()
    assert _parts(record) == PARTS and _operations(record) == OPERATIONS
    assert record["units"] == 2 and record["order_cost"] == "814.20"
    net = Decimal(record["net"])
    assert net == Decimal(quote["total"])  # no tax on the wardrobe: its net is its total
    assert Decimal(record["margin"]) == net - Decimal("814.20")
    as_csv = client.get(f"/api/v1/quotes/{quote['id']}/bom", params={"format": "csv"}, headers={"X-API-Key": key})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) == len(PARTS) + len(OPERATIONS)
    other = client.get(f"/api/v1/quotes/{quote['id']}/bom")  # no key: not this quote's maker
    assert other.status_code == 401


def test_a_product_without_parts_has_no_bill(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    made = client.post("/api/v1/quotes", headers={"X-API-Key": key}, json={
        "product_id": "lighting-kit", "selections": {"bulbs": 4, "scene_wake": True, "scene_evening": "warm",
                                                     "brightness": 70, "away_mode": False}})
    assert made.status_code == 201, made.text
    missing = client.get(f"/api/v1/quotes/{made.json()['id']}/bom", headers={"X-API-Key": key})
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_the_cli_prints_the_bill_as_json_and_csv() -> None:
    runner = CliRunner()
    args = ["bom", str(WARDROBE), "wardrobe", "--selections", json.dumps(TWO)]
    shown = runner.invoke(cli, [*args, "--json"])
    assert shown.exit_code == 0, shown.output
    assert _parts(json.loads(shown.output)) == PARTS
    as_csv = runner.invoke(cli, [*args, "--csv"])
    assert as_csv.exit_code == 0 and as_csv.output.startswith("level,assembly,part")
    open_one = runner.invoke(cli, ["bom", str(WARDROBE), "wardrobe", "--selections", '{"sections": 2}'])
    assert open_one.exit_code == 1


def test_the_merchandiser_sees_each_quote_s_cost_margin_and_bill(tmp_path: Any) -> None:
    from sqlmodel import Session

    from configurator.app import create_app
    from configurator.persistence.db import create_api_key

    app = create_app(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)
    with Session(app.state.db) as db:
        admin, storefront = create_api_key(db, "merchandiser", admin=True), create_api_key(db, "shop")
    client = TestClient(app)
    quote = client.post("/api/v1/quotes", headers={"X-API-Key": storefront},
                        json={"product_id": "wardrobe", "selections": TWO}).json()
    assert client.get(f"/merchant/quotes/{quote['id']}/bom", follow_redirects=False).status_code == 303  # sign in
    client.get("/merchant")
    client.post("/merchant/login", data={"csrf": client.cookies.get("csrftoken"), "key": admin})
    page = client.get("/merchant").text
    assert f'href="/merchant/quotes/{quote["id"]}/bom"' in page
    assert "€407.10" in page  # the cost of the one unit quoted
    bill = client.get(f"/merchant/quotes/{quote['id']}/bom")
    assert bill.status_code == 200
    assert all(f"<code>{part}</code>" in bill.text for _, _, part, _, _ in PARTS)
    assert "Fit back, shelves, drawers and doors" in bill.text
    sheet = client.get(f"/merchant/quotes/{quote['id']}/bom.csv")
    assert sheet.status_code == 200 and sheet.text.startswith("level,assembly,part")
    assert client.get("/merchant/quotes/nothing/bom").status_code == 404
    app.state.db.dispose()

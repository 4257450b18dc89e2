"""Signals from the shop (issue 25, first part): recorded off the request path in batches, none lost in a burst,
on SQLite and PostgreSQL; nothing where a shop turns them off; old ones deleted; no personal data; a shopper's
journey in the shop recorded as it happened."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from sqlmodel import Session, col, func, select

from catalog.kinds import traits
from catalog.loader import load_catalog
from configurator.app import create_app
from configurator.persistence.db import Signal, make_engine, migrate
from configurator.services.signals import Event, Recorder, step_events
from tests.conftest import BUNDLED


def _count(recorder: Recorder) -> int:
    with Session(recorder.database) as db:
        return int(db.exec(select(func.count()).select_from(Signal)).one())


def test_a_burst_of_ten_thousand_signals_loses_none(database_url: str) -> None:
    database = make_engine(database_url)
    migrate(database)
    recorder = Recorder(database)
    recorder.record_all(Event("city-bike", "v1", f"s{i % 97}", "choice", "gears", "hub8") for i in range(10_000))
    assert _count(recorder) == 0  # recorded, not written: the request never waits for the database
    assert recorder.flush() == 10_000
    assert _count(recorder) == 10_000
    assert recorder.flush() == 0
    database.dispose()


def test_a_shop_with_signals_off_records_nothing_and_old_signals_go(tmp_path: Path) -> None:
    database = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(database)
    off = Recorder(database, enabled=False)
    off.record(Event("city-bike", "v1", "s", "started"))
    assert off.flush() == 0
    kept = Recorder(database, keep_days=90)
    now = datetime.now(UTC)
    kept.record_all([Event("city-bike", "v1", "old", "started", at=now - timedelta(days=91)),
                     Event("city-bike", "v1", "new", "started", at=now - timedelta(days=89))])
    kept.flush()
    assert kept.purge(now) == 1
    with Session(database) as db:
        assert [s.session for s in db.exec(select(Signal))] == ["new"]
    database.dispose()


DEMAND_TABLES = [
    ("signal", {"id", "product_id", "catalog_version", "session", "kind", "option", "value", "step", "at",
                "selection", "rules"}),
    ("demand_request", {"id", "product_id", "catalog_version", "option", "value", "selection", "rules", "note",
                        "created_at", "answer", "answer_text", "answered_at", "form_nonce"}),
]


@pytest.mark.parametrize(("table", "expected"), DEMAND_TABLES)
def test_demand_tables_hold_no_personal_data(tmp_path: Path, table: str, expected: set[str]) -> None:
    database = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(database)
    columns = {column["name"] for column in inspect(database).get_columns(table)}
    assert columns == expected
    assert not any(re.search(r"ip|addr|cookie|key|profile|agent|email|name", c) for c in columns - {"product_id"})
    database.dispose()


def test_a_recorded_selection_leaves_the_shoppers_words_out() -> None:
    product = load_catalog([BUNDLED]).products["coffee-gift-box"].product
    texts = [o.id for o in product.options() if traits(o).expression == "text"]
    assert texts  # the coffee box's label is the shopper's own words
    before = {texts[0]: "Happy birthday, Ada Lovelace", "box_size": "trio"}
    events = step_events(product, "v1", "s" * 16, "try:box_size=duo", before, before, True, "")
    assert [e.kind for e in events] == ["blocked", "completed"]
    assert all("Ada" not in (e.selection or "") and "box_size" in (e.selection or "") for e in events)


def test_a_journey_in_the_shop_is_recorded_as_it_happened(tmp_path: Path) -> None:
    app = create_app(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)
    client = TestClient(app)
    page = client.get("/products/city-bike")
    assert 'name="sid" value=""' in page.text  # the same page for everyone until the shopper does something
    token = client.cookies.get("csrftoken")
    hx = {"HX-Request": "true"}
    first = client.post("/products/city-bike", headers=hx, data={"csrf": token, "sid": "", "was": "",
                                                                  "belt_drive": "true"})
    session = re.search(r'name="sid" value="([^"]+)"', first.text)
    assert session is not None
    sid = session.group(1)
    client.post("/products/city-bike", headers=hx, data={"csrf": token, "sid": sid, "was": "belt_drive=true",
                                                          "belt_drive": "true", "do": "try:gears=single"})
    client.post("/products/city-bike", headers=hx, data={"csrf": token, "sid": sid, "was": "belt_drive=true",
                                                          "belt_drive": "true", "do": "keep:gears"})
    client.post("/products/city-bike/save", data={"csrf": token, "sid": sid, "state": "belt_drive=true"})
    app.state.signals.flush()
    with Session(app.state.db) as db:
        rows = list(db.exec(select(Signal).where(col(Signal.session) == sid).order_by(col(Signal.id))))
    assert [(r.kind, r.option, r.value) for r in rows] == [
        ("started", None, None), ("choice", "belt_drive", "true"), ("blocked", "gears", "single"),
        ("repair_declined", "gears", None), ("saved", None, None)]
    assert {r.product_id for r in rows} == {"city-bike"}
    app.state.db.dispose()


def test_without_javascript_the_session_travels_in_the_redirect(tmp_path: Path) -> None:
    app = create_app(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", watch=False)
    client = TestClient(app)
    client.get("/products/city-bike")
    token = client.cookies.get("csrftoken")
    moved = client.post("/products/city-bike", data={"csrf": token, "sid": "", "was": "", "belt_drive": "true"},
                        follow_redirects=False)
    assert moved.status_code == 303
    sid = re.search(r"[?&]sid=([\w-]+)", moved.headers["location"])
    assert sid is not None
    assert f'name="sid" value="{sid.group(1)}"' in client.get(moved.headers["location"]).text
    app.state.signals.flush()
    with Session(app.state.db) as db:
        kinds = [s.kind for s in db.exec(select(Signal).where(col(Signal.session) == sid.group(1)))]
    assert kinds == ["started", "choice"]
    app.state.db.dispose()


def test_the_merchandiser_sees_the_funnel_the_journeys_made(database_url: str, tmp_path: Path) -> None:
    """Three sessions: one leaves on the first step, one saves, one quotes; the page and the CSV say so."""
    from configurator.persistence.db import create_api_key
    from configurator.services.demand import funnels, funnels_csv
    from configurator.services.signals import SignalKind

    app = create_app(database_url=database_url, watch=False)
    with Session(app.state.db) as db:
        admin = create_api_key(db, "merchandiser", admin=True)
    recorder: Recorder = app.state.signals
    journeys: list[tuple[str, list[SignalKind]]] = [
        ("a" * 16, ["started", "choice"]), ("b" * 16, ["started", "choice", "completed", "saved"]),
        ("c" * 16, ["started", "completed", "quoted"])]
    for session, kinds in journeys:
        recorder.record_all(Event("city-bike", "v1", session, kind, step="frame") for kind in kinds)
    recorder.flush()
    [bike] = funnels(app.state.db)
    assert bike.counts == {"started": 3, "completed": 2, "saved": 1, "quoted": 1}
    assert bike.ended == {"frame": 1}  # the session that neither saved nor quoted
    assert funnels_csv([bike]).splitlines() == ["product,started,completed,saved,quoted,ended at frame",
                                                 "city-bike,3,2,1,1,1"]
    client = TestClient(app)
    client.get("/merchant")
    client.post("/merchant/login", data={"csrf": client.cookies.get("csrftoken"), "key": admin})
    page = client.get("/merchant").text
    row = ('<tr id="demand-city-bike"><td><a href="/merchant/demand/city-bike">city-bike</a></td><td>3</td>'
           '<td>2</td><td>1</td><td>1</td><td>frame: 1</td>')
    assert row in page
    assert client.get("/merchant/demand.csv").text == funnels_csv([bike])
    app.state.db.dispose()


@pytest.mark.parametrize(("action", "kinds"), [
    ("update", ["choice", "choice", "completed"]),  # the shopper chose both
    ("complete", ["completed"]),  # "Complete it for me" filled them in: no choice of the shopper's
    ("cheapest", ["completed"]),
])
def test_only_what_the_shopper_chose_is_a_choice(action: str, kinds: list[str]) -> None:
    product = load_catalog([BUNDLED]).products["city-bike"].product
    events = step_events(product, "v1", "s" * 16, action, {}, {"gears": "hub8", "belt_drive": True}, True, "")
    assert [e.kind for e in events] == kinds

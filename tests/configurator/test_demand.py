"""Demand reaches the merchandiser (issue 25): a shopper's journey through the shop (values reached for and found
blocked, a repair declined and one taken, a request with a note, a quote) read back on the demand page, in its
CSV files and the admin API exactly as it happened; the request's private link shows the answer and is deleted."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from configurator.persistence.db import DemandRequest, Signal, create_api_key
from configurator.services.asks import Ask, make_ask
from configurator.services.catalogs import engine_of
from configurator.services.demand import TREND_DAYS, demand_report
from configurator.services.refusals import NotPermitted

HX = {"HX-Request": "true"}
BELT = "belt-needs-hub"  # city-bike.yaml: "A belt drive needs a hub gear."


@pytest.fixture
def app(app_on_file: FastAPI) -> FastAPI:
    return app_on_file


def _keys(app: FastAPI) -> tuple[str, str]:
    with Session(app.state.db) as db:
        return create_api_key(db, "merchandiser", admin=True), create_api_key(db, "shop")


def _post(client: TestClient, sid: str, was: str, **fields: str) -> str:
    """One post of the product form, as htmx sends it; the session id it answers with."""
    data = {"csrf": client.cookies.get("csrftoken") or "", "sid": sid, "was": was, **fields}
    answer = client.post("/products/city-bike", headers=HX, data=data)
    assert answer.status_code == 200
    found = re.search(r'name="sid" value="([^"]+)"', answer.text)
    assert found is not None
    return found.group(1)


def _journeys(client: TestClient) -> str:
    """Two shoppers: one reaches for a single speed with a belt drive, declines the change and asks for it; the
    other reaches for it, takes the change, completes and quotes. The request's private link."""
    client.get("/products/city-bike")
    left = _post(client, "", "", belt_drive="true")
    _post(client, left, "belt_drive=true", belt_drive="true", do="try:gears=single")
    _post(client, left, "belt_drive=true", belt_drive="true", do="keep:gears")
    asked = client.post("/products/city-bike/ask", data={
        "csrf": client.cookies.get("csrftoken"), "state": "belt_drive=true", "want": "gears=single",
        "note": "Flat town, <b>no</b> hills"}, follow_redirects=False)
    assert asked.status_code == 303
    took = _post(client, "", "", belt_drive="true")
    _post(client, took, "belt_drive=true", belt_drive="true", do="try:gears=single")
    _post(client, took, "belt_drive=true", belt_drive="true", do="apply:gears=single")
    _post(client, took, "gears=single", gears="single", do="complete")
    return str(asked.headers["location"])


def test_the_demand_page_csv_and_api_say_what_the_shoppers_did(app: FastAPI) -> None:
    admin, storefront = _keys(app)
    client = TestClient(app)
    _journeys(client)
    app.state.signals.flush()
    report = demand_report(app.state.db, "city-bike")
    assert report.funnel.counts["started"] == 2 and report.funnel.counts["completed"] == 1
    [rule] = report.rules
    assert (rule.rule, rule.attempts, rule.sessions, rule.repaired, rule.left, rule.asked) == (BELT, 2, 2, 1, 1, 1)
    assert len(report.trend) == TREND_DAYS and report.trend[-1].counts == {"started": 2, "completed": 1, "quoted": 0}
    assert ("belt_drive", "true", 2) in {(v.option, v.value, v.sessions) for v in report.values}

    with Session(app.state.db) as db:  # under an earlier version: a hub gear reached for, a quote
        db.add(Signal(product_id="city-bike", catalog_version="earlier", session="e" * 16, kind="blocked",
                      option="gears", value="hub8", selection='{"belt_drive": true}'))
        db.add(Signal(product_id="city-bike", catalog_version="earlier", session="f" * 16, kind="blocked",
                      option="gears", value="single", selection='{"belt_drive": true}'))
        db.commit()
    client.get("/merchant")
    client.post("/merchant/login", data={"csrf": client.cookies.get("csrftoken"), "key": admin})
    page = unescape(client.get("/merchant/demand/city-bike").text)
    assert "1 of 2 values found blocked are offered now" in page  # the hub gear is, the single speed is not
    assert f'<tr id="rule-{BELT}"><th scope="row"><code>{BELT}</code><br>A belt drive needs a hub gear.</th>' \
           "<td>2</td><td>2</td><td>1</td><td>1</td><td>1</td></tr>" in page
    assert "Gears: Single speed" in page and "Flat town, <b>no</b> hills" in page  # the note, as written
    assert '<svg id="funnel-chart" role="img"' in page and '<svg id="trend-chart" role="img"' in page
    rows = list(csv.reader(io.StringIO(client.get("/merchant/demand/city-bike/rules.csv").text)))
    assert rows == [["rule", "attempts", "sessions", "repaired", "left", "asked"], [BELT, "2", "2", "1", "1", "1"]]
    for table in ("funnel", "values", "trend", "asks"):
        assert client.get(f"/merchant/demand/city-bike/{table}.csv").status_code == 200
    assert client.get("/merchant/demand/city-bike/nothing.csv").status_code == 404

    api = client.get("/api/v1/demand/city-bike", headers={"X-API-Key": admin}).json()
    assert api["rules"] == [{"rule": BELT, "attempts": 2, "sessions": 2, "repaired": 1, "left": 1, "asked": 1}]
    assert api["asks"][0]["note"] == "Flat town, <b>no</b> hills" and "id" not in api["asks"][0]
    assert client.get("/api/v1/demand/city-bike", headers={"X-API-Key": storefront}).status_code == 403
    assert client.get("/api/v1/demand/city-bike").status_code == 401


def test_a_request_is_answered_read_by_its_link_and_deleted(app: FastAPI) -> None:
    admin, _storefront = _keys(app)
    client = TestClient(app)
    link = _journeys(client)
    mine = client.get(link)
    assert mine.headers["cache-control"] == "no-store" and "No answer yet" in mine.text
    ask_id = link.rsplit("/", 1)[-1]
    token = client.cookies.get("csrftoken")
    assert client.post(f"/merchant/asks/{ask_id}", data={"csrf": token, "answer": "refuse", "reason": "x"},
                       follow_redirects=False).headers["location"] == "/merchant"  # not signed in: nothing
    client.post("/merchant/login", data={"csrf": token, "key": admin})
    refused = client.post(f"/merchant/asks/{ask_id}", data={"csrf": token, "answer": "refuse", "reason": ""})
    assert refused.status_code == 403  # "not possible" needs the reason the shopper will read
    answered = client.post(f"/merchant/asks/{ask_id}", data={
        "csrf": token, "answer": "refuse", "reason": "A belt needs a straight chain line: a hub gear."},
        follow_redirects=False)
    assert answered.headers["location"] == f"/merchant/demand/city-bike#ask-{ask_id}"
    shown = unescape(client.get(link).text)
    assert "Not possible:" in shown and "A belt needs a straight chain line: a hub gear." in shown
    assert client.post(f"{link}/delete", data={"csrf": token}).status_code == 200
    assert client.get(link).status_code == 404
    with Session(app.state.db) as db:
        assert db.exec(select(func.count()).select_from(DemandRequest)).one() == 0


@pytest.mark.parametrize(("selection", "option", "value", "why"), [
    ({"belt_drive": True}, "gears", "hub8", "offered"),  # possible: nothing to ask for
    ({}, "gears", "nine-speed", "no such value"),
    ({}, "no_such_option", "x", "no such value"),
])
def test_a_request_for_nothing_is_refused_and_not_stored(
    app: FastAPI, selection: dict[str, object], option: str, value: str, why: str
) -> None:
    engine = engine_of(app.state.served.catalog.products["city-bike"])
    with pytest.raises(NotPermitted, match=why):
        make_ask(app.state.db, engine, "v1", Ask("city-bike", "v1", option, value, selection))
    with Session(app.state.db) as db:
        assert db.exec(select(func.count()).select_from(DemandRequest)).one() == 0


def test_the_same_ask_form_sent_twice_is_one_request(app: FastAPI) -> None:
    client = TestClient(app)
    form = client.get("/products/city-bike/ask?want=gears%3Dsingle&belt_drive=true").text
    found = re.search(r'name="nonce" value="([^"]+)"', form)
    assert found is not None
    data = {"csrf": client.cookies.get("csrftoken"), "state": "belt_drive=true", "want": "gears=single",
            "nonce": found.group(1)}
    first = client.post("/products/city-bike/ask", data=data, follow_redirects=False)
    again = client.post("/products/city-bike/ask", data=data, follow_redirects=False)  # a second click
    assert first.headers["location"] == again.headers["location"]
    other = client.post("/products/city-bike/ask", data={**data, "nonce": "another form"}, follow_redirects=False)
    assert other.headers["location"] != first.headers["location"]
    with Session(app.state.db) as db:
        assert db.exec(select(func.count()).select_from(DemandRequest)).one() == 2

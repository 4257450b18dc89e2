"""Whatever `configurator check` accepts serves: random catalogs of every shape the language allows (no choice
options at all, only text, number or quantity options, one value, rules over numbers only, single-row tables,
every price rule kind) are dropped into a served folder; each one check accepts is reloaded, and every endpoint
and page answers without a 5xx, with nothing stored for a refused request."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from configurator.app import create_app
from configurator.persistence.db import create_api_key
from configurator.services.catalogs import load_compiled
from configurator.services.reloader import reload_catalog
from tests.conftest import stored_rows

Option = dict[str, Any]
ids = st.sampled_from(["a", "b", "c"])


def _choice(kind: str, name: str, draw: st.DrawFn) -> Option:
    values = [{"id": f"v{j}", "price": str(draw(st.integers(-5, 20)))} for j in range(draw(st.integers(1, 3)))]
    for value in values:
        value.update(draw(st.sampled_from([{}, {"swatch": "#1e5aa8"}, {"image": "pictures/a.png"},
                                           {"default": True}, {"price_percent": "5"}, {"label": "<i>x</i>"}])))
    option: Option = {"id": name, "type": kind, "label": name.upper(), "values": values}
    if kind == "multi":
        low = draw(st.integers(0, len(values)))
        option.update(min=low, max=draw(st.integers(low, len(values))))
    return option


def _option(draw: st.DrawFn, name: str) -> Option:
    kind = draw(st.sampled_from(["single", "multi", "boolean", "number", "text", "quantity"]))
    option = _choice(kind, name, draw) if kind in ("single", "multi") else _plain_option(kind, name, draw)
    facts = draw(st.sampled_from([{}, {"changes_product": True}, {"changes_representation": True},
                                  {"timing": "use"}, {"inferred_from": "size"}]))
    if facts:
        option["customization"] = facts
    return option


def _plain_option(kind: str, name: str, draw: st.DrawFn) -> Option:
    option: Option = {"id": name, "type": kind, "label": name.upper()}
    if kind == "boolean":
        option["price"] = str(draw(st.integers(0, 9)))
    elif kind == "number":
        low = draw(st.integers(-3, 3))
        step = draw(st.sampled_from(["1", "0.5", "2"]))
        option.update(min=low, max=low + draw(st.integers(0, 4)), step=step)
    elif kind == "text":
        option.update(max_length=draw(st.integers(1, 12)), required=draw(st.booleans()))
        if draw(st.booleans()):
            option["pattern"] = "[A-Z]*"
    else:
        low = draw(st.integers(1, 3))
        option.update(min=low, max=low + draw(st.integers(0, 5)))
    return option


def _atom(option: Option) -> str:
    name = option["id"]
    match option["type"]:
        case "single":
            return f'{name} == "{option["values"][-1]["id"]}"'
        case "multi":
            return f'"{option["values"][0]["id"]}" in {name}'
        case "boolean":
            return name
        case "number" | "quantity":
            return f"{name} >= {option['min']}"
        case _:
            return f'{name} != ""'


def _table(draw: st.DrawFn, options: list[Option]) -> dict[str, Any] | None:
    columns = [o for o in options if o["type"] in ("single", "boolean", "number")][:2]
    if not columns:
        return None
    rows = []
    for _ in range(draw(st.integers(1, 2))):
        row: list[Any] = []
        for column in columns:
            match column["type"]:
                case "single":
                    row.append(draw(st.sampled_from([v["id"] for v in column["values"]])))
                case "boolean":
                    row.append(draw(st.booleans()))
                case _:
                    row.append(column["min"])
        rows.append(row)
    mode = draw(st.sampled_from(["allowed", "forbidden"]))
    return {"type": "table", "message": "Table.", "columns": [c["id"] for c in columns], "rows": rows, "mode": mode}


@st.composite
def catalogs(draw: st.DrawFn) -> dict[str, Any]:
    """A product of 1 to 4 options of any type in 1 or 2 steps, with random rules and price rules."""
    options = [_option(draw, f"o{i}") for i in range(draw(st.integers(1, 4)))]
    split = draw(st.integers(1, len(options)))
    steps = [{"id": "s1", "label": "First", "options": options[:split]}]
    if options[split:]:
        steps.append({"id": "s2", "label": "Second", "options": options[split:]})
    rules: list[dict[str, Any]] = []
    for r in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["requires", "excludes", "constraint", "table", "numbers"]))
        first, second = draw(st.sampled_from(options)), draw(st.sampled_from(options))
        if kind in ("requires", "excludes"):
            rule: dict[str, Any] | None = {"type": kind, "message": "Rule.", "if": _atom(first), "then": _atom(second)}
        elif kind == "constraint":
            rule = {"type": "constraint", "message": "Rule.", "expr": f"{_atom(first)} or {_atom(second)}"}
        elif kind == "numbers":
            numbers = [o["id"] for o in options if o["type"] in ("number", "quantity")]
            rule = None if not numbers else {"type": "constraint", "message": "Sum.",
                                             "expr": f"{' + '.join(numbers)} <= {draw(st.integers(0, 8))}"}
        else:
            rule = _table(draw, options)
        if rule is not None:
            rules.append({"id": f"r{r}", **rule})
    pricing: list[dict[str, Any]] = []
    numbers = [o["id"] for o in options if o["type"] == "number"]
    if numbers and draw(st.booleans()):
        pricing.append({"id": "f", "type": "formula", "label": "Size", "expr": f"{numbers[0]} * 2"})
    if draw(st.booleans()):
        pricing.append({"id": "d", "type": draw(st.sampled_from(["surcharge", "discount"])), "label": "Adjust",
                        "if": _atom(options[0]), "percent": "10"})
    if draw(st.booleans()):
        pricing.append({"id": "t", "type": "tiers", "label": "Volume", "tiers": [{"min": 2, "amount": "-1"}]})
    product = {"id": "random", "name": "Random <b>&", "currency": "EUR", "base_price": "10.00", "steps": steps,
               "rules": rules, "pricing": pricing}
    if draw(st.booleans()):
        product["components"] = [_component(draw)]
        part = product["components"][0]["options"][0]
        rules.append({"id": "parts-few", "type": "constraint", "message": "Few parts.",
                      "expr": f"count(parts where {_atom(part)}) <= {draw(st.integers(0, 2))}"})
    choices = [o for o in options if o["type"] in ("single", "multi")]
    if draw(st.booleans()):
        product["preview"] = {"width": 100, "height": 100, "layers": _layers(draw, options)}
    if choices and draw(st.booleans()):
        first = choices[0]
        value = first["values"][0]["id"]
        product["questions"] = [{"id": "q", "text": "Which?", "answers": [
            {"id": "a", "label": "A", "choose": {first["id"]: [value] if first["type"] == "multi" else value}},
            {"id": "b", "label": "B", "prefer": {first["id"]: [value] if first["type"] == "multi" else value}}]}]
    if draw(st.booleans()):
        product["price_lists"] = [{"id": "usd", "currency": "USD", "base_price": "12.00", "tax_rate": "20",
                                   "precision": draw(st.integers(0, 3))}]
    options_without = [o for o in options if not o.get("values") or all("default" not in v for v in o["values"])]
    singles = [o for o in options_without if o["type"] == "single"]
    if singles and draw(st.booleans()):
        rules.append({"id": "dflt", "type": "default", "message": "Suggested.", "option": singles[0]["id"],
                      "value": singles[0]["values"][-1]["id"]})
    return product


def _component(draw: st.DrawFn) -> dict[str, Any]:
    """A component of 0-1 to 1-3 instances with options of any kind a part may have, a rule, a price and a part."""
    options = []
    for i in range(draw(st.integers(1, 2))):
        option = _option(draw, f"p{i}")
        options.append(option if option["type"] != "quantity" else {"id": f"p{i}", "type": "boolean"})
    low = draw(st.integers(0, 1))
    return {"id": "parts", "label": "Parts", "item": "Part", "min": low, "max": draw(st.integers(max(low, 1), 3)),
            "options": options,
            "rules": [{"id": "own", "type": "requires", "message": "Own.", "if": _atom(options[0]),
                       "then": _atom(options[-1])}] if draw(st.booleans()) else [],
            "pricing": [{"id": "each", "type": "surcharge", "label": "Each", "amount": "2", "if": _atom(options[0])}],
            "bom": [{"part": "P-1", "quantity": "1", "cost": "1.50"}]}


def _layers(draw: st.DrawFn, options: list[Option]) -> list[dict[str, Any]]:
    layers: list[dict[str, Any]] = [{"type": "rect", "x": 0, "y": 0, "width": 100, "height": 100}]
    for option in options:
        if option["type"] == "single" and draw(st.booleans()):
            layers.append({"type": "circle", "x": 50, "y": 50, "r": 20, "fill_from": option["id"]})
            layers.append({"type": "image", "width": 10, "height": 10, "image_from": option["id"],
                           "if": _atom(option)})
        elif option["type"] in ("text", "number", "quantity", "boolean") and draw(st.booleans()):
            layers.append({"type": "text", "x": 5, "y": 5, "text_from": option["id"]})
    return layers


# Values of every JSON shape, right and wrong for each option type.
values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 30), st.sampled_from(["v0", "v1", "v2", "1", "2.5", "", "ABC", "x y"]),
    st.lists(st.sampled_from(["v0", "v1", "v2", "zz"]), max_size=3), st.just([[1]]), st.just({"a": 1}),
    st.decimals(-5, 30, places=2, allow_nan=False).map(float),
    st.text(string.ascii_letters, max_size=14),
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path, str]]:
    """An app over an empty folder the test fills, and a storefront key."""
    folder = tmp_path_factory.mktemp("catalog")
    app = create_app(folder, f"sqlite:///{tmp_path_factory.mktemp('db') / 'db.sqlite'}", watch=False)
    with Session(app.state.db) as db:
        key = create_api_key(db, "shop")
    yield TestClient(app, raise_server_exceptions=False), folder, key
    app.state.db.dispose()


def _post(client: TestClient, path: str, body: Any, key: str | None = None) -> Any:
    """POST JSON; a refused request (4xx) must store nothing, and no request may answer 5xx."""
    before = stored_rows(client)
    headers = {"X-API-Key": key} if key else {}
    answer = client.post(path, content=json.dumps(body), headers={"Content-Type": "application/json", **headers})
    assert answer.status_code < 500, (path, body, answer.text)
    if answer.status_code >= 400:
        assert stored_rows(client) == before, (path, body)
    return answer


NAMES = ["o0", "o1", "o2", "o3", "parts", "parts[1].p0", "parts[2].p1", "parts[4].p0"]


@given(data=catalogs(), picks=st.lists(st.tuples(st.sampled_from(NAMES), values), max_size=6))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_every_catalog_check_accepts_serves_every_endpoint(
    served: tuple[TestClient, Path, str], data: dict[str, Any], picks: list[tuple[str, Any]]
) -> None:
    client, folder, key = served
    (folder / "random.yaml").write_text(json.dumps(data))
    assume(not load_compiled([folder]).errors)  # what `configurator check` accepts
    catalog = reload_catalog(client.app.state.served, folder)  # type: ignore[attr-defined]
    assert "random" in catalog.products and not catalog.kept
    selection = dict(picks)
    api = "/api/v1/products/random"
    for path in ("/api/v1/products", api, f"{api}/classification", "/products/random", "/products/random/help",
                 "/", "/faces", f"/products/random?{'&'.join(f'{k}={v}' for k, v in selection.items())}"):
        answer = client.get(path)
        assert answer.status_code < 500, (path, answer.text)
    configured = _post(client, f"{api}/configure", {"selections": selection})
    completed = _post(client, f"{api}/complete", {"selections": selection})
    _post(client, f"{api}/complete", {"selections": {}})
    full = completed.json()["selections"] if completed.status_code == 200 else {}
    for body in ({"selections": full}, {"selections": selection, "quantity": 3}):
        _post(client, f"{api}/price", body)
    _post(client, f"{api}/price/batch", {"items": [{"selections": full}, {"selections": selection}]})
    for option, value in picks:
        _post(client, f"{api}/explain", {"selections": selection, "option": option, "value": value})
        _post(client, f"{api}/repair", {"selections": selection, "option": option, "value": value})
    _post(client, f"{api}/suggestions", {"selections": selection})
    for chosen in (full, selection):
        quote = _post(client, "/api/v1/quotes", {"product_id": "random", "selections": chosen}, key)
        saved = _post(client, "/api/v1/configurations", {"product_id": "random", "selections": chosen}, key)
        if saved.status_code == 201:
            saved_id = saved.json()["id"]
            assert client.get(f"/api/v1/configurations/{saved_id}", headers={"X-API-Key": key}).status_code == 200
            assert client.get(f"/c/{saved_id}").status_code < 500
            _post(client, f"/api/v1/configurations/{saved_id}/settings", {"settings": selection}, key)
        if quote.status_code == 201:
            assert client.get(f"/quotes/{quote.json()['id']}").status_code < 500
    assert configured.status_code in (200, 422)
    if full:
        total = _post(client, f"{api}/price", {"selections": full}).json().get("total")
        assert total is None or Decimal(total).is_finite()

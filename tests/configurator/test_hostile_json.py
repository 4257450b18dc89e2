"""Arbitrary JSON (any nesting, lone surrogates, NaN and Infinity, huge and tiny numbers, null) as selection values
and quantities on every endpoint that takes them: never a 5xx, and never a stored row for a refused request."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import COMPLETE_BIKE, stored_rows

# Text drawn from every code point, lone surrogates included (Hypothesis leaves them out by default).
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(10**60), 10**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=False, allow_infinity=False).map(str)
    | ANY_TEXT
    | st.sampled_from(["175", "175.0000000000000000000000000000001", "１７５", "1_75", "rack", "hub8", "M"])
)
JSON_VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=3)
)


class Raw(str):
    """JSON text spliced in as it is."""


DEEP = st.integers(1, 1000).map(lambda depth: Raw("[" * depth + "]" * depth))
OPTION_IDS = st.sampled_from([*COMPLETE_BIKE, "quantity", "engraving"]) | ANY_TEXT
ENDPOINTS = ["configure", "complete", "price", "price/batch", "quotes", "configurations"]


def _body(endpoint: str, selections: str, quantity: str | None) -> tuple[str, str]:
    """The URL and the raw JSON text (NaN, Infinity and deep nesting spliced in as text)."""
    extra = "" if quantity is None else f', "quantity": {quantity}'
    item = f'{{"selections": {selections}{extra}}}'
    if endpoint == "price/batch":
        return "/api/v1/products/city-bike/price/batch", f'{{"items": [{item}]}}'
    if endpoint in ("quotes", "configurations"):
        return f"/api/v1/{endpoint}", f'{{"product_id": "city-bike", "selections": {selections}{extra}}}'
    return f"/api/v1/products/city-bike/{endpoint}", item


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    changes=st.dictionaries(OPTION_IDS, JSON_VALUES | DEEP, max_size=3),
    quantity=st.none() | JSON_VALUES.map(lambda v: Raw(json.dumps(v))) | DEEP,
)
def test_hostile_values_never_cause_a_server_error_or_a_stray_row(
    keyed_shop: tuple[TestClient, str], endpoint: str, changes: dict[str, Any], quantity: str | None
) -> None:
    client, key = keyed_shop
    chosen = {**COMPLETE_BIKE, **changes}
    members = [f"{json.dumps(k)}: {v if isinstance(v, Raw) else json.dumps(v)}" for k, v in chosen.items()]
    url, text = _body(endpoint, "{" + ", ".join(members) + "}", quantity)
    before = stored_rows(client)
    response = client.post(url, content=text.encode(), headers={"content-type": "application/json", "X-API-Key": key})
    assert response.status_code < 500, response.text
    json.loads(response.content)  # every answer is standard JSON
    if response.status_code == 201:
        kind = "quotes" if endpoint == "quotes" else "configurations"
        back = client.get(f"/api/v1/{kind}/{response.json()['id']}", headers={"X-API-Key": key})
        assert back.status_code == 200 and back.content == response.content
    else:
        assert stored_rows(client) == before

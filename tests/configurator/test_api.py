"""The storefront JSON API over the bundled catalog."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from configurator.app import create_app
from tests.conftest import COMPLETE_BIKE


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(database_url="sqlite://"))


def test_products_carry_their_face(client: TestClient) -> None:
    listed = client.get("/api/v1/products").json()
    faces = {p["id"]: p["faces"] for p in listed}
    # The product's own face first, then every other face one of its options has.
    assert faces["city-bike"] == ["collaborative", "transparent"]
    assert faces["eyeglasses"] == ["collaborative", "transparent", "cosmetic"]
    assert faces["coffee-gift-box"] == ["cosmetic"]
    assert faces["detergent-subscription"] == ["transparent"]
    assert faces["lighting-kit"] == ["adaptive"]
    assert all(p["face"] == p["faces"][0] for p in listed)


def test_the_classification_endpoint_gives_profile_reasons_and_options(client: TestClient) -> None:
    body = client.get("/api/v1/products/eyeglasses/classification").json()
    assert set(body) >= {"product", "face", "profile", "reasons", "options"}
    assert (body["product"], body["face"]) == ("eyeglasses", "collaborative")
    assert body["profile"] == {"collaborative": 0.0, "transparent": 0.9, "cosmetic": 0.1, "adaptive": 0.0}
    assert {o["option"]: o["face"] for o in body["options"]}["case"] == "cosmetic"
    assert all(set(o) == {"option", "face", "reason"} for o in body["options"])
    assert client.get("/api/v1/products/nope/classification").status_code == 404


def test_product_detail_and_unknown_product(client: TestClient) -> None:
    detail = client.get("/api/v1/products/city-bike").json()
    assert [o["id"] for o in detail["steps"][0]["options"]] == ["rider_height", "frame_size", "material", "color"]
    missing = client.get("/api/v1/products/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["status"] == 404


def test_configure_partial_gives_domains_and_a_from_price(client: TestClient) -> None:
    body = client.post("/api/v1/products/city-bike/configure", json={"selections": {"belt_drive": True}}).json()
    assert (body["consistent"], body["complete"]) == (True, False)
    assert body["domains"]["gears"] == ["hub8", "hub11"]
    assert body["price"]["label"] == "from"
    # cheapest: base 690 + belt 120 + hub8 140 = 950
    assert body["price"]["total"] == "950.00"


def test_configure_complete_prices_in_full(client: TestClient) -> None:
    body = client.post("/api/v1/products/city-bike/configure", json={"selections": COMPLETE_BIKE}).json()
    assert body["complete"] and body["price"]["label"] == "total"
    assert Decimal(body["price"]["total"]) == Decimal("690.00") + 140 + 120 + 45


def test_price_ignores_client_prices(client: TestClient) -> None:
    response = client.post(
        "/api/v1/products/city-bike/price",
        json={"selections": COMPLETE_BIKE, "quantity": 5, "total": "1.00", "price": 1},
    )
    assert response.status_code == 200
    body = response.json()
    lines = [(line["label"], line["amount"]) for line in body["lines"]]
    assert ("Base price", "3450.00") in lines
    assert Decimal(body["total"]) == (Decimal("690.00") + 140 + 120 + 45) * 5 * Decimal("0.95")


@pytest.mark.parametrize(
    ("selections", "expected"),
    [
        ({"belt_drive": True, "gears": "single"}, "A belt drive needs a hub gear."),
        ({"frame_size": "M"}, "Rider height: no value chosen yet"),
    ],
)
def test_price_refuses_inconsistent_or_incomplete(
    client: TestClient, selections: dict[str, Any], expected: str
) -> None:
    response = client.post("/api/v1/products/city-bike/price", json={"selections": selections})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["violations"][0]["message"].startswith(expected)
    named = response.json()["violations"][0]
    assert named["rule"] == "belt-needs-hub" or named["option"] == "rider_height"


def test_complete_extends_or_refuses(client: TestClient) -> None:
    done = client.post("/api/v1/products/city-bike/complete", json={"selections": {"belt_drive": True}}).json()
    assert done["selections"]["belt_drive"] is True and done["selections"]["gears"] in ("hub8", "hub11")
    refused = client.post(
        "/api/v1/products/city-bike/complete", json={"selections": {"belt_drive": True, "gears": "single"}}
    )
    assert refused.status_code == 422
    assert refused.json()["violations"][0]["rule"] == "belt-needs-hub"


def test_batch_prices_each_item(client: TestClient) -> None:
    items = [{"selections": COMPLETE_BIKE}, {"selections": {"frame_size": "M"}}]
    results = client.post("/api/v1/products/city-bike/price/batch", json={"items": items}).json()["results"]
    assert results[0]["total"] == "995.00"
    assert results[1]["status"] == 422


def test_bad_requests_are_problems(client: TestClient) -> None:
    malformed = client.post(
        "/api/v1/products/city-bike/price", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400 and malformed.json()["title"] == "Malformed JSON"
    huge = client.post("/api/v1/products/city-bike/price", content=b"x" * (1024 * 1024 + 1))
    assert huge.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"x" * 65536

    streamed = client.post("/api/v1/products/city-bike/price", content=chunks())
    assert streamed.status_code == 413 and streamed.headers["content-type"] == "application/problem+json"
    wrong = client.post("/api/v1/products/city-bike/price", json={"selections": COMPLETE_BIKE, "quantity": 0})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["path"] == "body/quantity"


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/products",
        "/api/v1/products/{product_id}/price",
        "/api/v1/products/{product_id}/configure",
    } <= set(spec["paths"])
    assert "400" in spec["paths"]["/api/v1/products/{product_id}/price"]["post"]["responses"]


def test_explain_names_a_minimal_set_of_rules_and_choices(client: TestClient) -> None:
    body = {"selections": {"belt_drive": True, "frame_size": "M"}, "option": "gears", "value": "single"}
    answer = client.post("/api/v1/products/city-bike/explain", json=body)
    assert answer.status_code == 200
    assert answer.json() == {
        "possible": False,
        "because": [
            {"kind": "rule", "id": "belt-needs-hub", "message": "A belt drive needs a hub gear."},
            {"kind": "choice", "id": "belt_drive", "message": "Belt drive instead of chain"},
        ],
    }
    possible = client.post("/api/v1/products/city-bike/explain", json={**body, "value": "hub8"}).json()
    assert possible == {"possible": True, "because": []}


def test_repair_drops_the_fewest_choices(client: TestClient) -> None:
    body = {"selections": {"belt_drive": True, "frame_size": "M"}, "option": "gears", "value": "single"}
    answer = client.post("/api/v1/products/city-bike/repair", json=body)
    assert answer.status_code == 200
    assert answer.json() == {"drop": ["belt_drive"], "selections": {"frame_size": "M", "gears": "single"}}
    unknown = client.post("/api/v1/products/city-bike/repair", json={**body, "option": "nope"})
    assert unknown.status_code == 422 and unknown.headers["content-type"] == "application/problem+json"


def test_complete_prices_and_quotes_carry_the_variant(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    glasses = {
        "lens_width": 52, "bridge": 18, "temple": 140, "material": "acetate", "frame_color": "black",
        "lens_type": "single_vision", "sphere": "-1.50", "coatings": [], "engraving": "", "case": "standard",
    }
    plain = client.post("/api/v1/products/eyeglasses/price", json={"selections": glasses}).json()
    boxed = client.post("/api/v1/products/eyeglasses/price", json={"selections": {**glasses, "case": "gift"}}).json()
    other = client.post("/api/v1/products/eyeglasses/price", json={"selections": {**glasses, "bridge": 20}}).json()
    assert plain["variant"] and plain["variant"] == boxed["variant"] != other["variant"]
    assert plain["total"] != boxed["total"]  # presentation is priced, on a line of its own
    partial = client.post("/api/v1/products/eyeglasses/configure", json={"selections": {}}).json()
    assert partial["price"]["label"] == "from" and partial["price"]["variant"] is None
    made = client.post("/api/v1/quotes", headers={"X-API-Key": key},
                       json={"product_id": "eyeglasses", "selections": {**glasses, "case": "gift"}}).json()
    assert made["variant"] == plain["variant"]
    assert client.get(f"/api/v1/quotes/{made['id']}", headers={"X-API-Key": key}).json()["variant"] == plain["variant"]

"""The API in the shopper's language: a product's words from its companion files, chosen by `lang` or
Accept-Language and said in Content-Language; ids, values, prices and versions the same in every language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import app_client

BIKE = {"rider_height": 175, "frame_size": "M", "material": "steel", "color": "black", "gears": "hub8",
        "belt_drive": True, "accessories": ["rack"]}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with app_client() as made:
        yield made


def _ids(data: Any) -> Any:
    """The product with every word left out: what must not change with the language."""
    if isinstance(data, dict):
        return {k: _ids(v) for k, v in data.items()
                if k not in ("name", "description", "label", "message", "text", "unit", "face_reason", "language")}
    if isinstance(data, list):
        return [_ids(v) for v in data]
    return data


@pytest.mark.parametrize(("query", "header", "language", "name", "size"), [
    ("", None, "en", "Made-to-order city bicycle", "Frame size"),
    ("?lang=de", None, "de", "Stadtrad nach Maß", "Rahmengröße"),
    ("", "fr-CH, fr;q=0.9, en;q=0.5", "fr", "Vélo de ville sur mesure", "Taille du cadre"),
    ("?lang=it", "de", "de", "Stadtrad nach Maß", "Rahmengröße"),  # not offered: the header decides
])
def test_a_product_in_the_language_asked_for(
    client: TestClient, query: str, header: str | None, language: str, name: str, size: str
) -> None:
    answer = client.get(f"/api/v1/products/city-bike{query}", headers={"Accept-Language": header} if header else {})
    assert answer.status_code == 200
    assert answer.headers["content-language"] == language and "Accept-Language" in answer.headers["vary"]
    body = answer.json()
    assert (body["name"], body["language"], body["languages"]) == (name, language, ["en", "de", "fr"])
    assert body["steps"][0]["options"][1]["label"] == size
    english = client.get("/api/v1/products/city-bike").json()
    assert _ids(body) == _ids(english)


def test_prices_and_lists_are_the_same_in_every_language(client: TestClient) -> None:
    prices = {lang: client.post(f"/api/v1/products/city-bike/price?lang={lang}", json={"selections": BIKE}).json()
              for lang in ("en", "de", "fr")}
    assert prices["en"]["total"] == prices["de"]["total"] == prices["fr"]["total"]
    assert prices["en"]["variant"] == prices["de"]["variant"] == prices["fr"]["variant"]
    listed = client.get("/api/v1/products?lang=de").json()
    bike = next(p for p in listed if p["id"] == "city-bike")
    assert bike["name"] == "Stadtrad nach Maß"
    english = {p["id"]: p["name"] for p in client.get("/api/v1/products").json()}
    assert next(p for p in listed if p["id"] == "coffee-gift-box")["name"] == "Kaffee-Geschenkbox"
    assert next(p for p in listed if p["id"] == "renault-megane")["name"] == english["renault-megane"]  # English alone


def test_the_openapi_document_says_how_to_ask_for_a_language(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    parameters = document["paths"]["/api/v1/products/{product_id}"]["get"]["parameters"]
    assert any(p["name"] == "lang" and p["in"] == "query" and "Accept-Language" in p["description"]
               for p in parameters)


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "A belt drive needs a hub gear."),
    ("de", "Ein Riemenantrieb braucht eine Nabenschaltung."),
    ("fr", "Une courroie exige un moyeu à vitesses intégrées."),
])
def test_a_broken_rule_is_said_in_the_language_asked_for(client: TestClient, lang: str, message: str) -> None:
    answer = client.post(f"/api/v1/products/city-bike/configure?lang={lang}",
                         json={"selections": {"belt_drive": True, "gears": "single"}})
    assert answer.headers["content-language"] == lang
    body = answer.json()
    assert body["violations"] == [{"rule": "belt-needs-hub", "option": None, "message": message}]
    assert body["consistent"] is False


@pytest.mark.parametrize(("query", "header", "language", "base"), [
    ("", None, "en", "Base price"),
    ("?lang=de", None, "de", "Grundpreis"),
    ("", "fr-CH, de;q=0.5", "fr", "Prix de base"),
])
def test_a_price_is_itemized_in_the_language_asked_for(
    client: TestClient, query: str, header: str | None, language: str, base: str
) -> None:
    headers = {"Accept-Language": header} if header else {}
    answer = client.post(f"/api/v1/products/city-bike/price{query}", json={"selections": BIKE}, headers=headers)
    assert answer.status_code == 200 and answer.headers["content-language"] == language
    lines = answer.json()["lines"]
    assert lines[0]["label"] == base
    english = client.post("/api/v1/products/city-bike/price", json={"selections": BIKE}).json()["lines"]
    assert [line["amount"] for line in lines] == [line["amount"] for line in english]
    if language != "en":  # every line in the language's words: the rack and the hub gear are named differently
        assert all(ours["label"] != theirs["label"] for ours, theirs in zip(lines, english))


def test_an_explanation_and_a_refusal_are_given_in_the_language_asked_for(client: TestClient) -> None:
    why = client.post("/api/v1/products/city-bike/explain?lang=de",
                      json={"selections": {"gears": "single"}, "option": "belt_drive", "value": True})
    assert why.headers["content-language"] == "de"
    assert {"kind": "rule", "id": "belt-needs-hub", "message": "Ein Riemenantrieb braucht eine Nabenschaltung."} in (
        why.json()["because"])
    refused = client.post("/api/v1/products/city-bike/complete", headers={"Accept-Language": "fr"},
                          json={"selections": {"belt_drive": True, "gears": "single"}})
    assert refused.status_code == 422 and refused.headers["content-language"] == "fr"
    problem = refused.json()
    assert problem["title"] == "Aucune configuration valide ne complète cette sélection"
    assert "Une courroie exige un moyeu à vitesses intégrées." in [v["message"] for v in problem["violations"]]


@pytest.mark.parametrize(("method", "path", "body", "header", "title", "language"), [
    ("post", "/api/v1/products/no-such/price", {"selections": {}}, "fr", "Introuvable", "fr"),
    ("post", "/api/v1/products/city-bike/price?lang=de", "{not json", None, "Fehlerhaftes JSON", "de"),
    ("post", "/api/v1/products/city-bike/configure", {"selections": 3}, "de-AT", "Ungültige Anfrage", "de"),
    ("post", "/api/v1/products/city-bike/price", {"selections": {"belt_drive": True}}, "de",
     "Diese Auswahl lässt sich nicht bepreisen", "de"),
    ("delete", "/api/v1/products/city-bike", None, "fr", "Méthode non autorisée", "fr"),
    ("post", "/api/v1/products/city-bike/price", {"selections": {}}, "it", "Cannot price this selection", "en"),
])
def test_a_problem_is_said_in_the_language_asked_for(
    client: TestClient, method: str, path: str, body: Any, header: str | None, title: str, language: str
) -> None:
    headers = {"Accept-Language": header} if header else {}
    if isinstance(body, str):
        answer = client.request(method, path, content=body, headers={**headers, "Content-Type": "application/json"})
    else:
        answer = client.request(method, path, json=body, headers=headers)
    assert answer.headers["content-type"] == "application/problem+json"
    assert (answer.json()["title"], answer.headers["content-language"]) == (title, language)


def test_a_quote_keeps_the_language_it_was_made_in(keyed_shop: tuple[TestClient, str]) -> None:
    client, key = keyed_shop
    made = client.post("/api/v1/quotes?lang=fr", headers={"X-API-Key": key},
                       json={"product_id": "city-bike", "selections": BIKE})
    assert made.status_code == 201 and made.headers["content-language"] == "fr"
    assert (made.json()["language"], made.json()["lines"][0]["label"]) == ("fr", "Prix de base")
    read = client.get(f"/api/v1/quotes/{made.json()['id']}", headers={"X-API-Key": key, "Accept-Language": "de"})
    assert read.headers["content-language"] == "fr" and read.json() == made.json()  # as given, whoever asks
    german = client.post("/api/v1/quotes", headers={"X-API-Key": key, "Accept-Language": "de"},
                         json={"product_id": "city-bike", "selections": BIKE})
    assert (german.json()["language"], german.json()["lines"][0]["label"]) == ("de", "Grundpreis")


def test_the_openapi_document_says_which_language_answers(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path, method in [("/api/v1/products/{product_id}/price", "post"), ("/api/v1/quotes", "post"),
                         ("/api/v1/products/{product_id}/explain", "post")]:
        responses = document["paths"][path][method]["responses"]
        success = next(r for status, r in responses.items() if status.startswith("2"))
        assert "Content-Language" in success["headers"], (path, method)
        assert "Content-Language" in responses["422"]["headers"], (path, method)


@pytest.mark.parametrize(("query", "body", "language", "errors"), [
    ("?lang=de", {"selections": BIKE}, "de", [{"path": "body/product_id", "message": "erforderlich"}]),
    ("?lang=fr", {"product_id": "city-bike", "selections": {"color": {"a": 1}}}, "fr",
     [{"path": "body/selections/color", "message": "une valeur de sélection est un texte, un nombre, true ou "
       "false, ou une liste d’identifiants de valeur"}]),
    ("?lang=de", {"product_id": "city-bike", "selections": BIKE, "quantity": 0}, "de",
     [{"path": "body/quantity", "message": "muss mindestens 1 sein"}]),
    ("", {"product_id": "city-bike", "selections": BIKE, "quantity": "two"}, "en",
     [{"path": "body/quantity", "message": "expected a whole number"}]),
])
def test_an_invalid_request_is_said_in_the_language_asked_for(
    keyed_shop: tuple[TestClient, str], query: str, body: dict[str, Any], language: str, errors: list[Any]
) -> None:
    client, key = keyed_shop
    answer = client.post(f"/api/v1/quotes{query}", headers={"X-API-Key": key}, json=body)
    assert answer.status_code == 422 and answer.headers["content-language"] == language
    assert answer.json()["errors"] == errors


def test_what_an_incomplete_selection_lacks_is_said_in_the_language_asked_for(client: TestClient) -> None:
    answer = client.post("/api/v1/products/city-bike/price?lang=de", json={"selections": {"frame_size": "M"}})
    assert answer.status_code == 422
    assert answer.json()["violations"][0] == {"rule": None, "option": "rider_height",
                                              "message": "Körpergröße: noch kein Wert gewählt"}


def test_a_value_of_the_wrong_shape_is_said_in_the_language_asked_for(client: TestClient) -> None:
    answer = client.post("/api/v1/products/city-bike/configure?lang=fr", json={"selections": {"frame_size": ["M"]}})
    assert answer.status_code == 422 and answer.json()["title"] == "Sélection invalide"
    assert answer.json()["violations"] == [{"rule": None, "option": "frame_size",
                                            "message": "Taille du cadre : ['M'] n’est pas un identifiant de valeur"}]


def test_a_price_worked_out_on_a_worker_thread_speaks_the_language_too(client: TestClient) -> None:
    """A body too large for the event loop is priced on a worker thread, in the request's language all the same."""
    body = json.dumps({"selections": {"frame_size": "M"}, "note": "x" * 20_000})
    answer = client.post("/api/v1/products/city-bike/price?lang=de", content=body,
                         headers={"Content-Type": "application/json"})
    assert (answer.status_code, answer.headers["content-language"]) == (422, "de")
    assert answer.json()["title"] == "Diese Auswahl lässt sich nicht bepreisen"
    assert answer.json()["violations"][0]["message"] == "Körpergröße: noch kein Wert gewählt"

"""The quote page a shopper gets: the product, every choice in their words with what it added, the quantity, the
unit price and the total, the reference, how long it holds and what happens next; kept in the words of the day
it was made; and printable."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session, select

from configurator.app import create_app
from configurator.persistence.db import Quote
from configurator.services.catalogs import engine_of
from configurator.views.form import fields_of

BIKE = ("rider_height=175&frame_size=M&material=steel&color=green&gears=hub8&belt_drive=true"
        "&accessories=rack&accessories=child_seat&quantity=2")


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = create_app(database_url="sqlite://")
    with TestClient(app) as made:
        yield made
    app.state.db.dispose()


def _quote(client: TestClient, product: str, state: str) -> str:
    page = client.get(f"/products/{product}")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post(f"/products/{product}/quote", data={"csrf": token.group(1), "state": state},
                         headers={"Origin": "http://testserver"})
    assert answer.status_code == 200, answer.text
    return answer.url.path


def _words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html.split("<main>")[1])).split())


def test_the_quote_says_what_was_chosen_what_it_costs_and_what_happens_next(client: TestClient) -> None:
    path = _quote(client, "city-bike", BIKE)
    text = _words(client.get(path).text)
    for said in ("Your quote: Made-to-order city bicycle", "Frame size Medium (54 cm)", "Colour Racing green",
                 "Gears 8-speed hub +€140.00", "Belt drive instead of chain Yes +€120.00",
                 "Accessories Child seat, Rear rack +€134.00", "Quantity 2", "Price per unit €1,084.00",
                 "Total €2,168.00", "Valid until", "What happens next", "give us the reference " + path[8:]):
        assert said in text, said
    assert "Bicycles 2" not in text  # the quantity is said once, as the quote's quantity


def test_a_quote_keeps_the_words_of_the_day_it_was_made(client: TestClient) -> None:
    path = _quote(client, "city-bike", BIKE)
    with Session(client.app.state.db) as db:  # type: ignore[attr-defined]
        stored = db.get(Quote, path.rsplit("/", 1)[1])
        assert stored is not None
        choices = stored.breakdown["choices"]
    assert {"label": "Frame size", "words": "Medium (54 cm)"}.items() <= next(
        c for c in choices if c["option"] == "frame_size").items()


def test_a_quote_made_before_words_were_kept_still_reads(client: TestClient) -> None:
    path = _quote(client, "city-bike", BIKE)
    with Session(client.app.state.db) as db:  # type: ignore[attr-defined]
        stored = db.get(Quote, path.rsplit("/", 1)[1])
        assert stored is not None
        stored.breakdown = {"lines": stored.breakdown["lines"]}
        db.add(stored)
        db.commit()
    text = _words(client.get(path).text)
    assert "Your quote: city-bike" in text and "Total €2,168.00" in text


def _coffee(boxes: str | None) -> str:
    """A complete coffee box but for how many (absent: the link says nothing of it; "": left blank)."""
    app = create_app(database_url="sqlite://")
    loaded = app.state.served.catalog.products["coffee-gift-box"]
    done = engine_of(loaded).complete({})
    app.state.db.dispose()
    assert done is not None
    fields = [(k, v) for k, v in fields_of(done) if k != "boxes"]
    return urlencode(fields + ([] if boxes is None else [("boxes", boxes)]))


@pytest.mark.parametrize(("boxes", "shown", "quotable"), [(None, "1", True), ("3", "3", True), ("", "", False)])
def test_a_quantity_counts_as_a_choice(client: TestClient, boxes: str | None, shown: str, quotable: bool) -> None:
    state = _coffee(boxes)
    page = client.get(f"/products/coffee-gift-box?{state}").text
    field = re.search(r'<input[^>]*id="v-boxes"[^>]*>', page)
    assert field is not None and f'value="{shown}"' in field.group(0)
    quote_button = re.search(r'<button type="submit" form="quote-form"[^>]*>', page)
    assert quote_button is not None and ("disabled" not in quote_button.group(0)) == quotable
    posted = re.search(r'id="quote-form".*?name="state" value="([^"]*)"', page, re.S)
    assert posted is not None  # the page's own state, a blank quantity kept blank in it
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None
    with Session(client.app.state.db) as db:  # type: ignore[attr-defined]
        before = len(db.exec(select(Quote)).all())
    answer = client.post("/products/coffee-gift-box/quote", headers={"Origin": "http://testserver"},
                         data={"csrf": token.group(1), "state": unescape(posted.group(1))})
    with Session(client.app.state.db) as db:  # type: ignore[attr-defined]
        after = len(db.exec(select(Quote)).all())
    assert (answer.url.path.startswith("/quotes/"), after - before) == ((True, 1) if quotable else (False, 0))
    if not quotable:
        assert answer.status_code == 422 and "how many? A quote needs the quantity" in unescape(answer.text)


def test_the_quote_as_a_pdf_says_what_its_page_says(client: TestClient) -> None:
    path = _quote(client, "city-bike", BIKE)
    page = client.get(path).text
    assert f'href="{path}.pdf"' in page
    made = client.get(path + ".pdf")
    assert made.status_code == 200 and made.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(made.content)).pages).split())
    for said in ("Your quote: Made-to-order city bicycle", "Reference " + path.rsplit("/", 1)[1], "Medium (54 cm)",
                 "8-speed hub +€140.00", "Child seat, Rear rack +€134.00", "Quantity 2", "Price per unit €1,084.00",
                 "Total €2,168.00", "What happens next"):
        assert said in text, said
    assert client.get("/quotes/nope.pdf").status_code == 404


def test_a_quote_made_in_german_reads_in_german_to_anyone_and_so_does_its_pdf(client: TestClient) -> None:
    german = {"Accept-Language": "de-DE,de;q=0.9"}
    client.headers.update(german)
    path = _quote(client, "city-bike", BIKE)
    client.headers.pop("Accept-Language")
    page = client.get(path, headers={"Accept-Language": "en"})  # a quote is shown in the language it was made in
    assert '<html lang="de">' in page.text and page.headers["content-language"] == "de"
    text = _words(page.text)
    for said in ("Ihr Angebot: Stadtrad nach Maß", "Rahmengröße Mittel (54 cm)", "8-Gang-Nabe +140,00 €",
                 "Menge 2", "Preis pro Stück 1.084,00 €", "Gesamt 2.168,00 €", "Gültig bis", "Wie es weitergeht"):
        assert said in text, said
    assert "€1,084.00" not in text and "Total" not in text
    made = client.get(path + ".pdf")
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(made.content)).pages).split())
    for said in ("Ihr Angebot: Stadtrad nach Maß", "Preis pro Stück 1.084,00 €", "Gesamt 2.168,00 €"):
        assert said in pdf, said


@pytest.mark.parametrize(("asked", "said"), [("fr", "Total 2 168,00 €"), ("en", "Total €2,168.00")])
def test_a_quote_is_written_as_its_language_writes_money(client: TestClient, asked: str, said: str) -> None:
    client.headers.update({"Accept-Language": asked})
    text = _words(client.get(_quote(client, "city-bike", BIKE)).text).replace("\u202f", " ").replace("\xa0", " ")
    assert said in text


GROSS_LAMP = """\
id: lamp
name: Desk lamp
currency: EUR
base_price: "119.00"
price_lists: [{id: eur, currency: EUR, tax_rate: "19", tax_included: true}]
steps:
  - id: look
    label: Look
    options:
      - id: shade
        type: single
        label: Shade
        values: [{id: red, label: Red, price: "23.80"}, {id: blue, label: Blue}]
"""


def test_a_consumer_price_says_the_tax_it_holds_and_adds_none(tmp_path: Path) -> None:
    (tmp_path / "lamp.yaml").write_text(GROSS_LAMP)
    app = create_app(tmp_path, database_url="sqlite://", watch=False)
    with TestClient(app) as shop:
        page = _words(shop.get("/products/lamp?shade=red").text)
        assert "Total €142.80" in page and "Including tax 19% €22.80" in page and "Tax" not in page.split("Total")[0]
        text = _words(shop.get(_quote(shop, "lamp", "shade=red")).text)
        assert "Including tax 19% €22.80" in text and "Before tax €120.00" in text and "Total €142.80" in text
    app.state.db.dispose()

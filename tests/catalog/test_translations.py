"""Companion files give a product's words in other languages: read beside the product, checked against it (what
a language lacks, what names nothing any more, a file that cannot be one), with every position exact."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.loader import load_catalog
from catalog.translations import companion_language, coverage, missing, product_words
from tests.conftest import BUNDLED

PRODUCT = """\
id: lamp
name: Desk lamp
languages: [en, de]
currency: EUR
base_price: "10.00"
steps:
  - id: look
    label: Look
    options:
      - id: shade
        type: single
        label: Shade
        values:
          - {id: red, label: Red}
          - {id: blue, label: Blue}
rules:
  - id: no-blue
    type: constraint
    message: Blue is sold out.
    expr: shade != "blue"
"""
COMPLETE = """\
translates: lamp
language: de
name: Schreibtischlampe
steps: {look: {label: Aussehen}}
options:
  shade:
    label: Schirm
    values: {red: {label: Rot}, blue: {label: Blau}}
rules: {no-blue: {message: Blau ist ausverkauft.}}
"""


def _catalog(tmp_path: Path, files: dict[str, str]) -> tuple[list[str], list[str], dict[str, list[str]]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    catalog = load_catalog([tmp_path])
    said = lambda found: [f"{Path(e.file).name}:{e.line}:{e.col}: {e.message}" for e in found]  # noqa: E731
    languages = {pid: sorted(loaded.translations) for pid, loaded in catalog.products.items()}
    return said(catalog.errors), said(catalog.warnings), languages


@pytest.mark.parametrize(("files", "errors", "warnings", "languages"), [
    pytest.param({"lamp.yaml": PRODUCT, "lamp.de.yaml": COMPLETE}, [], [], {"lamp": ["de"]}, id="complete"),
    pytest.param({"lamp.yaml": PRODUCT}, [], ["lamp.yaml:3:12: no words in 'de': add lamp.de.yaml beside this file"],
                 {"lamp": []}, id="a listed language without its file"),
    pytest.param({"lamp.yaml": PRODUCT, "lamp.de.yaml": COMPLETE.replace("rules: {no-blue: {message: Blau ist "
                                                                         "ausverkauft.}}\n", "")},
                 [], ["lamp.yaml:17:5: no German (de) words for rule no-blue, message"], {"lamp": ["de"]},
                 id="a word missing, at its rule"),
    pytest.param({"lamp.yaml": PRODUCT, "lamp.de.yaml": COMPLETE + "pricing: {gone: {label: Weg}}\n"},
                 [], ["lamp.de.yaml:10:18: names nothing in 'lamp' (price line gone, label): renamed or removed?"],
                 {"lamp": ["de"]}, id="a word for nothing"),
    pytest.param({"lamp.yaml": PRODUCT, "lamp.de.yaml": COMPLETE.replace("translates: lamp", "translates: lamps")},
                 ["lamp.de.yaml:1:13: there is no product 'lamps' (did you mean 'lamp'?)"], [
                     "lamp.yaml:3:12: no words in 'de': add lamp.de.yaml beside this file"], {"lamp": []},
                 id="a product that is not there"),
    pytest.param({"lamp.yaml": PRODUCT, "lamp.de.yaml": COMPLETE.replace("language: de", "language: fr")},
                 ["lamp.de.yaml:2:11: the file's name says 'de', its language is 'fr'"],
                 ["lamp.yaml:3:12: no words in 'de': add lamp.de.yaml beside this file"], {"lamp": []},
                 id="a language its name does not say"),
    pytest.param({"lamp.yaml": PRODUCT, "lamp.de.yaml": COMPLETE.replace("label: Schirm", "lable: Schirm")},
                 ["lamp.de.yaml:7:5: unknown key 'lable' (did you mean 'label'?)"],
                 ["lamp.yaml:3:12: no words in 'de': add lamp.de.yaml beside this file"], {"lamp": []},
                 id="a misspelt key costs its file, not the product"),
    pytest.param({"lamp.yaml": PRODUCT, "lamp.de.yaml": COMPLETE, "lamp.fr.yaml": COMPLETE.replace(
        "language: de", "language: fr")}, [], ["lamp.fr.yaml:2:11: 'lamp' does not list 'fr' in its languages: "
                                               "not offered"], {"lamp": ["de", "fr"]}, id="a language not listed"),
])
def test_companion_files_are_checked_against_their_product(
    tmp_path: Path, files: dict[str, str], errors: list[str], warnings: list[str], languages: dict[str, list[str]]
) -> None:
    assert _catalog(tmp_path, files) == (errors, warnings, languages)


@pytest.mark.parametrize(("name", "language"), [
    ("city-bike.de.yaml", "de"), ("city-bike.pt-BR.yaml", "pt-BR"), ("city-bike.yaml", None),
    ("city-bike.old.yaml", None), ("city-bike.v2.yaml", None), ("renault-megane.yaml", None),
])
def test_a_companion_file_is_named_by_a_language(name: str, language: str | None) -> None:
    assert companion_language(Path(name)) == language


def test_the_bundled_bike_speaks_german_and_french_completely() -> None:
    loaded = load_catalog([BUNDLED]).products["city-bike"]
    assert sorted(loaded.translations) == ["de", "fr"]
    for translation in loaded.translations.values():
        assert missing(loaded.product, translation) == []
        given, wanted = coverage(loaded.product, translation)
        assert given == wanted == len(product_words(loaded.product)) > 40
    assert loaded.translations["de"].words()[("options", "frame_size", "values", "M", "label")] == "Mittel (54 cm)"


def test_translations_leave_the_products_version_alone(tmp_path: Path) -> None:
    (tmp_path / "lamp.yaml").write_text(PRODUCT)
    alone = load_catalog([tmp_path]).products["lamp"].version
    (tmp_path / "lamp.de.yaml").write_text(COMPLETE)
    assert load_catalog([tmp_path]).products["lamp"].version == alone



@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(product_words(load_catalog([BUNDLED]).products["city-bike"].product))),
                       st.text(max_size=40), max_size=30))
def test_any_words_load_and_change_no_id(words: dict[tuple[str, ...], str]) -> None:
    nested: dict[str, Any] = {"translates": "city-bike", "language": "de"}
    for key, text in words.items():
        node = nested
        for part in key[:-1]:
            node = node.setdefault(part, {})
        node[key[-1]] = text
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "city-bike.yaml").write_text((BUNDLED / "city-bike.yaml").read_text())
        (Path(folder) / "city-bike.de.yaml").write_text(json.dumps(nested))
        catalog = load_catalog([folder])
    bike = catalog.products["city-bike"]
    assert [e.message for e in catalog.errors if "defect" in e.message] == []
    shown = bike.in_language("de")
    assert [o.id for o in shown.options()] == [o.id for o in bike.product.options()]
    assert shown.model_dump(exclude_unset=True).keys() == bike.product.model_dump(exclude_unset=True).keys()


def test_a_product_file_named_alone_brings_its_companion_files(tmp_path: Path) -> None:
    (tmp_path / "lamp.yaml").write_text(PRODUCT)
    (tmp_path / "lamp.de.yaml").write_text(COMPLETE)
    (tmp_path / "lampshade.de.yaml").write_text(COMPLETE)  # another file's name: not the lamp's companion
    catalog = load_catalog([tmp_path / "lamp.yaml"])
    assert sorted(catalog.products["lamp"].translations) == ["de"] and catalog.warnings == []
    assert catalog.files == [str(tmp_path / "lamp.yaml"), str(tmp_path / "lamp.de.yaml")]

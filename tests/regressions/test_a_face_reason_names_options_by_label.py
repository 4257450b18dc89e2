"""Regression (found reading the index in German): a product's face was explained with its options' ids ("der Kunde
ändert das Produkt (rider_height, frame_size, material und 4 weitere)"), the same in every language. The reason now
names the options as the shopper reads them, in the page's language."""

from __future__ import annotations

import pytest

from catalog.loader import load_catalog
from catalog.wording import speaking
from rules.classify import classify
from tests.conftest import BUNDLED


@pytest.mark.parametrize(("language", "said"), [("en", "Rider height"), ("de", "Körpergröße"),
                                                ("fr", "Taille du cycliste")])
def test_the_bikes_face_reason_names_its_options_by_label(language: str, said: str) -> None:
    loaded = load_catalog([BUNDLED]).products["city-bike"]
    with speaking(language):
        reason = classify(loaded.in_language(language)).reason
    assert said in reason and "rider_height" not in reason and "frame_size" not in reason

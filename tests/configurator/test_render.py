"""The shop's templates speak the request's language: `<html lang>`, and every word of the interface from the
gettext catalogs, none left in English."""

from __future__ import annotations

import re

import pytest

from catalog.loader import load_catalog
from catalog.wording import speaking
from configurator.services.catalogs import engine_of
from configurator.views.product import product_view
from configurator.views.stepper import REVIEW, stepper_of
from configurator.web.render import ENVIRONMENT
from tests.conftest import BUNDLED, COMPLETE_BIKE

INTERFACE_WORDS = ["Complete it for me", "Request a quote", "Undo", "Link to this configuration", "Review",
                   "Skip to the price and actions", "Price and progress", "Steps", "Choose anyway"]


def _page(language: str, selection: dict[str, object], step: str = "") -> str:
    loaded = load_catalog([BUNDLED]).products["city-bike"]
    with speaking(language):
        view = product_view(engine_of(loaded), selection, [], "t" * 43)  # type: ignore[arg-type]
        return ENVIRONMENT.get_template("pages/product.html").render(view=view, stepper=stepper_of(view, step))


@pytest.mark.parametrize(("language", "said"), [("de", "Für mich vervollständigen"), ("fr", "Compléter pour moi")])
@pytest.mark.parametrize("step", ["", REVIEW])
def test_the_product_page_speaks_the_language_of_the_request(language: str, said: str, step: str) -> None:
    english = _page("en", {"frame": "steel"}, step)
    page = _page(language, {"frame": "steel"}, step)
    assert f'<html lang="{language}">' in page and '<html lang="en">' in english
    assert said in page and said not in english
    words = [w for w in INTERFACE_WORDS if re.search(rf">\s*{re.escape(w)}\s*<|\"{re.escape(w)}", english)]
    assert len(words) >= 6, words  # the English page shows them: the translated one must not
    left = [w for w in words if re.search(rf">\s*{re.escape(w)}\s*<|\"{re.escape(w)}", page)]
    assert not left, f"still in English on the {language} page: {left}"


def test_a_review_of_a_complete_bike_names_its_total_in_the_language() -> None:
    page = _page("de", dict(COMPLETE_BIKE), REVIEW)
    assert "Gesamt" in page and "Übersicht" in page

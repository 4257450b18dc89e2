"""Regression: a link with a number of sections the wardrobe refuses (`sections=99`) showed two sections and said
nothing: the number's own field is hidden behind the cards, so its error was never drawn."""

from __future__ import annotations

import pytest

from tests.conftest import app_client


@pytest.mark.parametrize(("given", "said"), [("99", "Sections: 99 is not between 1 and 8"),
                                             ("abc", "Sections: &#34;abc&#34; is not a number")])
def test_a_refused_number_of_sections_is_said_above_the_cards(given: str, said: str) -> None:
    with app_client() as client:
        page = client.get("/products/wardrobe", params={"step": "sections", "sections": given})
    assert page.status_code == 200
    assert f'<p class="error" role="alert">{said}</p>' in page.text

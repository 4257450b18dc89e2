"""Each option kind's behaviour in one place (catalog/kinds.py): its values in words, one wording that every page,
message and card shows, and its values read from text (form fields, the command line)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from catalog.display import NOTHING, choice_phrase, show_value
from catalog.kinds import coerce, from_text, value_label
from catalog.loader import load_product
from catalog.schema import AnyOption
from catalog.wording import speaking

EVERY_KIND = Path(__file__).parent.parent / "rules" / "fixtures" / "every-kind.yaml"


@pytest.fixture(scope="module")
def options() -> dict[str, AnyOption]:
    return {option.id: option for option in load_product(EVERY_KIND).product.options()}


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("frame", "M", "M"),
        ("extras", frozenset({"rack", "bell"}), "bell, rack"),
        ("extras", ["light"], "light"),
        ("belt", True, "Yes"),
        ("belt", False, "No"),
        ("belt", "true", "Yes"),  # a form's value
        ("height", Decimal("170"), "170"),
        ("height", Decimal("172.5"), "172.5"),
        ("engraving", "HI", "HI"),
        ("units", 3, "3"),
        ("belt", None, NOTHING),
    ],
)
def test_each_kind_has_one_wording(options: dict[str, AnyOption], option: str, value: Any, words: str) -> None:
    assert value_label(options[option], value) == words


def test_a_yes_is_yes_wherever_it_is_shown(options: dict[str, AnyOption]) -> None:
    belt = options["belt"]
    assert {value_label(belt, True), show_value(True)} == {"Yes"}
    assert {value_label(belt, False), show_value(False)} == {"No"}
    assert choice_phrase("Belt drive", True) == "Belt drive" and choice_phrase("Belt drive", False) == "no Belt drive"


@pytest.mark.parametrize(
    ("option", "texts", "raw"),
    [
        ("frame", ["M"], "M"),
        ("extras", ["rack", "bell"], ["rack", "bell"]),
        ("extras", [], []),  # none of them
        ("extras", ["", "rack"], ["rack"]),
        ("belt", ["true"], "true"),
        ("height", ["172.5"], "172.5"),
        ("units", ["3"], 3),  # a whole number, as JSON carries it
        ("units", ["3.0"], "3.0"),  # not digits: coerce says why it is not a quantity
        ("engraving", ["HI"], "HI"),
        ("frame", [], ""),
    ],
)
def test_values_are_read_from_text_alike_for_forms_and_the_command_line(
    options: dict[str, AnyOption], option: str, texts: list[str], raw: Any
) -> None:
    assert from_text(options[option], texts) == raw


@pytest.mark.parametrize(
    ("language", "typed", "read", "said"),
    [
        ("fr", "170,0", Decimal("170.0"), ""),
        ("de", "170,0", Decimal("170.0"), ""),
        ("fr", "172,5", None, "172,5 ne fait pas partie des valeurs de 150 à 190 par pas de 10"),
        ("de", "1.5", None, "1,5 liegt nicht zwischen 150 und 190"),  # a point is a point, in every language
        ("en", "170,0", None, '"170,0" is not a number'),  # English writes no decimal comma
        ("de-CH", "170,0", None, "ist keine Zahl"),  # nor does Swiss German
    ],
)
def test_a_number_is_read_with_the_decimal_comma_of_the_shoppers_language(
    options: dict[str, AnyOption], language: str, typed: str, read: Decimal | None, said: str
) -> None:
    with speaking(language):
        raw = from_text(options["height"], [typed])
        if read is not None:
            assert coerce(options["height"], raw) == read
            return
        with pytest.raises(ValueError, match=re.escape(said)):
            coerce(options["height"], raw)

"""Values in words, one wording for every option kind (rules/display.py): what every page, message and card shows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from catalog.loader import load_product
from catalog.schema import AnyOption
from rules.display import NOTHING, choice_phrase, show_value
from rules.kinds import value_label

EVERY_KIND = Path(__file__).parent / "fixtures" / "every-kind.yaml"


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

"""The "help me choose" answers run through the engine: what they make is always valid, and an answer is offered
exactly when some valid configuration extends the choices with it and the other answers."""

from __future__ import annotations

import itertools

import pytest

from catalog.loader import load_catalog
from rules.dialog import answer_states, answers_of, apply_answers
from rules.engine import engine_for
from tests.conftest import BUNDLED

BIKE = load_catalog([BUNDLED]).products["city-bike"]
ENGINE = engine_for(BIKE.product, BIKE.content_hash)
QUESTIONS = {q.id: [a.id for a in q.answers] for q in BIKE.product.questions}
EVERY = [dict(zip(QUESTIONS, combo)) for combo in itertools.product(*QUESTIONS.values())]


@pytest.mark.parametrize("given", EVERY[::3], ids=lambda g: "-".join(g.values()))
def test_what_the_answers_make_is_valid_and_keeps_every_choice(given: dict[str, str]) -> None:
    answers = answers_of(BIKE.product, given)
    made = apply_answers(ENGINE, {}, answers)
    if made is None:  # then some answer is offered disabled, with a reason
        states = answer_states(ENGINE, {}, {q: a for q, a in list(answers.items())[:-1]})
        last = list(answers)[-1]
        assert any(not s.possible and s.reason for s in states if s.question == last)
        return
    assert ENGINE.valid_domains(made).consistent
    for answer in answers.values():
        for option_id, value in answer.choose.items():
            assert made[option_id] == value
        for option_id, allowed in answer.allow.items():
            assert made[option_id] in allowed


def test_a_conflicting_answer_is_disabled_with_the_rules_reason() -> None:
    states = answer_states(ENGINE, {}, answers_of(BIKE.product, {"rider": "short"}))
    child = next(s for s in states if s.answer == "child")
    assert not child.possible
    assert "Small frames are too short for a child seat" in child.reason
    assert all(s.possible for s in states if s.question != "carry" or s.answer != "child")


def test_answers_never_override_the_shoppers_own_choices() -> None:
    states = answer_states(ENGINE, {"gears": "single"}, {})
    steep = next(s for s in states if s.answer == "steep")
    assert not steep.possible and "Gears" in steep.reason
    assert apply_answers(ENGINE, {"gears": "single"}, answers_of(BIKE.product, {"upkeep": "little"})) is None


def test_preferences_are_taken_only_where_the_rules_let_them() -> None:
    made = apply_answers(ENGINE, {}, answers_of(BIKE.product, {"hills": "flat", "upkeep": "little"}))
    assert made is not None and made["belt_drive"] is True and "gears" not in made  # single speed cannot take a belt
    rolling = apply_answers(ENGINE, {}, answers_of(BIKE.product, {"hills": "rolling"}))
    assert rolling is not None and rolling["gears"] == "hub8"  # allowed, and the preferred one

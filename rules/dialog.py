"""The collaborative face: a "help me choose" dialog whose answers run through the engine like choices.

Each answer of a catalog question makes choices (`choose`), allows some values of an option (`allow`: one of
them is chosen, the preferred one where it fits) and prefers values (`prefer`: taken where the rules let them).
A set of answers is possible when some valid configuration extends the shopper's choices and every answer's
choices and allowed values together; an answer that would leave none is offered disabled, with the reason.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog.kinds import choice_words
from catalog.schema import Answer, MultiOption, Product
from catalog.wording import _
from rules.engine import Engine
from rules.selection import parse_selection

# Combinations of allowed values tried at most, when several answers each allow several values.
MAX_COMBINATIONS = 256


@dataclass(frozen=True)
class AnswerState:
    """One answer as the dialog offers it."""

    question: str
    answer: str
    label: str
    chosen: bool
    possible: bool
    reason: str  # why it is not possible, in the rules' own words


def answers_of(product: Product, given: Mapping[str, str]) -> dict[str, Answer]:
    """The answers given, by question id, that the product has (others are ignored)."""
    found = {}
    for question in product.questions:
        answer = next((a for a in question.answers if a.id == given.get(question.id)), None)
        if answer is not None:
            found[question.id] = answer
    return found


def apply_answers(
    engine: Engine, selection: Mapping[str, Any], answers: Mapping[str, Answer]
) -> dict[str, Any] | None:
    """The selection the answers make (choices, one allowed value per restricted option, then preferences where
    they fit), or None where no valid configuration extends the selection and the answers together."""
    chosen: dict[str, Any] | None = dict(selection)
    assert chosen is not None
    for answer in answers.values():
        for option_id, value in answer.choose.items():
            if option_id in chosen and not _same(engine, option_id, chosen[option_id], value):
                return None
            chosen[option_id] = value
    if not engine.consistent(chosen):
        return None
    chosen = _allowed(engine, chosen, answers)
    if chosen is None:
        return None
    for answer in answers.values():
        for option_id, value in answer.prefer.items():
            if option_id not in chosen and engine.consistent({**chosen, option_id: value}):
                chosen[option_id] = value
    return chosen


def answer_states(engine: Engine, selection: Mapping[str, Any], answers: Mapping[str, Answer]) -> list[AnswerState]:
    """Every answer of every question: chosen or not, possible with the other answers and the choices or not."""
    states = []
    for question in engine.model.product.questions:
        others = {q: a for q, a in answers.items() if q != question.id}
        base = apply_answers(engine, selection, others)
        for answer in question.answers:
            answered = {**others, question.id: answer}
            possible = base is not None and apply_answers(engine, selection, answered) is not None
            reason = "" if possible else _reason(engine, selection if base is None else base, answer)
            chosen = answers.get(question.id) is answer
            states.append(AnswerState(question.id, answer.id, answer.label, chosen, possible, reason))
    return states


def _allowed(engine: Engine, chosen: dict[str, Any], answers: Mapping[str, Answer]) -> dict[str, Any] | None:
    """One value per option the answers restrict, preferred ones first, such that the whole still fits."""
    allowed: dict[str, list[Any]] = {}
    for answer in answers.values():  # two answers restricting one option: the values both allow
        for option_id, values in answer.allow.items():
            previous = allowed.get(option_id)
            allowed[option_id] = list(values) if previous is None else [v for v in previous if v in values]
    preferred = {k: v for answer in answers.values() for k, v in answer.prefer.items()}
    if any(k in chosen for k in allowed):
        fixed = {k: v for k, v in allowed.items() if k in chosen}
        if any(not any(_same(engine, k, chosen[k], v) for v in values) for k, values in fixed.items()):
            return None
        allowed = {k: v for k, v in allowed.items() if k not in chosen}
    # Each option's allowed values with its preferred one first.
    ordered = {k: sorted(v, key=lambda value: value != preferred.get(k)) for k, v in allowed.items()}
    for combination in itertools.islice(itertools.product(*ordered.values()), MAX_COMBINATIONS):
        trial = {**chosen, **dict(zip(ordered, combination))}
        if engine.consistent(trial):
            return trial
    return None


def _same(engine: Engine, option_id: str, a: Any, b: Any) -> bool:
    """Whether two spellings are the same value of an option (a number written two ways, a list in any order)."""
    first = parse_selection(engine.model, {option_id: a}).values.get(option_id)
    return first is not None and first == parse_selection(engine.model, {option_id: b}).values.get(option_id)


def _reason(engine: Engine, base: Mapping[str, Any], answer: Answer) -> str:
    """Why an answer leaves no valid product: the choices and rules in its way."""
    options = engine.model.options
    values = parse_selection(engine.model, base).values
    wanted = [(k, v) for k, v in answer.choose.items()] + [(k, vs[0]) for k, vs in answer.allow.items() if vs]
    # A multi choice is explained one of its values at a time.
    wanted = [(k, item) for k, v in wanted for item in (v if isinstance(v, list) else [v])]
    for option_id, value in wanted:
        multi = isinstance(engine.model.options.get(option_id), MultiOption)
        if option_id in base and not multi and not _same(engine, option_id, base[option_id], value):
            shown = values.get(option_id, base[option_id])
            return _("Not with %(choice)s.") % {"choice": choice_words(options.get(option_id), shown, option_id)}
        why = engine.advisor.explain({k: v for k, v in base.items() if k != option_id}, option_id, value)
        if not why.possible:
            return why.words(options)
    return _("Not possible with your other answers and choices.")

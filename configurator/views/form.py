"""The shopper's selection as form fields and query strings, and the undo history that travels with it.

A selection is written as fields named by option id: a value id (single), one field per value (multi, with
NONE for an empty choice), true/false (boolean), a decimal (number), digits (quantity), text (text). The same
fields make the permalink's query string, so every state of the form has a URL and the server keeps no session.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from catalog.instances import number_of
from catalog.kinds import default_value, from_text, traits
from catalog.schema import (
    Product,
)
from rules.selection import plain

NONE = "__none__"  # the multi-choice field value that means "none of these"
HISTORY_FIELD = "h"
SESSION_FIELD = "sid"  # the configuring session's random id (signals, issue 25): a form field, never a cookie
WANT_FIELD = "want"  # the value a shopper asks for ("Ask for this"): <option id>=<value id>
ANSWER_PREFIX = "answer."  # the fields of "help me choose" answers: answer.<question id>=<answer id>
MAX_HISTORY = 30
MAX_HISTORY_CHARS = 16_000


def selection_from_fields(product: Product, fields: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The selection a form or query string gives; a field left empty leaves its option open, and a multi choice's
    NONE means none of its values unless a value is given beside it (a box ticked over the hidden NONE)."""
    given: dict[str, list[str]] = {}
    for name, value in fields:
        given.setdefault(name, []).append(value)
    selection: dict[str, Any] = {}
    for option in product.options():
        raw = [value for value in given.get(option.id, []) if value != ""]
        if raw:
            selection[option.id] = from_text(option, [value for value in raw if value != NONE])
    return selection


def fields_of(selection: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The form fields of a selection (catalog or JSON values), in a stable order."""
    fields: list[tuple[str, str]] = []
    for option_id, value in selection.items():
        shown = plain(value)
        if isinstance(shown, list):
            fields.extend([(option_id, str(v)) for v in shown] or [(option_id, NONE)])
        elif isinstance(shown, bool):
            fields.append((option_id, "true" if shown else "false"))
        else:
            fields.append((option_id, str(shown)))
    return fields


def shop_selection(product: Product, fields: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The selection of the shop's form or link: as `selection_from_fields` reads it, with each order quantity the
    fields do not name at all set where it starts (the form shows it; a field sent blank leaves it open, and a
    quote waits for it: in the shop, quantities count as choices)."""
    named = list(fields)
    selection = selection_from_fields(product, named)
    names = {name for name, _ in named}
    for option in product.options():
        if traits(option).order_quantity and option.id not in names:
            selection[option.id] = from_text(option, [str(plain(default_value(option)))])
    for component in product.components:  # how many instances: the form shows where it starts, a card each
        if component.id not in names:
            selection[component.id] = number_of(component, selection)
    return selection


def blank_quantities(product: Product, selection: Mapping[str, Any]) -> tuple[str, ...]:
    """The order quantities a shop's selection leaves blank (its link and state keep them blank)."""
    return tuple(o.id for o in product.options() if traits(o).order_quantity and o.id not in selection)


def query_of(
    selection: Mapping[str, Any],
    history: list[str] | None = None,
    answers: Mapping[str, str] | None = None,
    blank: Iterable[str] = (),
) -> str:
    """The query string of a selection, with the dialog's answers and its undo history when there are any, and
    the `blank` options as empty fields."""
    fields = fields_of(selection) + [(name, "") for name in blank] + answer_fields(answers or {})
    if history:
        fields.append((HISTORY_FIELD, encode_history(history)))
    return urlencode(fields)


def shop_query(
    product: Product,
    selection: Mapping[str, Any],
    history: list[str] | None = None,
    answers: Mapping[str, str] | None = None,
) -> str:
    """The query string of a shop's selection: `query_of` with the order quantities it leaves blank kept blank."""
    return query_of(selection, history, answers, blank_quantities(product, selection))


def answer_fields(answers: Mapping[str, str]) -> list[tuple[str, str]]:
    """The form fields of "help me choose" answers (question id to answer id)."""
    return [(f"{ANSWER_PREFIX}{question}", answer) for question, answer in answers.items()]


def answers_from_fields(fields: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The dialog's answers a form or query string carries (checked against the product where they are used)."""
    return {name.removeprefix(ANSWER_PREFIX): value for name, value in fields if name.startswith(ANSWER_PREFIX)}


def encode_history(history: list[str]) -> str:
    """Earlier states (their query strings), newest last, bounded, as one URL-safe field."""
    kept = history[-MAX_HISTORY:]
    while kept and len(json.dumps(kept)) > MAX_HISTORY_CHARS:
        kept = kept[1:]
    return base64.urlsafe_b64encode(json.dumps(kept).encode()).decode().rstrip("=")


def decode_history(text: str | None) -> list[str]:
    """The history field read back; anything malformed is an empty history, never an error."""
    if not text or len(text) > MAX_HISTORY_CHARS * 2:
        return []
    try:
        data = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error):
        return []
    return [item for item in data if isinstance(item, str)][-MAX_HISTORY:] if isinstance(data, list) else []

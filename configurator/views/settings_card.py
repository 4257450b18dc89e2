"""The settings card of a saved configuration: its settings adjusted in use, as the customer changes them after
purchase, and every change made so far (a view model: plain frozen data, never ORM rows)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, assert_never

from catalog.display import YES_NO
from catalog.instances import shown_options
from catalog.kinds import Choices, NumberField, TextField, YesNo, value_label, widget
from catalog.schema import (
    AnyOption,
)
from catalog.wording import _
from configurator.persistence.db import SavedConfiguration, SettingsChange
from configurator.services.adjustments import adjustable, current_selection, shown_settings
from configurator.views.money import range_words
from rules.engine import Engine
from rules.selection import parse_selection, plain

Control = Literal["select", "checkboxes", "number", "text"]


@dataclass(frozen=True)
class Choice:
    """One value a setting can take, and whether it fits the rest of the configuration."""

    id: str
    label: str
    selected: bool
    available: bool


@dataclass(frozen=True)
class Setting:
    """One setting adjusted in use, as a form control."""

    id: str
    label: str
    control: Control
    choices: tuple[Choice, ...] = ()
    value: str = ""
    low: str = ""
    high: str = ""
    step: str = ""
    unit: str = ""
    hint: str = ""  # what a number takes, in words
    error: str = ""  # why the value the customer typed was refused (the value is kept in the field)


@dataclass(frozen=True)
class Change:
    """One line of the history."""

    at: str
    option: str
    old: str
    new: str
    who: str


@dataclass(frozen=True)
class SettingsCard:
    """A saved configuration's settings card."""

    saved_id: str
    product_id: str
    product_name: str
    settings: tuple[Setting, ...]
    history: tuple[Change, ...]
    csrf: str
    messages: tuple[str, ...] = ()
    editable: bool = False  # the customer who saved it (their secret, kept in a cookie): others only read it
    secret_link: str | None = None  # for the customer: their link for changing the settings from another device


def settings_card(
    engine: Engine,
    saved: SavedConfiguration,
    history: Sequence[SettingsChange],
    csrf: str,
    messages: tuple[str, ...] = (),
    secret_link: str | None = None,
    typed: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> SettingsCard:
    """The card for a saved configuration as its settings are now; after a refused change, `typed` holds what the
    customer typed (kept in the fields) and `errors` why, by setting."""
    product = engine.model.product
    selection = current_selection(saved, history)
    shown = shown_settings(engine, selection)  # open settings at their defaults, as the customer starts from them
    values = parse_selection(engine.model, shown).values
    alternatives = engine.alternatives(selection)
    labels = {option.id: option.label or option.id for option in product.options()}
    there = shown_options(product, values)  # an absent instance's settings are nobody's to change
    settings = tuple(
        _kept(_setting(option, values.get(option.id), set(alternatives[option.id].values)), typed or {}, errors or {})
        for option in adjustable(product) if option.id in there
    )
    options = {option.id: option for option in product.options()}
    changes = tuple(
        Change(
            c.at.strftime("%Y-%m-%d %H:%M UTC"),
            labels.get(c.option, c.option),
            value_label(options.get(c.option), c.old),
            value_label(options.get(c.option), c.new),
            c.who,
        )
        for c in reversed(history)
    )
    editable = secret_link is not None
    return SettingsCard(saved.id, product.id, product.name, settings, changes, csrf, messages, editable, secret_link)


def _kept(setting: Setting, typed: Mapping[str, str], errors: Mapping[str, str]) -> Setting:
    """The setting with what the customer typed kept in a typed field, and why it was refused."""
    error = errors.get(setting.id, "")
    value = typed.get(setting.id, setting.value) if setting.control in ("number", "text") else setting.value
    return dataclasses.replace(setting, value=value, error=error) if error or value != setting.value else setting


def _setting(option: AnyOption, value: Any, possible: set[Any]) -> Setting:
    label = option.label or option.id
    shown = widget(option)
    match shown:
        case Choices():
            chosen = set(value) if isinstance(value, frozenset) else {value}
            choices = tuple(Choice(v.id, v.label or v.id, v.id in chosen, v.id in possible) for v in shown.values)
            return Setting(option.id, label, "checkboxes" if shown.many else "select", choices)
        case YesNo():
            choices = tuple(
                Choice(text, _(said), value is flag, flag in possible)
                for flag, text, said in YES_NO
            )
            return Setting(option.id, label, "select", choices)
        case NumberField():
            low, high = (min(possible), max(possible)) if possible else (shown.low, shown.high)
            number = "" if value is None else str(plain(value))
            low_text, high_text, step_text = str(plain(low)), str(plain(high)), str(plain(shown.step))
            return Setting(option.id, label, "number", (), number, low_text, high_text, step_text, shown.unit,
                           range_words(Decimal(low_text), Decimal(high_text), Decimal(step_text), shown.unit))
        case TextField():
            return Setting(option.id, label, "text", (), "" if value is None else str(value))
        case _:
            assert_never(shown)

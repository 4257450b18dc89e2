"""Settings adjusted in use (the adaptive face of mass customization).

Options marked `timing: use` (scenes, presets, schedules) are the customer's to change after purchase: on a saved
configuration, within the rules, each change kept with who made it, when, and the old and new value. The saved
row itself never changes: its current settings are its own values with every change applied in order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from catalog.schema import AnyOption, Product
from configurator.api.routes import violations_out
from configurator.db import SavedConfiguration, SettingsChange, writing
from configurator.errors import NotFound, Unprocessable
from rules.engine import Engine as RulesEngine
from rules.selection import Violation, parse_selection, plain


def adjustable(product: Product) -> list[AnyOption]:
    """The options the customer adjusts in use."""
    return [option for option in product.options() if option.customization.timing == "use"]


def history_of(db: Session, saved_id: str) -> list[SettingsChange]:
    """Every change made to a saved configuration's settings, oldest first."""
    query = select(SettingsChange).where(SettingsChange.saved_id == saved_id)
    return list(db.exec(query.order_by(SettingsChange.at, SettingsChange.id)))  # type: ignore[arg-type]


def current_selection(saved: SavedConfiguration, history: Sequence[SettingsChange]) -> dict[str, Any]:
    """The saved selection with every settings change applied in order (a setting cleared is left out)."""
    selection = dict(saved.selections)
    for change in history:
        if change.new is None:
            selection.pop(change.option, None)
        else:
            selection[change.option] = change.new
    return selection


def load(engine: Engine, saved_id: str) -> tuple[SavedConfiguration, list[SettingsChange]]:
    """A saved configuration and its settings history (NotFound if there is none)."""
    with Session(engine) as db:
        saved = db.get(SavedConfiguration, saved_id[:64])
        if saved is None:
            raise NotFound(f"no saved configuration '{saved_id[:64]}'")
        return saved, history_of(db, saved.id)


def adjust(
    engine: Engine, rules: RulesEngine, saved_id: str, requested: Mapping[str, Any], who: str
) -> list[SettingsChange]:
    """Apply the requested settings in one write transaction and return the whole history; Unprocessable (and
    nothing stored) for an option not adjusted in use, a value it does not take, or a result against the rules."""
    product = rules.model.product
    allowed = {option.id for option in adjustable(product)}
    refused = [name for name in requested if name not in allowed]
    if refused:
        detail = [Violation(f"{name} is not adjusted in use", option=name) for name in refused]
        raise Unprocessable("Only settings adjusted in use can change", violations_out(detail))
    with writing(engine) as db:
        saved = db.get(SavedConfiguration, saved_id[:64])
        if saved is None or saved.product_id != product.id:
            raise NotFound(f"no saved configuration '{saved_id[:64]}'")
        history = history_of(db, saved.id)
        before = current_selection(saved, history)
        after = {**before, **{k: v for k, v in requested.items() if v is not None}}
        for name in (k for k, v in requested.items() if v is None):
            after.pop(name, None)
        state = rules.validate(after)
        if not state.consistent:
            problem = "These settings are not possible with this configuration"
            raise Unprocessable(problem, violations_out(state.violations))
        values = parse_selection(rules.model, after).values
        for name in requested:
            old, new = before.get(name), plain(values[name]) if name in values else None
            if old != new:
                db.add(SettingsChange(saved_id=saved.id, option=name, old=old, new=new, who=who))
        db.commit()
        return history_of(db, saved.id)



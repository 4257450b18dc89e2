"""Settings adjusted in use (the adaptive face of mass customization).

Options marked `timing: use` (scenes, presets, schedules) are the customer's to change after purchase: on a saved
configuration, within the rules, each change kept with who made it, when, and the old and new value. The saved
row itself never changes: its current settings are its own values with every change applied in order.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from catalog.schema import AnyOption, Product
from catalog.wording import _
from configurator.persistence.db import SavedConfiguration, SettingsChange, hash_key, writing
from configurator.services.refusals import Missing, Refused
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


def new_edit_secret() -> tuple[str, str]:
    """A secret for changing a shop customer's settings, and the hash that is stored of it."""
    secret = secrets.token_urlsafe(16)
    return secret, hash_key(secret)


def may_edit(saved: SavedConfiguration, secret: str | None) -> bool:
    """Whether `secret` is the one of the shop customer who saved it (API-made ones have none)."""
    if saved.edit_hash is None or not secret:
        return False
    return hmac.compare_digest(hash_key(secret[:200]), saved.edit_hash)


def shown_settings(rules: RulesEngine, selection: Mapping[str, Any]) -> dict[str, Any]:
    """The values the customer sees and starts from: the selection, its open options at what the engine
    completes them with (defaults first), as plain JSON values."""
    parsed = parse_selection(rules.model, selection)
    completed = None if parsed.violations else rules.complete(selection)
    chosen = parse_selection(rules.model, completed).values if completed is not None else parsed.values
    return {name: plain(value) for name, value in chosen.items()}


def load(engine: Engine, saved_id: str, key: int | None = None) -> tuple[SavedConfiguration, list[SettingsChange]]:
    """A saved configuration and its settings history, as the caller may read it: one made in the shop by anyone
    with its link, one made through the API only with the key that made it (Missing otherwise)."""
    with Session(engine) as db:
        saved = db.get(SavedConfiguration, saved_id[:64])
        if saved is None or saved.api_key_id not in (None, key):  # another key's is as unknown as a missing one
            raise Missing(f"no saved configuration '{saved_id[:64]}'")
        return saved, history_of(db, saved.id)


def adjust(
    engine: Engine, rules: RulesEngine, saved_id: str, requested: Mapping[str, Any], who: str, key: int | None
) -> list[SettingsChange]:
    """Apply the requested settings in one write transaction and return the whole history; Missing unless `key`
    made it (None: made in the shop, whose caller has checked the customer's secret); Refused (and nothing
    stored) for an option not adjusted in use, a value it does not take, or a result against the rules."""
    product = rules.model.product
    allowed = {option.id for option in adjustable(product)}
    refused = [name for name in requested if name not in allowed]
    if refused:
        detail = [Violation(_("%(option)s is not adjusted in use") % {"option": name}, option=name) for name in refused]
        raise Refused(_("Only settings adjusted in use can change"), detail)
    with writing(engine) as db:
        saved = db.get(SavedConfiguration, saved_id[:64])
        if saved is None or saved.product_id != product.id or saved.api_key_id != key:
            raise Missing(f"no saved configuration '{saved_id[:64]}'")
        history = history_of(db, saved.id)
        before = current_selection(saved, history)
        after = {**before, **{k: v for k, v in requested.items() if v is not None}}
        for name in (k for k, v in requested.items() if v is None):
            after.pop(name, None)
        state = rules.validate(after)
        if not state.consistent:
            problem = _("These settings are not possible with this configuration")
            raise Refused(problem, state.violations)
        values = parse_selection(rules.model, after).values
        shown = shown_settings(rules, before)
        for name in requested:
            old, new = shown.get(name), plain(values[name]) if name in values else None
            if old != new:
                db.add(SettingsChange(saved_id=saved.id, option=name, old=old, new=new, who=who))
        db.commit()
        return history_of(db, saved.id)



"""One step of the product form: what a post (a change, undo, complete, cheapest, a value chosen anyway, a
repair applied, a full explanation asked for) leads to, as the new selection, history and messages."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData

from catalog.instances import INSTANCE_ACTIONS, component_of, instance_change
from catalog.kinds import choice_words, traits, value_label
from catalog.wording import _
from configurator.views.form import (
    HISTORY_FIELD,
    answers_from_fields,
    decode_history,
    fields_of,
    shop_query,
    shop_selection,
)
from configurator.views.product import RepairView
from configurator.views.stepper import REVIEW
from configurator.web.render import form_text, parse_query
from rules.engine import Engine
from rules.pricing import from_price
from rules.selection import parse_selection

# Where focus lands after an action: the price (it says what the action did), or the messages (what went wrong).
PRICE = "price"
MESSAGES = "messages"


def step_of(engine: Engine, form: FormData, price_list: str | None = None) -> StepResult:
    """What the post leads to, the dialog's answers and the step the shopper is on kept."""
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    went = form_text(form, "go")
    if went:  # a move in the stepper (to a step, or to an option from the review): the same choices
        step_id, _sep, option_id = went.partition(":")
        land = f"option-{option_id}" if option_id else ("review-title" if step_id == REVIEW else f"step-{step_id}")
        selection = shop_selection(engine.model.product, fields)
        history = decode_history(form_text(form, HISTORY_FIELD))
        moved = StepResult(engine, selection, history, land=land, current=step_id, moved=True)
        return dataclasses.replace(moved, answers=answers_from_fields(fields))
    result = _move(engine, form, price_list)
    return dataclasses.replace(result, answers=answers_from_fields(fields), current=form_text(form, "step") or "")


def _move(engine: Engine, form: FormData, price_list: str | None) -> StepResult:
    product = engine.model.product
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    selection = shop_selection(product, fields)
    was = form_text(form, "was") or ""
    history = decode_history(form_text(form, HISTORY_FIELD))
    action = form_text(form, "do") or "update"
    if action == "undo" and history:
        previous = history[-1]
        return StepResult(engine, shop_selection(product, parse_query(previous)), history[:-1], land=PRICE)
    if action in ("complete", "cheapest"):
        cheapest = action == "cheapest"
        done = from_price(engine, selection, price_list).selections if cheapest else engine.complete(selection)
        if done is None:
            stuck = _("No valid configuration extends these choices.")
            return StepResult(engine, selection, history, messages=(stuck,), land=MESSAGES)
        # Catalog values (a set for a multi choice) back to the form's own shape, as a redirect would give them.
        return StepResult(engine, shop_selection(product, fields_of(done)), _pushed(history, was), land=PRICE)
    if action.startswith(("try:", "apply:")):
        return _repair_step(engine, selection, history, was, action)
    if action.startswith("why:"):  # the full explanation of one value: the same page, that reason complete
        option_id, _sep, value_id = action.removeprefix("why:").partition("=")
        return StepResult(engine, selection, history, focus=(option_id, value_id), land=f"option-{option_id}")
    if action.split(":")[0] in INSTANCE_ACTIONS:
        return _instance_step(engine, selection, history, was, action)
    if action.startswith("keep:"):  # the repair declined: back to the option it was about
        return StepResult(engine, selection, history, land=f"option-{action.removeprefix('keep:')}")
    now = shop_query(product, selection)
    return StepResult(engine, selection, _pushed(history, was) if now != was else history)


def _instance_step(engine: Engine, selection: dict[str, Any], history: list[str], was: str, action: str) -> StepResult:
    """An instance added, removed, copied or moved (`add:sections`, `remove:sections:2`, `copy:...`, `left:...`,
    `right:...`); focus lands on the instance it made or moved, or on the component's heading."""
    kind, _sep, target = action.partition(":")
    component_id, _sep, number = target.partition(":")
    component = component_of(engine.model.product, component_id)
    index = int(number) if number.isdigit() else 0
    if component is None:
        unknown = _("There is no option “%(option)s”.") % {"option": component_id}
        return StepResult(engine, selection, history, messages=(unknown,), land=MESSAGES)
    changed = instance_change(component, selection, kind, index)
    if changed is None:
        return StepResult(engine, selection, history, land=f"step-{component_id}")
    now, at = changed
    land = f"instance-{component_id}-{at}" if at else f"step-{component_id}"
    return StepResult(engine, now, _pushed(history, was), land=land, current=component_id)


def _repair_step(
    engine: Engine, selection: dict[str, Any], history: list[str], was: str, action: str
) -> StepResult:
    kind, _sep, target = action.partition(":")
    option_id, _sep, value_text = target.partition("=")
    option = engine.model.options.get(option_id)
    if option is None:
        unknown = _("There is no option “%(option)s”.") % {"option": option_id}
        return StepResult(engine, selection, history, messages=(unknown,), land=MESSAGES)
    option_kind = traits(option)
    value: Any = (value_text == "true") if option_kind.expression == "bool" else value_text
    if option_kind.many:
        current = selection.get(option_id)
        value = sorted({*(current if isinstance(current, list) else []), value_text})
    rest = {k: v for k, v in selection.items() if k != option_id}
    fix = engine.advisor.repair(rest, option_id, value_text if option_kind.many else value)
    if not fix.possible:
        said = {"option": option.label or option_id, "value": value_label(option, value)}
        impossible = _("%(option)s cannot be %(value)s with any choices.") % said
        return StepResult(engine, selection, history, messages=(impossible,), land=MESSAGES)
    if kind == "apply":
        kept = {k: v for k, v in rest.items() if k not in fix.drop}
        return StepResult(engine, {**kept, option_id: value}, _pushed(history, was), land=f"option-{option_id}")
    labels = {o.id: o.label or o.id for o in engine.model.options.values()}
    values = parse_selection(engine.model, selection).values  # catalog values: a yes is True, not "true"
    repair = RepairView(
        option=option_id,
        option_label=labels[option_id],
        value=value_text,
        value_label=value_label(option, value_text),
        drop=tuple(choice_words(engine.model.options.get(name), values.get(name, selection[name]), name)
                   for name in fix.drop),
        apply_query=f"apply:{option_id}={value_text}",
    )
    return StepResult(engine, selection, history, repair=repair, land="repair-title")


@dataclass(frozen=True)
class StepResult:
    """What one post leads to: the new selection and history, a repair to confirm, messages for the shopper."""

    engine: Engine
    selection: dict[str, Any]
    history: list[str]
    repair: RepairView | None = None
    messages: tuple[str, ...] = ()
    focus: tuple[str, str] | None = None  # a value whose full explanation was asked for
    answers: dict[str, str] = dataclasses.field(default_factory=dict)  # the "help me choose" answers given
    land: str = ""  # the id of the element focus goes to after the swap (none: it stays where the shopper is)
    current: str = ""  # the step the shopper is on (a step id, or the review)
    moved: bool = False  # a move among the steps: the page shows another step, so it is sent whole

    @property
    def permalink(self) -> str:
        """The URL of the new state."""
        query = shop_query(self.engine.model.product, self.selection, self.history, self.answers)
        at = f"{'&' if query else ''}step={quote(self.current)}" if self.current else ""
        return f"/products/{self.engine.model.product.id}?{query}{at}"


def _pushed(history: list[str], was: str) -> list[str]:
    return [*history, was]

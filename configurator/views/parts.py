"""A component's instances as the shop shows them: a card each, with what the shopper may do to it (issue 24).

Every action offered extends to a valid finished product, as every value does: another instance is offered where
the engine says one more is possible with the choices made; removing, copying or moving an instance where the
selection it leads to is still consistent. An action that would leave no valid product stays visible, disabled,
with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from catalog.components import instance_id, item_label
from catalog.instances import instance_change, number_of
from catalog.schema import Component
from catalog.wording import _
from rules.domains import OptionDomain
from rules.engine import Engine


@dataclass(frozen=True)
class PartAction:
    """Something the shopper may do to the instances: add one, remove, copy or move one."""

    do: str  # the form's action: "add:sections", "remove:sections:2"
    label: str  # the button's words
    accessible: str  # the button's name for a screen reader, naming the instance
    possible: bool
    reason: str = ""  # why not, where it is not possible


@dataclass(frozen=True)
class InstanceView:
    """One instance: its card's id and heading, its options (by id, in order), what may be done to it."""

    id: str
    label: str
    options: tuple[str, ...]
    actions: tuple[PartAction, ...]


@dataclass(frozen=True)
class PartsView:
    """A component's instances and the offer of another."""

    component: str
    number: int
    hint: str  # how many there may be, in words
    instances: tuple[InstanceView, ...]
    add: PartAction | None
    error: str = ""  # a number of instances the link or form gave that the component refuses


def parts_of(engine: Engine, component: Component, selection: Mapping[str, Any],
             domains: Mapping[str, OptionDomain]) -> PartsView:
    """The cards of a component's instances, each action checked against the engine."""
    number = number_of(component, selection)
    item = component.item or component.label
    cards = []
    for index in range(1, number + 1):
        name = item_label(component, index)
        offered = [("copy", _("Duplicate"), _("Duplicate %(item)s") % {"item": name})]
        if index > 1:
            offered.append(("left", _("Move earlier"), _("Move %(item)s earlier") % {"item": name}))
        if index < number:
            offered.append(("right", _("Move later"), _("Move %(item)s later") % {"item": name}))
        offered.append(("remove", _("Remove"), _("Remove %(item)s") % {"item": name}))
        actions = tuple(_checked(engine, component, selection, kind, index, label, accessible)
                        for kind, label, accessible in offered)
        options = tuple(instance_id(component.id, index, option.id) for option in component.options)
        cards.append(InstanceView(f"instance-{component.id}-{index}", name, options, actions))
    possible = domains.get(component.id)
    more = possible is not None and Decimal(number + 1) in possible.values
    add = PartAction(f"add:{component.id}", _("Add %(item)s") % {"item": item},
                     _("Add %(item)s") % {"item": item}, more,
                     "" if more else _("No more fit with the choices made.")) if number < component.max else None
    hint = _("%(low)s to %(high)s") % {"low": component.min, "high": component.max}
    return PartsView(component.id, number, hint, tuple(cards), add)


def _checked(engine: Engine, component: Component, selection: Mapping[str, Any], kind: str, index: int,
             label: str, accessible: str) -> PartAction:
    """An action on instance `index`, possible where it has room and leaves the choices consistent."""
    changed = instance_change(component, selection, kind, index)
    room = changed is not None
    consistent = changed is not None and engine.consistent(changed[0])
    if consistent:
        reason = ""
    elif room:
        reason = _("Not possible with the choices made.")
    elif kind == "remove":
        reason = _("There must be at least %(count)s.") % {"count": component.min}
    else:
        reason = _("There can be at most %(count)s.") % {"count": component.max}
    return PartAction(f"{kind}:{component.id}:{index}", label, accessible, consistent, reason)

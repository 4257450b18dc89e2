"""Instances of components in a selection: written as lists or as their options, added, removed, copied, moved.

A selection names an instance's options by their unrolled ids (`sections[2].width`); storefronts may give each
component as a list of instances instead (`"sections": [{"width": 80}, {}]`). The shop adds, removes, copies and
moves instances by rewriting the selection: the instances after a removed one move up a place, as a workshop
would close the gap, so a configuration never has a hole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog.components import instance_id
from catalog.kinds import absent_value
from catalog.schema import Component, Product


def with_absent(product: Product, values: Mapping[str, Any]) -> dict[str, Any]:
    """Catalog values with every instance beyond its component's chosen number set to its absent value."""
    filled = dict(values)
    for component in product.components:
        number = values.get(component.id)
        if number is None:
            continue
        for index in range(int(number) + 1, component.max + 1):
            for option in component.options:
                filled.setdefault(instance_id(component.id, index, option.id), absent_value(option))
    return filled


def flat_selection(product: Product, selections: Mapping[str, Any]) -> dict[str, Any]:
    """A selection with each component given as a list of instances (`"sections": [{"width": 80}, ...]`) written
    as the options it unrolls to: the number of instances and each one's values."""
    flat: dict[str, Any] = {}
    components = {component.id: component for component in product.components}
    for key, raw in selections.items():
        component = components.get(key)
        if component is None or not isinstance(raw, list) or not all(isinstance(i, Mapping) for i in raw):
            flat[key] = raw  # not a list of instances: checked as the number option it is
            continue
        flat.update(flat_selection_of(component, raw))
    return flat


def component_of(product: Product, component_id: str) -> Component | None:
    """The product's component of that id."""
    return next((c for c in product.components if c.id == component_id), None)


def instances(component: Component, selection: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each present instance's chosen values by its own option ids (as many as the selection's number says)."""
    number = number_of(component, selection)
    return [
        {option.id: selection[key] for option in component.options
         if (key := instance_id(component.id, index, option.id)) in selection}
        for index in range(1, number + 1)
    ]


def number_of(component: Component, selection: Mapping[str, Any]) -> int:
    """How many instances a selection has: its number, else the component's default (where it starts)."""
    raw = selection.get(component.id)
    try:
        number = int(str(raw)) if raw is not None else -1
    except ValueError:
        number = -1
    if not component.min <= number <= component.max:
        number = component.default if component.default is not None else component.min
    return number


def with_instances(component: Component, selection: Mapping[str, Any], parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The selection with the component's instances replaced by `parts` (its number set to how many)."""
    kept = {key: value for key, value in selection.items()
            if key != component.id and not key.startswith(f"{component.id}[")}
    return {**kept, **flat_selection_of(component, parts)}


def flat_selection_of(component: Component, parts: list[dict[str, Any]]) -> dict[str, Any]:
    """A component's instances as the options they unroll to."""
    flat: dict[str, Any] = {component.id: len(parts)}
    for index, part in enumerate(parts, start=1):
        flat.update((instance_id(component.id, index, name), value) for name, value in part.items())
    return flat


def added(component: Component, selection: Mapping[str, Any]) -> dict[str, Any]:
    """One more instance at the end, its options still open."""
    return with_instances(component, selection, [*instances(component, selection), {}])


def removed(component: Component, selection: Mapping[str, Any], index: int) -> dict[str, Any]:
    """Instance `index` (1-based) taken out; the ones after it move up a place."""
    parts = instances(component, selection)
    return with_instances(component, selection, [p for i, p in enumerate(parts, start=1) if i != index])


def copied(component: Component, selection: Mapping[str, Any], index: int) -> dict[str, Any]:
    """A copy of instance `index` right after it."""
    parts = instances(component, selection)
    if not 1 <= index <= len(parts):
        return dict(selection)
    return with_instances(component, selection, [*parts[:index], dict(parts[index - 1]), *parts[index:]])


def moved(component: Component, selection: Mapping[str, Any], index: int, by: int) -> dict[str, Any]:
    """Instance `index` moved `by` places (-1: one earlier), where there is a place to move to."""
    parts = instances(component, selection)
    target = index + by
    if not (1 <= index <= len(parts) and 1 <= target <= len(parts)):
        return dict(selection)
    parts[index - 1], parts[target - 1] = parts[target - 1], parts[index - 1]
    return with_instances(component, selection, parts)


INSTANCE_ACTIONS = ("add", "remove", "copy", "left", "right")


def instance_change(
    component: Component, selection: Mapping[str, Any], kind: str, index: int
) -> tuple[dict[str, Any], int] | None:
    """The selection after one of INSTANCE_ACTIONS on instance `index`, and the instance to look at then (0: the
    component as a whole); None where the action has nothing to act on (no such instance, no room)."""
    number = number_of(component, selection)
    if kind == "add":
        return (added(component, selection), number + 1) if number < component.max else None
    if not 1 <= index <= number:
        return None
    match kind:
        case "remove":
            return (removed(component, selection, index), 0) if number > component.min else None
        case "copy":
            return (copied(component, selection, index), index + 1) if number < component.max else None
        case "left":
            return (moved(component, selection, index, -1), index - 1) if index > 1 else None
        case "right":
            return (moved(component, selection, index, 1), index + 1) if index < number else None
    return None


def shown_options(product: Product, selection: Mapping[str, Any]) -> frozenset[str]:
    """The options a page shows: every option but those of instances beyond their component's number."""
    hidden = {
        instance_id(component.id, index, option.id)
        for component in product.components
        for index in range(number_of(component, selection) + 1, component.max + 1)
        for option in component.options
    }
    return frozenset(option.id for option in product.options() if option.id not in hidden)


def nested_selection(product: Product, selection: Mapping[str, Any]) -> dict[str, Any]:
    """A selection as a storefront reads it: the product's own options, and each component as the list of its
    present instances (an absent instance's implied values left out)."""
    inside = tuple(f"{component.id}[" for component in product.components)
    out = {key: value for key, value in selection.items() if not key.startswith(inside)}
    for component in product.components:
        if component.id in selection:
            out[component.id] = instances(component, selection)
    return out

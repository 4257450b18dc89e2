"""Components (issue 24): a product's parts, unrolled into plain options, rules and prices, one set per instance.

A component with `max` instances becomes a number option (its id: how many there are) and, for each position
1..max, a copy of its options (`sections[2].width`, labelled "Section 2: Width"). An instance beyond the number
chosen is absent: each of its options takes one value (a single choice the value ABSENT, a boolean false, a
number its minimum, a multi choice nothing, a text nothing), so a configuration counts each absent instance once.
The component's rules and price rules are copied per instance, held only while it is there; the aggregates of the
product's rules (`count(sections where ...)`, `sum(sections.width)`, `all(...)`, `any(...)`) are written out over
the instances in the plain language. The compiler then sees an ordinary product, and splits a wide sum or count
into a chain of partial ones (rules/compile.py), so every operation of the engine works on it unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar, assert_never

from catalog.expressions import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    Literal,
    Membership,
    Name,
    Not,
    Over,
    map_children,
    parse_expression,
    unparse,
)
from catalog.kinds import absent_capable, absent_value, count_limits, listed_values, needs_value, option_amounts, traits
from catalog.schema import (
    MAX_INSTANCES,
    Adjustment,
    AnyOption,
    AnyRule,
    Component,
    ConstraintRule,
    Customization,
    DefaultRule,
    ExcludesRule,
    Formula,
    NumberOption,
    Operation,
    Part,
    PriceList,
    Product,
    RequiresRule,
    Step,
    TableRule,
    Tiers,
)

PartOrOperation = TypeVar("PartOrOperation", Part, Operation)


def instance_id(component: str, index: int, name: str) -> str:
    """The id of an instance's option (or rule, or price key): `sections[2].width`."""
    return f"{component}[{index}].{name}"


def item_label(component: Component, index: int) -> str:
    """One instance's name: 'Section 2'."""
    return f"{component.item or component.label} {index}"


def count_option(component: Component) -> NumberOption:
    """The option saying how many instances there are (it has the component's id)."""
    return NumberOption(
        type="number", id=component.id, label=component.label, description=component.description,
        min=Decimal(component.min), max=Decimal(component.max), step=Decimal(1),
        default=Decimal(component.default if component.default is not None else component.min),
        customization=Customization(changes_product=True),
    )


def local_names(component: Component, index: int) -> dict[str, str]:
    """Each of a component's option ids, as instance `index` calls it."""
    return {option.id: instance_id(component.id, index, option.id) for option in component.options}


def rename(expr: Expr, names: Mapping[str, str]) -> Expr:
    """The expression with option names replaced (aggregates' insides keep their own names)."""
    return rewrite(expr, lambda name: Name(names.get(name.name, name.name), name.pos), lambda over: over)


def rewrite(expr: Expr, on_name: Callable[[Name], Expr], on_over: Callable[[Over], Expr]) -> Expr:
    """The expression rebuilt bottom-up, each name and aggregate replaced as the callbacks say."""
    if isinstance(expr, Name):
        return on_name(expr)
    if isinstance(expr, Over):
        return on_over(expr)
    return map_children(expr, lambda part: rewrite(part, on_name, on_over))


def _both(*parts: Expr | None) -> Expr:
    present = [part for part in parts if part is not None]
    if not present:
        return Literal(True, 0)
    return present[0] if len(present) == 1 else BoolOp("and", tuple(present), 0)


def present(component: Component, index: int) -> Expr | None:
    """The condition that instance `index` is there (None: always, within the component's minimum)."""
    return None if index <= component.min else Compare(">=", Name(component.id, 0), Literal(index, 0), 0)


def written_out(over: Over, component: Component) -> Expr:
    """An aggregate over a component's instances in the plain language: a count of conditions, or a sum."""
    holds: list[Expr] = []
    bodies: list[Expr | None] = []
    for index in range(1, component.max + 1):
        names = local_names(component, index)
        where = rename(over.where, names) if over.where is not None else None
        holds.append(_both(present(component, index), where))
        bodies.append(rename(over.body, names) if over.body is not None else None)
    match over.func:
        case "count":
            return Call("count", tuple(holds), over.pos)
        case "sum":
            terms = [
                body if isinstance(hold, Literal) else Arith("*", Call("count", (hold,), over.pos), body, over.pos)
                for hold, body in zip(holds, bodies, strict=True)
                if body is not None
            ]
            total = terms[0]
            for term in terms[1:]:
                total = Arith("+", total, term, over.pos)
            return total
        case "all":
            kept = tuple(body if isinstance(hold, Literal) else BoolOp("or", (Not(hold, over.pos), body), over.pos)
                         for hold, body in zip(holds, bodies, strict=True) if body is not None)
            return Compare("==", Call("count", kept, over.pos), Literal(len(kept), over.pos), over.pos)
        case "any":
            met = tuple(_both(hold, body) for hold, body in zip(holds, bodies, strict=True))
            return Compare(">=", Call("count", met, over.pos), Literal(1, over.pos), over.pos)
        case _:
            assert_never(over.func)


def expand(text: str, components: Mapping[str, Component], names: Mapping[str, str] | None = None) -> str:
    """An expression's text with every aggregate written out (and names renamed, for an instance's own rule)."""
    if names is None and not components:
        parse_expression(text)  # still a valid expression, as every text the unroller hands on
        return text
    return unparse(_written(text, components, names))


def _written(text: str, components: Mapping[str, Component], names: Mapping[str, str] | None) -> Expr:
    """The parsed expression with every aggregate written out and names renamed."""
    renamed = {} if names is None else names

    def over(found: Over) -> Expr:
        return written_out(found, components[found.component])

    return rewrite(parse_expression(text), lambda name: Name(renamed.get(name.name, name.name), name.pos), over)


def unroll(product: Product) -> Product:
    """The product with its components written out as plain options, rules and prices (itself if it has none)."""
    if not product.components:
        return product
    components = {component.id: component for component in product.components}
    steps = [*product.steps, *(_step(component) for component in product.components)]
    rules = [_expanded_rule(rule, components, None) for rule in product.rules]
    pricing: list[Any] = []
    for price in product.pricing:
        if isinstance(price, Tiers) and price.over in components:
            pricing.extend(adjustment for adjustment, _key, _times in tiered(price, components[price.over]))
        else:
            pricing.append(_expanded_price(price, components, None, None))
    for component in product.components:
        for index in range(1, component.max + 1):
            rules.extend(_instance_rules(component, index, components))
            pricing.extend(_expanded_price(price, components, component, index) for price in component.pricing)
    preview = product.preview
    if preview is not None:
        layers = [layer.model_copy(update={"when": expand(layer.when, components)}) if layer.when else layer
                  for layer in preview.layers]
        preview = preview.model_copy(update={"layers": layers})
    lists = [_price_list(price_list, product.components, product.pricing) for price_list in product.price_lists]
    bom = [_made(part, components, None, "quantity") for part in product.bom]
    routing = [_made(operation, components, None, "minutes") for operation in product.routing]
    for component in product.components:
        for index in range(1, component.max + 1):
            bom.extend(_made(part, components, (component, index), "quantity") for part in component.bom)
            routing.extend(_made(step, components, (component, index), "minutes") for step in component.routing)
    return product.model_copy(update={
        "steps": steps, "rules": rules, "pricing": pricing, "preview": preview, "price_lists": lists,
        "bom": bom, "routing": routing,
    })


def _made(line: PartOrOperation, components: Mapping[str, Component], instance: tuple[Component, int] | None,
          amount: str) -> PartOrOperation:
    """A bill-of-materials line or routing step with aggregates written out; for an instance, its sub-assembly's:
    its names the instance's, used while it is there."""
    if instance is None:
        return line.model_copy(update={
            "when": _guarded(line.when, None, components, None), amount: expand(getattr(line, amount), components),
        })
    component, index = instance
    names = local_names(component, index)
    update: dict[str, Any] = {
        "when": _guarded(line.when, present(component, index), components, names),
        amount: expand(getattr(line, amount), components, names),
        "assembly": item_label(component, index),
    }
    return line.model_copy(update=update)


def _step(component: Component) -> Step:
    options: list[AnyOption] = [count_option(component)]
    for index in range(1, component.max + 1):
        options.extend(_instance_option(component, index, option) for option in component.options)
    return Step.model_construct(id=component.id, label=component.label, description=component.description,
                                options=options)


def _instance_option(component: Component, index: int, option: AnyOption) -> AnyOption:
    label = f"{item_label(component, index)}: {option.label or option.id}"
    shown = option.model_copy(update={"id": instance_id(component.id, index, option.id), "label": label})
    return shown if index <= component.min else absent_capable(shown)  # beyond the minimum it may be absent


def _instance_rules(component: Component, index: int, components: Mapping[str, Component]) -> list[AnyRule]:
    """Instance `index`'s copy of the component's rules, and (beyond the minimum) what its absence means."""
    names = local_names(component, index)
    rules = [_expanded_rule(rule, components, (component, index)) for rule in component.rules]
    if index <= component.min:
        return rules
    there = Compare(">=", Name(component.id, 0), Literal(index, 0), 0)
    message = f"{item_label(component, index)} is there only with {index} or more {component.label}."
    for option in component.options:
        name = Name(names[option.id], 0)
        gone = _absent_condition(option, name)
        if traits(option).expression == "choice":  # the absent value is taken exactly when it is not there
            expr: Expr = Compare("==", there, Not(gone, 0), 0)
        else:
            expr = BoolOp("or", (there, gone), 0)
        rules.append(ConstraintRule(type="constraint", id=instance_id(component.id, index, f"{option.id}:there"),
                                    message=message, expr=unparse(expr)))
        needed = _needed_while_there(option, name)
        if needed is not None:
            rules.append(ConstraintRule(
                type="constraint", id=instance_id(component.id, index, f"{option.id}:needed"),
                message=f"{item_label(component, index)}: {option.label or option.id} needs a value.",
                expr=unparse(BoolOp("or", (Not(there, 0), needed), 0)),
            ))
    return rules


def _absent_condition(option: AnyOption, name: Name) -> Expr:
    """That the option holds its absent value: nothing chosen (a yes/no or a multi choice), else that value."""
    kind = traits(option)
    if kind.many or kind.expression == "bool":
        return Not(name, 0)
    return Compare("==", name, Literal(absent_value(option), 0), 0)


def _needed_while_there(option: AnyOption, name: Name) -> Expr | None:
    """What the option's own limits ask while its instance is there (only those its absent state breaks)."""
    kind = traits(option)
    least = (count_limits(option) or (0, 0))[0]
    if kind.many and least > 0:
        members = tuple(Membership(Literal(value.id, 0), name, False, 0) for value in listed_values(option))
        return Compare(">=", Call("count", members, 0), Literal(least, 0), 0)
    if kind.expression == "text" and needs_value(option):
        return Compare("!=", name, Literal("", 0), 0)
    return None


def _guarded(when: str | None, guard: Expr | None, components: Mapping[str, Component],
             names: Mapping[str, str] | None) -> str | None:
    """A rule's condition as an instance holds it: only while the instance is there."""
    inner = _written(when, components, names) if when is not None else None
    if guard is None:
        return unparse(inner) if inner is not None else None
    return unparse(_both(guard, inner))


def _expanded_rule(rule: AnyRule, components: Mapping[str, Component],
                   instance: tuple[Component, int] | None) -> AnyRule:
    """A rule with aggregates written out; for an instance, its names and id the instance's, held while there."""
    if instance is None:
        names: dict[str, str] | None = None
        guard: Expr | None = None
        rule_id = rule.id
    else:
        component, index = instance
        names, guard, rule_id = local_names(component, index), present(component, index), \
            instance_id(component.id, index, rule.id)
    match rule:
        case RequiresRule() | ExcludesRule():
            return rule.model_copy(update={
                "id": rule_id, "when": _guarded(rule.when, guard, components, names),
                "then": expand(rule.then, components, names),
            })
        case ConstraintRule():
            return rule.model_copy(update={
                "id": rule_id, "when": _guarded(rule.when, guard, components, names),
                "expr": expand(rule.expr, components, names),
            })
        case DefaultRule():
            option = (names or {}).get(rule.option, rule.option)
            return rule.model_copy(update={
                "id": rule_id, "when": _guarded(rule.when, guard, components, names), "option": option,
            })
        case TableRule():
            return _instance_table(rule, rule_id, names, instance)
        case _:
            assert_never(rule)


def _instance_table(rule: TableRule, rule_id: str, names: Mapping[str, str] | None,
                    instance: tuple[Component, int] | None) -> TableRule:
    if names is None or instance is None:
        return rule
    component, index = instance
    columns = [names.get(column, column) for column in rule.columns]
    rows = [list(row) for row in rule.rows or []]
    if index <= component.min:
        return rule.model_copy(update={"id": rule_id, "columns": columns, "rows": rows})
    # It may be absent: the table holds while it is there, so the number of instances is a column of it (the
    # checker keeps a component's tables to its own options); while it is not, its options take their one value.
    options = {option.id: option for option in component.options}
    gone = [absent_value(options[column]) for column in rule.columns]
    there = [[number, *row] for number in range(index, component.max + 1) for row in rows]
    if rule.mode == "allowed":
        there += [[number, *gone] for number in range(component.min, index)]
    return rule.model_copy(update={"id": rule_id, "columns": [component.id, *columns], "rows": there})


def _expanded_price(price: Any, components: Mapping[str, Component], component: Component | None,
                    index: int | None) -> Any:
    """A price rule with aggregates written out; for an instance, applied while it is there and named after it."""
    if not isinstance(price, Adjustment | Formula):
        return price  # tiers: over the order's quantity, never an instance's
    if component is None or index is None:
        update: dict[str, Any] = {"when": _guarded(price.when, None, components, None)}
        if isinstance(price, Formula):
            update["expr"] = expand(price.expr, components)
        return price.model_copy(update=update)
    names = local_names(component, index)
    update = {
        "id": instance_id(component.id, index, price.id),
        "label": f"{item_label(component, index)}: {price.label}",
        "when": _guarded(price.when, present(component, index), components, names),
    }
    if isinstance(price, Formula):
        update["expr"] = expand(price.expr, components, names)
    return price.model_copy(update=update)


def tiered(rule: Tiers, component: Component) -> list[tuple[Adjustment, str, int]]:
    """Tiers over a component's number of instances as price rules of the unit price, each with the tier's amount
    key and how many times it holds: "range", one rule per number (every instance at the tier that number falls
    in); "slab", one per instance (each at the tier of its place)."""
    made = []
    for number in range(1, component.max + 1):
        band = next((n for n, tier in enumerate(rule.tiers, start=1)
                     if tier.min <= number <= (tier.max if tier.max is not None else MAX_INSTANCES)), None)
        if band is None:
            continue
        tier = rule.tiers[band - 1]
        times = number if rule.mode == "range" else 1
        when = f"{component.id} == {number}" if rule.mode == "range" else f"{component.id} >= {number}"
        shown = (f"{rule.label} ({number} × {tier.amount if tier.amount is not None else f'{tier.percent}%'})"
                 if rule.mode == "range" else f"{rule.label} ({item_label(component, number)})")
        amount = None if tier.amount is None else tier.amount * times
        percent = None if tier.percent is None else tier.percent * times
        adjustment = Adjustment.model_validate({
            "type": "surcharge", "id": f"{rule.id}@{number}", "label": shown, "if": when, "amount": amount,
            "percent": percent})
        made.append((adjustment, f"{rule.id}.{band}", times))
    return made


def component_keys(product: Product) -> tuple[dict[str, Decimal], dict[str, str]]:
    """The amounts and formulas a price list may give for components, by key: `sections.finish.oak` for a value
    of an option, `sections.panel-cut` for a price rule (each applies to every instance)."""
    amounts: dict[str, Decimal] = {}
    formulas: dict[str, str] = {}
    for component in product.components:
        for option in component.options:
            amounts.update((f"{component.id}.{key}", amount) for key, _, amount in option_amounts(option) if amount)
        for price in component.pricing:
            if isinstance(price, Formula):
                formulas[f"{component.id}.{price.id}"] = price.expr
            elif price.amount is not None:
                amounts[f"{component.id}.{price.id}"] = price.amount
    return amounts, formulas


def _price_list(price_list: PriceList, components: list[Component], pricing: list[Any]) -> PriceList:
    """A price list with each component key given for every instance (`sections[2].finish.oak`), and each tier
    over a number of instances for every number it holds for."""
    amounts = dict(price_list.amounts)
    formulas = dict(price_list.formulas)
    by_id = {component.id: component for component in components}
    for rule in pricing:
        if isinstance(rule, Tiers) and rule.over in by_id:
            for adjustment, key, times in tiered(rule, by_id[rule.over]):
                if key in price_list.amounts:
                    amounts[adjustment.id] = price_list.amounts[key] * times
    for component in components:
        prefix = f"{component.id}."
        for index in range(1, component.max + 1):
            names = local_names(component, index)
            for key, amount in price_list.amounts.items():
                if key.startswith(prefix):
                    amounts[instance_id(component.id, index, key.removeprefix(prefix))] = amount
            for key, text in price_list.formulas.items():
                if key.startswith(prefix):
                    formulas[instance_id(component.id, index, key.removeprefix(prefix))] = expand(text, {}, names)
    return price_list.model_copy(update={"amounts": amounts, "formulas": formulas})

"""The bill of materials and routing of a complete configuration: what the factory needs to build it (issue 24).

Each part line and operation of the catalog holds where its condition does, in the quantity (or minutes) its
expression gives; a component's lines are copied per instance at load (catalog/components.py) and name their
instance as their sub-assembly, so the bill is multi-level: the product's own parts and each present instance as
an assembly line, its parts below it. Costs roll up where the catalog gives them (part costs, work-centre rates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from catalog.expressions import parse_expression
from catalog.schema import Operation, Part, Product
from rules.evaluate import Undecided, evaluate, truth

CENT = Decimal("0.01")
PLACES = Decimal("0.000001")  # quantities and minutes are kept to six places (a catalog amount's own precision)
SIXTY = Decimal(60)


@dataclass(frozen=True)
class BomLine:
    """One line of the bill: a part in a quantity, or (kind "assembly") a sub-assembly whose parts follow it."""

    level: int
    assembly: str
    part: str
    description: str
    unit: str
    quantity: Decimal
    kind: str | None
    unit_cost: Decimal | None
    cost: Decimal | None


@dataclass(frozen=True)
class RoutingStep:
    """One operation of the routing at a work centre, with its time and (where the rate is known) its cost."""

    level: int
    assembly: str
    operation: str
    description: str
    work_centre: str
    minutes: Decimal
    cost: Decimal | None


@dataclass(frozen=True)
class Bom:
    """A configuration's bill of materials and routing, with the costs the catalog gives."""

    product: str
    currency: str
    lines: tuple[BomLine, ...]
    operations: tuple[RoutingStep, ...]
    material_cost: Decimal
    labour_cost: Decimal
    costed: bool  # every part and operation has a cost: the roll-up is the whole cost
    problems: tuple[str, ...] = ()  # lines left out because their quantity is below zero

    @property
    def cost(self) -> Decimal:
        """Material and labour together."""
        return self.material_cost + self.labour_cost


def bill_of_materials(product: Product, values: Mapping[str, Any]) -> Bom:
    """The bill and routing of a complete configuration (catalog values by option id, absent instances included)."""
    problems: list[str] = []
    top: dict[tuple[str, str], BomLine] = {}
    assemblies: dict[str, dict[tuple[str, str], BomLine]] = {}
    for part in product.bom:
        amount = _amount(part.when, part.quantity, values)
        if amount is None or amount == 0:
            continue
        if amount < 0:
            problems.append(f"{part.part}: quantity {amount} is below zero (left out)")
            continue
        group = top if part.assembly is None else assemblies.setdefault(part.assembly, {})
        key = (part.part, part.unit)
        before = group.get(key)
        group[key] = _line(part, amount + (before.quantity if before else 0), 1 if part.assembly is None else 2)
    lines = list(top.values())
    for name, parts in assemblies.items():
        lines.append(BomLine(1, "", name, name, "pc", Decimal(1), "assembly", None, None))
        lines.extend(parts.values())
    steps = [_step(operation, minutes) for operation in product.routing
             if (minutes := _amount(operation.when, operation.minutes, values)) is not None and minutes > 0]
    material = sum((line.cost for line in lines if line.cost is not None), Decimal(0))
    labour = sum((step.cost for step in steps if step.cost is not None), Decimal(0))
    costed = all(line.cost is not None for line in lines if line.kind != "assembly") and all(
        step.cost is not None for step in steps)
    return Bom(product.id, product.currency, tuple(lines), tuple(steps), _cents(material), _cents(labour), costed,
               tuple(problems))


def _amount(when: str | None, expr: str, values: Mapping[str, Any]) -> Decimal | None:
    """The quantity (or minutes) of a line where its condition holds, else None."""
    try:
        if when is not None and not truth(evaluate(parse_expression(when), values)):
            return None
        amount = Decimal(evaluate(parse_expression(expr), values)).quantize(PLACES)
        return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()
    except Undecided:  # an option the configuration leaves open: the line cannot be said (never for a complete one)
        return None


def _line(part: Part, quantity: Decimal, level: int) -> BomLine:
    cost = None if part.cost is None else _cents(part.cost * quantity)
    return BomLine(level, part.assembly or "", part.part, part.description, part.unit, quantity, part.kind,
                   part.cost, cost)


def _step(operation: Operation, minutes: Decimal) -> RoutingStep:
    rate = operation.cost_per_hour
    cost = None if rate is None else _cents(rate * minutes / SIXTY)
    return RoutingStep(1 if operation.assembly is None else 2, operation.assembly or "", operation.id,
                       operation.description, operation.work_centre, minutes, cost)


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)

"""What the factory needs for a configuration: its bill of materials and routing as a record (kept with a quote, sent
by the API, shown to the merchandiser) and as CSV for a spreadsheet or an ERP import (a domain service: no HTTP)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from catalog.wording import _
from configurator.services.refusals import Refused
from configurator.services.spreadsheet import text_cell
from rules.bom import Bom, bill_of_materials
from rules.engine import Engine
from rules.selection import Selection

CSV_COLUMNS = ("level", "assembly", "part", "description", "unit", "quantity", "unit_cost", "cost", "kind",
               "work_centre", "minutes")


def bom_of(engine: Engine, selection: Selection) -> Bom:
    """The bill and routing of a complete, consistent selection; Refused, saying why, for anything else."""
    state = engine.check(selection)
    if not (state.consistent and state.complete):
        raise Refused(_("A bill of materials needs a complete configuration"), state.violations)
    return bill_of_materials(engine.model.product, state.values)


def has_making(engine: Engine) -> bool:
    """Whether the product says what parts and operations make it."""
    product = engine.model.product
    return bool(product.bom or product.routing)


def bom_record(bom: Bom, units: int = 1, net: Decimal | None = None, currency: str | None = None) -> dict[str, Any]:
    """The bill as JSON-ready data: per unit, with the cost of `units` and, where the net price is in the bill's
    currency, the margin."""
    order_cost = bom.cost * units
    margin = None if net is None or currency != bom.currency or not bom.costed else net - order_cost
    return {
        "product": bom.product,
        "currency": bom.currency,
        "units": units,
        "lines": [{"level": line.level, "assembly": line.assembly, "part": line.part,
                   "description": line.description, "unit": line.unit, "quantity": str(line.quantity),
                   "kind": line.kind, "unit_cost": _text(line.unit_cost), "cost": _text(line.cost)}
                  for line in bom.lines],
        "operations": [{"level": step.level, "assembly": step.assembly, "operation": step.operation,
                        "description": step.description, "work_centre": step.work_centre,
                        "minutes": str(step.minutes), "cost": _text(step.cost)} for step in bom.operations],
        "material_cost": str(bom.material_cost),
        "labour_cost": str(bom.labour_cost),
        "cost": str(bom.cost),
        "order_cost": str(order_cost),
        "costed": bom.costed,
        "net": _text(net),
        "margin": _text(margin),
        "problems": list(bom.problems),
    }


def bom_csv(record: dict[str, Any]) -> str:
    """A bill record as CSV: the parts, then the operations, one row each under one header (per unit)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for line in record["lines"]:
        writer.writerow(_cells({**line, "unit_cost": line["unit_cost"] or "", "cost": line["cost"] or "",
                                "kind": line["kind"] or ""}))
    for step in record["operations"]:
        writer.writerow(_cells({"level": step["level"], "assembly": step["assembly"], "part": step["operation"],
                                "description": step["description"], "kind": "operation",
                                "work_centre": step["work_centre"], "minutes": step["minutes"],
                                "cost": step["cost"] or ""}))
    return out.getvalue()


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    """A row whose text a spreadsheet shows as text (numbers are written as they are)."""
    return {key: text_cell(value) if key in _TEXT else value for key, value in row.items()}


_TEXT = frozenset({"assembly", "part", "description", "unit", "kind", "work_centre"})


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)

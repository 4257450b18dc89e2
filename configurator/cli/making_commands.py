"""The factory's view of a configuration: `configurator bom` prints its bill of materials and routing."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from configurator.cli.common import CatalogArg, ProductArg, SelectArg, app, engine_of_file, fail, selections_of
from configurator.services.making import bom_csv, bom_of, bom_record
from configurator.services.refusals import Refused


@app.command()
def bom(
    catalog: CatalogArg,
    product: ProductArg,
    select: SelectArg = None,
    selections: Annotated[
        str | None, typer.Option(help='The selection as JSON, as the API takes it: {"sections": [{"width": 80}]}.')
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (the API's shape).")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV, for a spreadsheet or an ERP import.")] = False,
) -> None:
    """Print the bill of materials and routing of a complete configuration (exit 1 if it is not one)."""
    engine = engine_of_file(catalog, product)
    chosen: dict[str, Any] = selections_of(engine, select)
    if selections is not None:
        try:
            given = json.loads(selections)
        except json.JSONDecodeError as exc:
            fail(f"--selections is not JSON: {exc}")
        if not isinstance(given, dict):
            fail("--selections takes a JSON object of option ids and values")
        chosen = {**given, **chosen}
    try:
        record = bom_record(bom_of(engine, chosen))
    except Refused as refused:
        reasons = "; ".join(v.message for v in refused.violations)
        fail(f"{refused.title}{': ' + reasons if reasons else ''}")
    if as_csv:
        typer.echo(bom_csv(record), nl=False)
    elif as_json:
        typer.echo(json.dumps(record, indent=2))
    else:
        _print(record)


def _print(record: dict[str, Any]) -> None:
    """The bill as a reader scans it: parts indented by level, then the operations, then the costs."""
    for line in record["lines"]:
        indent = "  " * line["level"]
        cost = f"  {line['cost']} {record['currency']}" if line["cost"] else ""
        typer.echo(f"{indent}{line['part']:<16} {line['quantity']:>8} {line['unit']:<3} {line['description']}{cost}")
    for step in record["operations"]:
        indent = "  " * step["level"]
        where = f" ({step['assembly']})" if step["assembly"] else ""
        cost = f"  {step['cost']} {record['currency']}" if step["cost"] else ""
        typer.echo(f"{indent}{step['operation']}{where} at {step['work_centre']}: {step['minutes']} min{cost}")
    typer.echo(f"cost: material {record['material_cost']}, labour {record['labour_cost']}, "
               f"total {record['cost']} {record['currency']}{'' if record['costed'] else ' (not every cost known)'}")

"""Commands over one product's engine: explore, count, explain, bench."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from catalog.errors import ConfiguratorError
from catalog.kinds import NumberField, widget
from configurator.cli.bench import bench as run_bench
from configurator.cli.common import (
    CatalogArg,
    ProductArg,
    SelectArg,
    app,
    engine_of_file,
    fail,
    load_uncached,
    selections_of,
)
from rules.selection import plain


@app.command()
def explore(
    catalog: CatalogArg,
    product: ProductArg,
    select: SelectArg = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show which values every option can still take, given the selections."""
    engine = engine_of_file(catalog, product)
    state = engine.validate(selections_of(engine, select))
    domains = {k: [plain(v) for v in d.values] for k, d in state.domains.items()}
    report = {
        "consistent": state.consistent,
        "complete": state.complete,
        "domains": domains,
        "excludable": {k: list(d.excludable) for k, d in state.domains.items() if d.many},
        "ranges": {
            k: {"min": plain(d.low), "max": plain(d.high), "step": plain(shown.step)}
            for k, d in state.domains.items()
            if isinstance(shown := widget(engine.model.options[k]), NumberField) and d.values
        },
        "violations": [{"rule": v.rule_id, "option": v.option, "message": v.message} for v in state.violations],
    }
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    typer.echo(f"consistent: {str(state.consistent).lower()}, complete: {str(state.complete).lower()}")
    for option_id, values in domains.items():
        typer.echo(f"  {option_id}: {', '.join(json.dumps(v) for v in values)}")
    for violation in state.violations:
        typer.echo(f"  violation: {violation.message}")


@app.command()
def count(
    catalog: CatalogArg,
    product: ProductArg,
    select: SelectArg = None,
    timeout: Annotated[
        float | None, typer.Option(min=0.1, help="Give up (exit 1, saying so) after this many seconds of counting.")
    ] = None,
) -> None:
    """Print the exact number of complete valid configurations extending the selections."""
    engine = engine_of_file(catalog, product)
    try:
        typer.echo(str(engine.count(selections_of(engine, select), timeout)))
    except ConfiguratorError as exc:
        fail(str(exc))


@app.command()
def explain(
    catalog: CatalogArg,
    product: ProductArg,
    option: Annotated[str, typer.Option(help="The option whose value is in question.")],
    value: Annotated[str, typer.Option(help="The value in question.")],
    select: SelectArg = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Say which choices and rules rule a value out, and the fewest choices to drop to allow it."""
    engine = engine_of_file(catalog, product)
    chosen = selections_of(engine, select)
    try:
        why = engine.advisor.explain(chosen, option, value)
        fix = engine.advisor.repair(chosen, option, value)
    except ConfiguratorError as exc:
        fail(str(exc))
    if as_json:
        report = {
            "option": option,
            "value": value,
            "possible": why.possible,
            "choices": {name: plain(v) for name, v in why.choices},
            "rules": list(why.rules),
            "messages": list(why.messages),
            "drop": list(fix.drop) if fix.possible else None,
        }
        typer.echo(json.dumps(report, indent=2))
        return
    if why.possible:
        typer.echo(f"{option} = {value} is possible with these selections.")
        return
    typer.echo(f"{option} = {value} is ruled out by:")
    for name, chosen_value in why.choices:
        typer.echo(f"  your choice {name} = {json.dumps(plain(chosen_value))}")
    for rule, message in zip(why.rules, why.messages):
        typer.echo(f"  rule {rule}: {message}")
    if fix.possible:
        typer.echo(f"To allow it, drop: {', '.join(fix.drop)}")
    else:
        typer.echo("No choice can be dropped to allow it: the catalog's rules forbid it.")


@app.command("bench")
def bench_command(
    catalog: CatalogArg,
    product: ProductArg,
    sessions: Annotated[int, typer.Option(help="Random sessions to run.")] = 5,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    baseline_steps: Annotated[int, typer.Option(help="Steps the baseline is measured on.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Benchmark interactive sessions against the straightforward SAT method, in the same run."""
    loaded = load_uncached(catalog, product)  # not the disk cache: the benchmark measures its own compile, once
    result = run_bench(loaded.product, sessions=sessions, seed=seed, baseline_steps=baseline_steps)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    if not result.valid:
        typer.echo(f"{product} has no valid configuration: there are no steps to measure "
                   f"(compiled in {result.compile_s:.2f} s; `configurator lint` names the conflicting rules)")
        return
    for key, figure in result.as_dict().items():
        typer.echo(f"{key}: {figure}")

"""The `configurator` command line: check catalogs, write the schema, serve the shop, explore products."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from catalog.loader import load_catalog
from catalog.schema_export import schema_text

app = typer.Typer(help="Mass-customization product configurator.", no_args_is_help=True, add_completion=False)


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Catalog files or folders.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report for tools.")] = False,
) -> None:
    """Validate catalog files; exit 0 if all are valid, 1 otherwise."""
    catalog = load_catalog(paths)
    ok = not catalog.errors and bool(catalog.files)
    if as_json:
        report = {
            "ok": ok,
            "files": catalog.files,
            "products": sorted(catalog.products),
            "errors": [error.as_dict() for error in catalog.errors],
        }
        typer.echo(json.dumps(report, indent=2))
    else:
        for error in catalog.errors:
            typer.echo(str(error))
        if not catalog.files:
            typer.echo("no catalog files found", err=True)
        else:
            typer.echo(
                f"{len(catalog.files)} file(s) checked, {len(catalog.products)} product(s) valid, "
                f"{len(catalog.errors)} error(s)",
                err=True,
            )
    raise typer.Exit(0 if ok else 1)


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
) -> None:
    """Write the JSON Schema of catalog files, for editors' YAML language servers."""
    text = schema_text()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    catalog: Annotated[Path | None, typer.Option(help="Catalog folder (default: the bundled samples).")] = None,
) -> None:
    """Serve the shop and the JSON API."""
    import uvicorn

    from configurator.app import create_app

    typer.echo(f"Serving the configurator on http://{host}:{port}/", err=True)
    uvicorn.run(create_app(catalog), host=host, port=port, log_level="info")

"""Commands over catalogs: check, lint, diff, classify, import a model, write the schema."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Engine as Database

from catalog.display import choice_phrase
from catalog.errors import ConfiguratorError
from catalog.importers.result import write_import
from catalog.loader import load_catalog
from catalog.schema_export import schema_text
from configurator.api.products import classification_out
from configurator.cli.common import (
    IMPORTERS,
    app,
    fail,
    product_of_file,
    read_settings,
)
from configurator.services.catalogs import load_compiled
from configurator.services.demand import demand_report
from configurator.services.replay import replay
from rules.classify import classify as classify_product
from rules.engine import engine_for
from rules.lint import coverage_findings, demand_findings
from rules.lint import lint as lint_product
from rules.revision import Revision, compare
from rules.selection import plain


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Catalog files or folders.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report for tools.")] = False,
) -> None:
    """Validate catalog files, compiling each product as the server would; exit 0 if all are valid, 1 otherwise."""
    catalog = load_compiled(paths)
    ok = not catalog.errors and bool(catalog.files)
    if as_json:
        report = {
            "ok": ok,
            "files": catalog.files,
            "products": sorted(catalog.products),
            "errors": [error.as_dict() for error in catalog.errors],
            "warnings": [warning.as_dict() for warning in catalog.warnings],
        }
        typer.echo(json.dumps(report, indent=2))
    else:
        for error in catalog.errors:
            typer.echo(str(error))
        for warning in catalog.warnings:
            typer.echo(f"{warning} (warning)")
        if not catalog.files:
            typer.echo("no catalog files found", err=True)
        else:
            typer.echo(
                f"{len(catalog.files)} file(s) checked, {len(catalog.products)} product(s) valid, "
                f"{len(catalog.errors)} error(s), {len(catalog.warnings)} warning(s)",
                err=True,
            )
    raise typer.Exit(0 if ok else 1)


@app.command()
def schema(
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
    translation: Annotated[bool, typer.Option(help="The schema of translation files (city-bike.de.yaml).")] = False,
) -> None:
    """Write the JSON Schema of catalog files, for editors' YAML language servers."""
    text = schema_text(translation)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


@app.command("import")
def import_model(
    kind: Annotated[str, typer.Argument(help="Source format: uvl, clib or xcsp.")],
    source: Annotated[Path, typer.Argument(help="The model file (uvl, xcsp) or folder (clib).")],
    out: Annotated[Path, typer.Option(help="Folder to write the catalog file and its tables into.")],
    product_id: Annotated[str | None, typer.Option("--id", help="Product id (default: the source's name).")] = None,
) -> None:
    """Import a third-party model as a catalog file that `configurator check` accepts."""
    importer = IMPORTERS.get(kind)
    if importer is None:
        fail(f"unknown format '{kind}' (choose from {', '.join(IMPORTERS)})")
    try:
        path = write_import(importer(source, product_id), out)
    except ConfiguratorError as exc:
        fail(f"import failed: {exc}")
    typer.echo(str(path))


@app.command()
def lint(
    paths: Annotated[list[Path], typer.Argument(help="Catalog files or folders.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as a JSON list.")] = False,
    demand: Annotated[bool, typer.Option(
        "--demand", help="Also flag rules that block much recorded demand and never an order (the --database, "
        "else DATABASE_URL).")] = False,
    database: Annotated[str | None, typer.Option(help="The database demand is read from.")] = None,
) -> None:
    """Find what the engine can tell is wrong: void products, dead and forced values, defaults that cannot hold,
    rules implied by the others, steps with nothing to choose, price anomalies; exit 1 if any is an error."""
    catalog = load_compiled(paths)
    findings = []
    for loaded in catalog.products.values():
        found = lint_product(engine_for(loaded.product, loaded.content_hash))
        if demand:
            rules = demand_report(_database(database), loaded.product.id).rules
            found += demand_findings(loaded.product, {r.rule: (r.attempts, r.sessions - r.left) for r in rules})
        for finding in found + coverage_findings(loaded.product, loaded.translations):
            at = finding.rule or finding.option or (f"/step/{finding.step}" if finding.step else "/languages")
            line, col = loaded.positions.get(at, (1, 1))
            findings.append((loaded, finding, line, col))
    failed = bool(catalog.errors) or any(finding.error for _, finding, _, _ in findings)
    if as_json:
        listed = [
            {"kind": f.kind, "product": loaded.product.id, "option": f.option, "value": plain(f.value), "rule": f.rule,
             "step": f.step, "file": loaded.file, "line": line, "error": f.error, "message": f.message}
            for loaded, f, line, _ in findings
        ]
        typer.echo(json.dumps(listed, indent=2))
    else:
        for error in catalog.errors:
            typer.echo(str(error))
        for loaded, f, line, col in findings:
            level = "error" if f.error else "info" if f.kind == "translation_coverage" else "warning"
            typer.echo(f"{loaded.file}:{line}:{col}: {level}: {f.kind}: {f.message}")
        typer.echo(f"{len(findings)} finding(s) in {len(catalog.products)} product(s)", err=True)
    raise typer.Exit(1 if failed else 0)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The catalog before (file or folder).")],
    new: Annotated[Path, typer.Argument(help="The catalog after (file or folder).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: Annotated[str | None, typer.Option(help="Also list the saved configurations this breaks.")] = None,
    demand: Annotated[bool, typer.Option(
        "--demand", help="Also say how much recorded demand (values found blocked, requests) the change would meet "
        "and how many quotes it would rule out (the --database, else DATABASE_URL).")] = False,
) -> None:
    """What changed between two catalog versions, and which configurations it makes invalid (counted exactly);
    exit 1 with their file:line:col errors where either catalog does not load."""
    before, after = load_compiled([old]), load_compiled([new])
    errors = before.errors + after.errors
    if errors or not before.files or not after.files:
        if as_json:
            typer.echo(json.dumps({"ok": False, "errors": [error.as_dict() for error in errors]}, indent=2))
        for error in errors:
            typer.echo(str(error), err=True)
        missing = [str(path) for path, found in ((old, before), (new, after)) if not found.files]
        if missing:
            typer.echo(f"no catalog files found in {', '.join(missing)}", err=True)
        typer.echo("not compared: a catalog with errors would show its products as removed", err=True)
        raise typer.Exit(1)
    report: dict[str, Any] = {
        "products_added": sorted(set(after.products) - set(before.products)),
        "products_removed": sorted(set(before.products) - set(after.products)),
        "products": [],
    }
    saved = _saved_selections(database) if database else {}
    revisions = []
    for product_id in sorted(set(before.products) & set(after.products)):
        was, now = before.products[product_id], after.products[product_id]
        if was.content_hash == now.content_hash:
            continue
        old_engine, new_engine = (engine_for(x.product, x.content_hash) for x in (was, now))
        revision = compare(old_engine, new_engine)
        change = dataclasses.asdict(revision)
        change["invalid_examples"] = [{k: plain(v) for k, v in e.items()} for e in change["invalid_examples"]]
        change["price_examples"] = [{k: plain(v) for k, v in e.items()} for e in change["price_examples"]]
        change["saved_broken"] = [
            saved_id for saved_id, (pid, chosen) in saved.items()
            if pid == product_id and old_engine.validate(chosen).consistent
            and not new_engine.validate(chosen).consistent
        ]
        if demand:
            change["demand"] = vars(replay(_database(database), product_id, new_engine, old_engine))
        report["products"].append(change)
        revisions.append((revision, change["saved_broken"], change.get("demand")))
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=str))
        return
    for key in ("products_added", "products_removed"):
        if report[key]:
            typer.echo(f"{key.replace('_', ' ')}: {', '.join(report[key])}")
    for revision, broken, met in revisions:
        typer.echo(f"{revision.product}:")
        for line in describe_revision(revision):
            typer.echo(f"  {line}")
        if broken:
            typer.echo(f"  saved configurations it breaks: {', '.join(broken)}")
        if met is not None:
            typer.echo(f"  demand it would meet: {met['attempts_met']} of {met['attempts']} values found blocked, "
                       f"{met['asks_met']} of {met['asks']} requests")
            typer.echo(f"  quotes it would rule out: {met['quotes_ruled_out']} of {met['quotes']}")


def describe_revision(revision: Revision) -> list[str]:
    """A product's revision in words, a line each (what `configurator diff` prints)."""
    lines = []
    for name in ("options_added", "options_removed", "options_changed", "rules_added", "rules_removed",
                 "rules_changed", "prices_changed"):
        items: tuple[str, ...] = getattr(revision, name)
        if items:
            lines.append(f"{name.replace('_', ' ')}: {', '.join(items)}")
    for name in ("values_added", "values_removed"):
        pairs: tuple[tuple[str, str], ...] = getattr(revision, name)
        if pairs:
            lines.append(f"{name.replace('_', ' ')}: {', '.join(f'{o} {v}' for o, v in pairs)}")
    if not revision.counted:
        lines.append("configurations not counted: the two versions do not share their options and values")
        return lines
    lines.append(f"valid configurations: {revision.valid_before:,} before, {revision.valid_after:,} after "
                 f"({revision.became_invalid:,} no longer valid, {revision.became_valid:,} newly valid)")
    lines += [f"  for example: {_in_words(example)}" for example in revision.invalid_examples]
    if revision.changed_price:
        lines.append(f"valid before and after at another price: {revision.changed_price:,}")
        lines += [f"  for example: {_in_words(example)}" for example in revision.price_examples]
    return lines


def _in_words(selection: Mapping[str, Any]) -> str:
    return ", ".join(choice_phrase(option, value) for option, value in selection.items())


@functools.cache
def _database(url: str | None) -> Database:
    """The database a command reads demand from: the one named, else the server's (DATABASE_URL)."""
    from configurator.persistence.db import make_engine

    return make_engine(url or read_settings().database_url)


def _saved_selections(database: str) -> dict[str, tuple[str, dict[str, Any]]]:
    from sqlmodel import Session, select

    from configurator.persistence.db import SavedConfiguration, make_engine

    with Session(make_engine(database)) as db:
        return {row.id: (row.product_id, dict(row.selections)) for row in db.exec(select(SavedConfiguration))}


@app.command()
def classify(
    catalog: Annotated[Path, typer.Argument(help="Catalog file or folder.")],
    product: Annotated[str | None, typer.Argument(help="Product id (default: every product).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, as the API's classification.")] = False,
) -> None:
    """Place products among the four faces of mass customization, with their profile and every option's face."""
    loaded = [product_of_file(catalog, product)] if product else list(load_catalog([catalog]).products.values())
    found = [classification_out(classify_product(item.product)) for item in loaded]
    if as_json:
        data = [item.model_dump() for item in found]
        typer.echo(json.dumps(data[0] if product else data, indent=2))
        return
    for item in found:
        typer.echo(f"{item.product}: {item.face} (most options: {item.dominant})")
        for reason in item.reasons:
            typer.echo(f"  {reason}")
        for option in item.options:
            typer.echo(f"  - {option.option}: {option.face}: {option.reason}")

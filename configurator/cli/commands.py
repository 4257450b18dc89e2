"""The `configurator` command line: check catalogs, write the schema, serve the shop, explore products."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError

from catalog.errors import CatalogErrors, ConfiguratorError
from catalog.importers.clib import import_clib
from catalog.importers.result import ImportResult, write_import
from catalog.importers.uvl import import_uvl
from catalog.importers.xcsp import import_xcsp
from catalog.loader import LoadedProduct, load_catalog
from catalog.schema import MultiOption, QuantityOption
from catalog.schema_export import schema_text
from configurator.api.products import classification_out
from configurator.cli.bench import bench as run_bench
from configurator.services.catalogs import load_compiled
from configurator.services.modelcache import load_compiled_file
from configurator.settings import Settings
from rules.classify import classify as classify_product
from rules.compile import CompiledModel
from rules.display import choice_phrase
from rules.engine import Engine, engine_for
from rules.errors import RuleError
from rules.lint import lint as lint_product
from rules.revision import Revision, compare
from rules.selection import plain

app = typer.Typer(help="Mass-customization product configurator.", no_args_is_help=True, add_completion=False)

SelectArg = Annotated[
    list[str] | None, typer.Option("--select", help="OPTION=VALUE; repeat it, and repeat a multi option per value.")
]
IMPORTERS: dict[str, Callable[[Path, str | None], ImportResult]] = {
    "clib": import_clib,
    "uvl": import_uvl,
    "xcsp": import_xcsp,
}


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def _settings() -> Settings:
    """The settings from the environment, read once per command; a bad value is a message, not a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        _fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))


def _product(catalog_path: Path, product_id: str) -> LoadedProduct:
    return _cached(catalog_path, product_id)[0]


def _engine(catalog_path: Path, product_id: str) -> Engine:
    loaded, model = _cached(catalog_path, product_id)
    return Engine(model) if model is not None else engine_for(loaded.product, loaded.content_hash)


def _cached(catalog_path: Path, product_id: str) -> tuple[LoadedProduct, CompiledModel | None]:
    """A catalog file's product and compiled model from the disk cache (configurator/services/modelcache.py); for a
    folder, or where the file has errors, loaded as `check` does, to report them."""
    if catalog_path.is_file():
        try:
            loaded, model = load_compiled_file(catalog_path, _settings().cache_dir)
        except (CatalogErrors, RuleError, OSError):
            pass
        else:
            if loaded.product.id == product_id:
                return loaded, model
    return _load(catalog_path, product_id), None


def _load(catalog_path: Path, product_id: str) -> LoadedProduct:
    catalog = load_catalog([catalog_path])
    if product_id in catalog.products:
        return catalog.products[product_id]
    for error in catalog.errors:
        typer.echo(str(error), err=True)
    _fail(f"no valid product '{product_id}' in {catalog_path} (products: {', '.join(sorted(catalog.products))})")


def _selections(engine: Engine, pairs: list[str] | None) -> dict[str, Any]:
    chosen: dict[str, Any] = {}
    for pair in pairs or []:
        option_id, sep, value = pair.partition("=")
        if not sep:
            _fail(f"--select takes OPTION=VALUE, not '{pair}'")
        option = engine.model.options.get(option_id)
        if isinstance(option, MultiOption):
            chosen.setdefault(option_id, [])
            if value:
                chosen[option_id].append(value)
        elif isinstance(option, QuantityOption) and value.isascii() and value.isdigit():
            chosen[option_id] = int(value)  # the API takes quantities as JSON integers only
        else:
            chosen[option_id] = value
    return chosen


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
    workers: Annotated[int, typer.Option(min=1, help="Server processes (each loads and watches the catalog).")] = 1,
    max_connections: Annotated[
        int, typer.Option(min=1, help="Connections and requests at once per process; beyond them, 503.")
    ] = 200,
) -> None:
    """Serve the shop and the JSON API (request rates and time limits: CONFIGURATOR_* in the README)."""
    import os

    import uvicorn

    if catalog is not None:
        os.environ["CONFIGURATOR_CATALOG"] = str(catalog)  # every worker process builds its own app from it
    _settings()  # a bad setting stops here, said plainly, before any worker starts
    typer.echo(f"Serving the configurator on http://{host}:{port}/ ({workers} process(es))", err=True)
    uvicorn.run("configurator.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info",
                limit_concurrency=max_connections, timeout_keep_alive=5)


apikey_app = typer.Typer(help="Manage storefront API keys.", no_args_is_help=True)
app.add_typer(apikey_app, name="apikey")


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Argument(help="Who the key is for.")],
    admin: Annotated[bool, typer.Option("--admin", help="A merchandiser's key: opens the merchant page.")] = False,
) -> None:
    """Create an API key; it is printed once, alone on the last line, and stored hashed."""

    from configurator.persistence.db import create_api_key, make_engine, migrate, writing
    engine = make_engine(_settings().database_url)
    migrate(engine)
    with writing(engine) as db:
        key = create_api_key(db, name, admin)
    typer.echo(f"API key for {name} (shown once; send it as the X-API-Key header):")
    typer.echo(key)


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
        _fail(f"unknown format '{kind}' (choose from {', '.join(IMPORTERS)})")
    try:
        path = write_import(importer(source, product_id), out)
    except ConfiguratorError as exc:
        _fail(f"import failed: {exc}")
    typer.echo(str(path))


@app.command()
def explore(
    catalog: Annotated[Path, typer.Argument(help="Catalog file or folder.")],
    product: Annotated[str, typer.Argument(help="Product id.")],
    select: SelectArg = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show which values every option can still take, given the selections."""
    engine = _engine(catalog, product)
    state = engine.validate(_selections(engine, select))
    domains = {k: [plain(v) for v in d.values] for k, d in state.domains.items()}
    report = {
        "consistent": state.consistent,
        "complete": state.complete,
        "domains": domains,
        "excludable": {k: list(d.excludable) for k, d in state.domains.items() if d.type == "multi"},
        "ranges": {
            k: {"min": plain(d.low), "max": plain(d.high), "step": plain(getattr(engine.model.options[k], "step", 1))}
            for k, d in state.domains.items()
            if d.type in ("number", "quantity") and d.values
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
    catalog: Annotated[Path, typer.Argument(help="Catalog file or folder.")],
    product: Annotated[str, typer.Argument(help="Product id.")],
    select: SelectArg = None,
    timeout: Annotated[
        float | None, typer.Option(min=0.1, help="Give up (exit 1, saying so) after this many seconds of counting.")
    ] = None,
) -> None:
    """Print the exact number of complete valid configurations extending the selections."""
    engine = _engine(catalog, product)
    try:
        typer.echo(str(engine.count(_selections(engine, select), timeout)))
    except ConfiguratorError as exc:
        _fail(str(exc))


@app.command()
def lint(
    paths: Annotated[list[Path], typer.Argument(help="Catalog files or folders.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as a JSON list.")] = False,
) -> None:
    """Find what the engine can tell is wrong: void products, dead and forced values, defaults that cannot hold,
    rules implied by the others, steps with nothing to choose, price anomalies; exit 1 if any is an error."""
    catalog = load_compiled(paths)
    findings = []
    for loaded in catalog.products.values():
        for finding in lint_product(engine_for(loaded.product, loaded.content_hash)):
            at = finding.rule or finding.option or f"/step/{finding.step}"
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
            typer.echo(f"{loaded.file}:{line}:{col}: {'error' if f.error else 'warning'}: {f.kind}: {f.message}")
        typer.echo(f"{len(findings)} finding(s) in {len(catalog.products)} product(s)", err=True)
    raise typer.Exit(1 if failed else 0)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The catalog before (file or folder).")],
    new: Annotated[Path, typer.Argument(help="The catalog after (file or folder).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: Annotated[str | None, typer.Option(help="Also list the saved configurations this breaks.")] = None,
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
        report["products"].append(change)
        revisions.append((revision, change["saved_broken"]))
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=str))
        return
    for key in ("products_added", "products_removed"):
        if report[key]:
            typer.echo(f"{key.replace('_', ' ')}: {', '.join(report[key])}")
    for revision, broken in revisions:
        typer.echo(f"{revision.product}:")
        for line in describe_revision(revision):
            typer.echo(f"  {line}")
        if broken:
            typer.echo(f"  saved configurations it breaks: {', '.join(broken)}")


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
    loaded = [_product(catalog, product)] if product else list(load_catalog([catalog]).products.values())
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


@app.command()
def explain(
    catalog: Annotated[Path, typer.Argument(help="Catalog file or folder.")],
    product: Annotated[str, typer.Argument(help="Product id.")],
    option: Annotated[str, typer.Option(help="The option whose value is in question.")],
    value: Annotated[str, typer.Option(help="The value in question.")],
    select: SelectArg = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Say which choices and rules rule a value out, and the fewest choices to drop to allow it."""
    engine = _engine(catalog, product)
    chosen = _selections(engine, select)
    try:
        why = engine.advisor.explain(chosen, option, value)
        fix = engine.advisor.repair(chosen, option, value)
    except ConfiguratorError as exc:
        _fail(str(exc))
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
    catalog: Annotated[Path, typer.Argument(help="Catalog file or folder.")],
    product: Annotated[str, typer.Argument(help="Product id.")],
    sessions: Annotated[int, typer.Option(help="Random sessions to run.")] = 5,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    baseline_steps: Annotated[int, typer.Option(help="Steps the baseline is measured on.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Benchmark interactive sessions against the straightforward SAT method, in the same run."""
    loaded = _load(catalog, product)  # not the disk cache: the benchmark measures its own compile, once
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


if __name__ == "__main__":
    app()

"""What the commands share: the typer app, failing with a message, the settings, and a product, its engine and
a selection read from the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError

from catalog.errors import CatalogErrors
from catalog.importers.clib import import_clib
from catalog.importers.result import ImportResult
from catalog.importers.uvl import import_uvl
from catalog.importers.xcsp import import_xcsp
from catalog.kinds import from_text
from catalog.loader import LoadedProduct, load_catalog
from configurator.services.modelcache import load_compiled_file
from configurator.settings import Settings
from rules.compile import CompiledModel
from rules.engine import Engine, engine_for
from rules.errors import RuleError

app = typer.Typer(help="Mass-customization product configurator.", no_args_is_help=True, add_completion=False)


CatalogArg = Annotated[Path, typer.Argument(help="Catalog file or folder.")]
ProductArg = Annotated[str, typer.Argument(help="Product id.")]
SelectArg = Annotated[
    list[str] | None, typer.Option("--select", help="OPTION=VALUE; repeat it, and repeat a multi option per value.")
]


IMPORTERS: dict[str, Callable[[Path, str | None], ImportResult]] = {
    "clib": import_clib,
    "uvl": import_uvl,
    "xcsp": import_xcsp,
}


def fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def read_settings() -> Settings:
    """The settings from the environment, read once per command; a bad value is a message, not a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))


def product_of_file(catalog_path: Path, product_id: str) -> LoadedProduct:
    return _cached(catalog_path, product_id)[0]


def engine_of_file(catalog_path: Path, product_id: str) -> Engine:
    loaded, model = _cached(catalog_path, product_id)
    return Engine(model) if model is not None else engine_for(loaded.product, loaded.content_hash)


def _cached(catalog_path: Path, product_id: str) -> tuple[LoadedProduct, CompiledModel | None]:
    """A catalog file's product and compiled model from the disk cache (configurator/services/modelcache.py); for a
    folder, or where the file has errors, loaded as `check` does, to report them."""
    if catalog_path.is_file():
        try:
            loaded, model = load_compiled_file(catalog_path, read_settings().cache_dir)
        except (CatalogErrors, RuleError, OSError):
            pass
        else:
            if loaded.product.id == product_id:
                return loaded, model
    return load_uncached(catalog_path, product_id), None


def load_uncached(catalog_path: Path, product_id: str) -> LoadedProduct:
    catalog = load_catalog([catalog_path])
    if product_id in catalog.products:
        return catalog.products[product_id]
    for error in catalog.errors:
        typer.echo(str(error), err=True)
    fail(f"no valid product '{product_id}' in {catalog_path} (products: {', '.join(sorted(catalog.products))})")


def selections_of(engine: Engine, pairs: list[str] | None) -> dict[str, Any]:
    texts: dict[str, list[str]] = {}
    for pair in pairs or []:
        option_id, sep, value = pair.partition("=")
        if not sep:
            fail(f"--select takes OPTION=VALUE, not '{pair}'")
        texts.setdefault(option_id, []).append(value)
    chosen: dict[str, Any] = {}
    for option_id, given in texts.items():
        option = engine.model.options.get(option_id)
        chosen[option_id] = given[0] if option is None else from_text(option, given)  # unknown: the engine says so
    return chosen

"""The catalog as the server and the CLI use it: every product loaded and compiled by the engine.

A product the engine cannot compile (a rule too large to tabulate, say) is the catalog's fault: it is refused
like a load error, with the rule's position, so that a catalog that passes `configurator check` never fails on
a shopper's first request, and the first shopper does not pay for the compile.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from catalog.errors import CatalogError
from catalog.kinds import option_amounts
from catalog.loader import Catalog, LoadedProduct, load_catalog
from catalog.wording import asked_language
from configurator.services.refusals import Missing
from rules.classify import classify, drawn_options
from rules.engine import Engine, compiled_engine, engine_for
from rules.errors import EngineLimitError, RuleError

_log = logging.getLogger(__name__)


class ServedCatalog:
    """The catalog on sale now: one reference, swapped whole by a reload, so that a request in flight keeps the
    product it started with."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog


def load_compiled(paths: Iterable[str | Path]) -> Catalog:
    """Load every product under `paths`, compile and prepare each as serving does; a product that cannot be
    served becomes an error at its position, so that whatever `configurator check` accepts serves."""
    catalog = load_catalog(paths)
    for product_id, loaded in list(catalog.products.items()):
        problem = unservable(loaded)
        if problem is not None:
            catalog.errors.append(problem)
            catalog.broken.add(loaded.file)
            del catalog.products[product_id]
    catalog.errors.sort()
    catalog.warnings.extend(w for loaded in catalog.products.values() for w in customization_warnings(loaded))
    catalog.warnings.sort()
    return catalog


def product_of(catalog: Catalog, product_id: str) -> LoadedProduct:
    """The product as loaded, or Missing."""
    loaded = catalog.products.get(product_id)
    if loaded is None:
        raise Missing(f"no product '{product_id}'")
    return loaded


def engine_of(loaded: LoadedProduct, language: str | None = None) -> Engine:
    """The compiled engine of a loaded product (cached by content hash), speaking `language` (by default the
    request's) where the product has its words, else its own: rule messages, labels and price lines come from it."""
    words = _words(loaded, language)
    if words is None:
        return engine_for(loaded.product, loaded.content_hash)
    return engine_for(loaded.in_language(words), loaded.content_hash, words)


def compiled_engine_of(loaded: LoadedProduct, language: str | None = None) -> Engine | None:
    """The engine `engine_of` gives, if it is compiled already (never compiles: for the event loop)."""
    words = _words(loaded, language)
    return compiled_engine(loaded.product, loaded.content_hash, words or "")


def _words(loaded: LoadedProduct, language: str | None) -> str | None:
    """The translation an engine speaks in (None: the product's own words)."""
    wanted = asked_language() if language is None else language
    if wanted is None or wanted == loaded.product.language or wanted not in loaded.in_languages:
        return None
    return wanted


def unservable(loaded: LoadedProduct) -> CatalogError | None:
    """Why the engine cannot serve the product (compiled and prepared as for the first shopper), or None."""
    try:
        engine_of(loaded).prepare()
    except RuleError as exc:
        return loaded.error(exc.rule_id, f"rule '{exc.rule_id}' cannot be compiled: {exc.message}")
    except EngineLimitError as exc:
        return CatalogError(loaded.file, 1, 1, f"cannot be served: {exc}")
    except Exception as exc:  # a defect of the engine's own must cost this one product, never the catalog
        _log.exception("compiling %s failed", loaded.file)
        message = f"cannot be served ({type(exc).__name__}): a defect in the engine, please report it"
        return CatalogError(loaded.file, 1, 1, message)
    return None


def customization_warnings(loaded: LoadedProduct) -> list[CatalogError]:
    """At their positions: each explicit `face:` that its customization facts contradict; each presentation option
    the product's preview leaves out (presentation drives the preview); each setting adjusted in use that has a
    price of its own (settings adjusted in use never change the price)."""
    found = classify(loaded.product)
    warnings = [
        loaded.error(f"{o.option}/face", f"option '{o.option}' is set as {o.face}, but its facts say {o.derived}")
        for o in found.options
        if o.face != o.derived
    ]
    if found.face != found.derived:
        message = f"the product is set as {found.face}, but its options say {found.derived}"
        warnings.append(loaded.error("/face", message))
    drawn = drawn_options(loaded.product)
    for placed in found.options:
        if loaded.product.preview is not None and placed.face == "cosmetic" and placed.option not in drawn:
            message = f"option '{placed.option}' changes only the presentation, but the preview does not show it"
            warnings.append(loaded.error(placed.option, message))
    for option in loaded.product.options():
        if option.customization.timing == "use" and any(amount for _, _, amount in option_amounts(option)):
            message = f"option '{option.id}' is adjusted in use but has a price: settings in use never change it"
            warnings.append(loaded.error(option.id, message))
    return warnings

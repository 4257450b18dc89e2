"""Compiled models cached on disk by content hash, so a second command on a big model starts in about a second.

An entry holds a catalog file's loaded product and compiled model, pickled, under a key made of the file's bytes
and the source of the code that reads and compiles it (an upgrade never reads an old entry). It serves only while
every table file the product read hashes the same. The folder is the user's own (`CONFIGURATOR_CACHE_DIR`, else
`$XDG_CACHE_HOME/configurator`, else `~/.cache/configurator`), made private: pickles are trusted from there alone.
"""

from __future__ import annotations

import copyreg
import functools
import hashlib
import io
import logging
import os
import pickle
import tempfile
from pathlib import Path
from types import MappingProxyType
from typing import Any

import catalog
import rules
from catalog.loader import LoadedProduct, load_product
from catalog.schema import TableRule
from rules.compile import CompiledModel, compile_product

_log = logging.getLogger(__name__)
FORMAT = 1


def load_compiled_file(path: Path, cache_dir: Path) -> tuple[LoadedProduct, CompiledModel]:
    """The product in one catalog file and its compiled model: from the cache in `cache_dir` when it holds them,
    else loaded, compiled and stored (CatalogErrors and RuleError as the loader and the compiler raise them)."""
    raw = path.read_bytes()
    entry = cache_dir / f"{hashlib.sha256(_code_key().encode() + raw).hexdigest()}.pickle"
    found = _read(entry, path)
    if found is not None:
        return found
    loaded = load_product(path)
    model = compile_product(loaded.product, loaded.content_hash)
    _write(entry, (FORMAT, _table_hashes(loaded, path), loaded, model))
    return loaded, model


def _read(entry: Path, path: Path) -> tuple[LoadedProduct, CompiledModel] | None:
    try:
        with entry.open("rb") as handle:
            version, tables, loaded, model = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign entry: compile again and write it anew
        _log.warning("ignoring unreadable model cache entry %s", entry)
        return None
    if version != FORMAT or not isinstance(model, CompiledModel) or tables != _table_hashes(loaded, path):
        return None
    return loaded, model


def _write(entry: Path, value: Any) -> None:
    """Write atomically (a temporary file renamed into place); a cache that cannot be written is only slower."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _reduce_proxy}
        pickler.dump(value)
        with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False, suffix=".tmp") as handle:
            handle.write(buffer.getvalue())
        os.replace(handle.name, entry)
    except OSError as exc:
        _log.warning("cannot write the model cache at %s: %s", entry.parent, exc)


def _table_hashes(loaded: LoadedProduct, path: Path) -> dict[str, str]:
    files = [r.rows_file for r in loaded.product.rules if isinstance(r, TableRule) and r.rows_file]
    files += loaded.reads  # part files (absolute): a changed part is a changed product
    hashes = {}
    for name in files:
        try:
            hashes[name] = hashlib.sha256((path.parent / name).read_bytes()).hexdigest()
        except OSError:
            hashes[name] = ""
    return hashes


def _reduce_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _proxy, (dict(proxy),)


def _proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


@functools.cache
def _code_key() -> str:
    """A hash of the source of the packages that read and compile catalogs."""
    digest = hashlib.sha256()
    for package in (catalog, rules):
        root = Path(package.__file__ or "").parent
        for source in sorted(root.rglob("*.py")):
            digest.update(source.relative_to(root.parent).as_posix().encode() + source.read_bytes())
    return digest.hexdigest()

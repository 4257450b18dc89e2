"""Loads catalog files into validated products, reporting every error of a file as file:line:col: message."""

from __future__ import annotations

import copy
import csv
import dataclasses
import difflib
import glob
import hashlib
import io
import logging
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from catalog.checker import ProductChecker
from catalog.components import instance_id, unroll
from catalog.document import MAX_IMPORTED_FILE_MIB, MIB, Document, Loc, parse_document
from catalog.errors import CatalogError, CatalogErrors, suggest
from catalog.kinds import cell_from_text, cell_matches, value_set
from catalog.kinds import guess_value as _guess
from catalog.parts import with_parts
from catalog.schema import (
    AnyOption,
    Product,
    TableRule,
)
from catalog.translations import (
    Translation,
    companion_language,
    language_name,
    missing,
    said,
    stale,
    translated,
)

_log = logging.getLogger(__name__)
CATALOG_SUFFIXES = (".yaml", ".yml")
MAX_TABLE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class LoadedProduct:
    """A valid product with where it came from and a hash of everything it was read from."""

    product: Product
    file: str
    content_hash: str
    # Line and column of each rule and option by id, for errors found later (when the engine compiles it).
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Its words in other languages, by language tag, from the companion files beside it (never in its version),
    # and the product in each language's words (made once, when the companion file is read).
    translations: Mapping[str, Translation] = field(default_factory=dict)
    in_languages: Mapping[str, Product] = field(default_factory=dict)
    translation_files: Mapping[str, str] = field(default_factory=dict)  # language -> its companion file
    reads: tuple[str, ...] = ()  # the part files it reuses (and what they read): its version hashes them too

    @property
    def version(self) -> str:
        """The product's version: the hash of everything it was read from."""
        return self.content_hash

    def languages(self) -> list[str]:
        """The languages it is offered in: its own first, then each listed one it has the words of."""
        own = self.product.language
        return [own, *(language for language in self.product.languages if language in self.in_languages)]

    def in_language(self, language: str) -> Product:
        """The product in that language's words, for showing (as its file says it where it has no such words)."""
        return self.in_languages.get(language, self.product)

    def error(self, element_id: str, message: str) -> CatalogError:
        """A CatalogError at the rule or option `element_id` (at the file's start if it has no position)."""
        line, col = self.positions.get(element_id, (1, 1))
        return CatalogError(self.file, line, col, message)


@dataclass
class Catalog:
    """The products read from a set of files, and the errors of the files that failed."""

    products: dict[str, LoadedProduct] = field(default_factory=dict)
    errors: list[CatalogError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    warnings: list[CatalogError] = field(default_factory=list)  # worth a look, but the product is on sale
    # Catalog files with errors, whichever file each error is in (a table a product reads counts as its file).
    broken: set[str] = field(default_factory=set)
    # Products served in their last good version because their file is broken now: since when, by product id.
    kept: dict[str, datetime] = field(default_factory=dict)


def catalog_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the catalog files they hold, sorted; a product file named alone brings the
    companion files beside it (its words in other languages)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in CATALOG_SUFFIXES and p.is_file()))
        else:
            found.append(path)
            if companion_language(path) is None and path.parent.is_dir():
                beside = path.parent.glob(f"{glob.escape(path.stem)}.*{glob.escape(path.suffix)}")
                found.extend(sorted(p for p in beside if companion_language(p) is not None and p.is_file()))
    return list(dict.fromkeys(found))


def load_catalog(paths: Iterable[str | Path]) -> Catalog:
    """Load every product file under `paths`, then the companion files that translate them; a bad file adds
    errors, never stops the others."""
    catalog = Catalog()
    files = catalog_files(paths)
    companions = {path for path in files if companion_language(path) is not None}
    for path in files:
        catalog.files.append(str(path))
        if path in companions:
            continue
        try:
            loaded = load_product(path)
        except CatalogErrors as exc:
            catalog.errors.extend(exc.errors)
            catalog.broken.add(str(path))
            continue
        except Exception as exc:  # a defect of the loader's own must cost this one file, never the catalog
            _log.exception("loading %s failed", path)
            message = f"could not be loaded ({type(exc).__name__}): a defect in the loader, please report it"
            catalog.errors.append(CatalogError(str(path), 1, 1, message))
            catalog.broken.add(str(path))
            continue
        other = catalog.products.get(loaded.product.id)
        if other is not None:
            catalog.errors.append(
                CatalogError(str(path), 1, 1, f"product id '{loaded.product.id}' is also used by {other.file}")
            )
            catalog.broken.add(str(path))
            continue
        catalog.products[loaded.product.id] = loaded
    for path in sorted(companions):
        try:
            _add_translation(catalog, path)
        except CatalogErrors as exc:
            catalog.errors.extend(exc.errors)
            catalog.broken.add(str(path))
        except Exception as exc:  # as for a product file: a defect of the loader's own costs this file alone
            _log.exception("loading %s failed", path)
            message = f"could not be loaded ({type(exc).__name__}): a defect in the loader, please report it"
            catalog.errors.append(CatalogError(str(path), 1, 1, message))
            catalog.broken.add(str(path))
    for loaded in catalog.products.values():
        catalog.warnings.extend(translation_warnings(loaded))
    return catalog


def _add_translation(catalog: Catalog, path: Path) -> None:
    """Read a companion file and give its product its words in that language (CatalogErrors if it cannot)."""
    file = str(path)
    doc = parse_document(_decode(_read(path), file), file)
    if not isinstance(doc.data, dict):
        raise CatalogErrors([doc.error((), "a translation file must be a mapping of keys such as translates, options")])
    try:
        translation = Translation.model_validate(doc.data)
    except ValidationError as exc:
        raise CatalogErrors(_translate(exc, doc, Translation)) from None
    loaded = catalog.products.get(translation.translates)
    if loaded is None:
        raise CatalogErrors([doc.error(("translates",), f"there is no product '{translation.translates}'"
                                       + suggest(translation.translates, list(catalog.products)))])
    named = companion_language(path)
    if translation.language != named:
        raise CatalogErrors([doc.error(("language",), f"the file's name says '{named}', its language is "
                                       f"'{translation.language}'")])
    if translation.language in loaded.translations or translation.language == loaded.product.language:
        raise CatalogErrors([doc.error(("language",), f"'{loaded.product.id}' has its {translation.language} "
                                       "words already")])
    catalog.warnings.extend(
        doc.error(key, f"names nothing in '{loaded.product.id}' ({said(key)}): renamed or removed?", key=True)
        for key in stale(loaded.product, translation)
    )
    if translation.language not in loaded.product.languages:
        catalog.warnings.append(doc.error(("language",), f"'{loaded.product.id}' does not list "
                                          f"'{translation.language}' in its languages: not offered"))
    words = dict(loaded.translations) | {translation.language: translation}
    try:
        in_language = translated(loaded.product, translation)
    except ValidationError as exc:  # a word the product's own field would refuse
        first = exc.errors()[0]
        raise CatalogErrors([doc.error(("translates",), f"these words do not fit '{loaded.product.id}': "
                                       f"{'.'.join(map(str, first['loc']))}: {first['msg']}")]) from None
    shown = dict(loaded.in_languages) | {translation.language: in_language}
    files = dict(loaded.translation_files) | {translation.language: file}
    catalog.products[loaded.product.id] = dataclasses.replace(
        loaded, translations=words, in_languages=shown, translation_files=files)


def translation_warnings(loaded: LoadedProduct) -> list[CatalogError]:
    """What the product's languages lack: a language listed without its companion file, and each word a
    companion file does not give (at the element of the product file it belongs to)."""
    product, found = loaded.product, []
    for language in product.languages:
        if language != product.language and language not in loaded.translations:
            found.append(loaded.error("/languages", f"no words in '{language}': add {Path(loaded.file).stem}."
                                      f"{language}.yaml beside this file"))
    for language, translation in loaded.translations.items():
        for key, element in missing(product, translation):
            found.append(loaded.error(element, f"no {language_name(language)} ({language}) words for {said(key)}"))
    return found


def load_product(path: str | Path, as_part: bool = False) -> LoadedProduct:
    """Load one product file; raise CatalogErrors listing all its problems (`as_part`: reused as another product's
    component, so it may have no components of its own)."""
    file = str(path)
    return parse_product(_read(path), file, base=Path(path).parent, as_part=as_part)


def _read(path: str | Path) -> bytes:
    file = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_IMPORTED_FILE_MIB * MIB:  # beyond what any file may raise its limit to: not even read
            raise CatalogErrors([CatalogError(file, 1, 1, f"file is larger than {MAX_IMPORTED_FILE_MIB} MiB")])
        return Path(path).read_bytes()
    except OSError as exc:
        raise CatalogErrors([CatalogError(file, 1, 1, f"cannot read file: {exc.strerror or exc}")]) from None


def parse_product(raw: bytes, file: str, base: Path | None = None, as_part: bool = False) -> LoadedProduct:
    """Validate the bytes of one product file."""
    text = _decode(raw, file)
    doc = parse_document(text, file)
    if not isinstance(doc.data, dict):
        raise CatalogErrors([doc.error((), "a product file must be a mapping of keys such as id, name, steps")])
    try:
        product = Product.model_validate(doc.data)
    except ValidationError as exc:
        errors = _translate(exc, doc)
        salvaged = _salvage(exc, doc.data)
        if salvaged is not None:
            errors.extend(ProductChecker(salvaged, doc).run())
        raise CatalogErrors(errors) from None
    if as_part and product.components:  # one level: also what keeps a part from reusing itself
        raise CatalogErrors([doc.error(("components",), "a part reused by another product has no components of "
                                       "its own (one level)")])
    digest = hashlib.sha256(raw)
    reads: list[str] = []

    def read_part(path: Path) -> Product:
        part = load_product(path, as_part=True)
        digest.update(part.content_hash.encode())  # the part file and every table it reads
        reads.extend([str(path), *part.reads])
        return part.product

    product, errors = with_parts(product, doc, base or Path("."), read_part)
    errors += ProductChecker(product, doc).run()
    if not errors:
        product, table_errors = _read_table_files(product, doc, base or Path("."), digest)
        errors.extend(table_errors)
    if errors:
        raise CatalogErrors(errors)
    return LoadedProduct(unroll(product), file, digest.hexdigest(), _positions(product, doc), reads=tuple(reads))


def _positions(product: Product, doc: Document) -> dict[str, tuple[int, int]]:
    positions: dict[str, tuple[int, int]] = {}
    for s, step in enumerate(product.steps):
        for o, option in enumerate(step.options):
            at = doc.position(("steps", s, "options", o))
            positions[option.id] = (at.line, at.col)
            if option.customization.face is not None:
                at = doc.position(("steps", s, "options", o, "customization", "face"))
                positions[f"{option.id}/face"] = (at.line, at.col)
    for r, rule in enumerate(product.rules):
        at = doc.position(("rules", r))
        positions[rule.id] = (at.line, at.col)
    for r, price in enumerate(product.pricing):
        at = doc.position(("pricing", r))
        positions.setdefault(price.id, (at.line, at.col))
    for s, step in enumerate(product.steps):
        at = doc.position(("steps", s))
        positions[f"/step/{step.id}"] = (at.line, at.col)
    for c, component in enumerate(product.components):
        for index in range(1, component.max + 1):
            for key, items in (("options", component.options), ("rules", component.rules),
                               ("pricing", component.pricing)):
                for i, item in enumerate(items):
                    at = doc.position(("components", c, key, i))
                    positions.setdefault(instance_id(component.id, index, item.id), (at.line, at.col))
        at = doc.position(("components", c))
        positions[component.id] = (at.line, at.col)
    if product.face is not None:
        at = doc.position(("face",))
        positions["/face"] = (at.line, at.col)  # no id has a slash: never an option's or a rule's
    if product.languages:
        at = doc.position(("languages",))
        positions["/languages"] = (at.line, at.col)
    return positions


def _decode(raw: bytes, file: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise CatalogErrors([CatalogError(file, line, col, "file is not valid UTF-8")]) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CatalogErrors([CatalogError(file, line, 1, "file contains a NUL character")])
    return text.removeprefix("\ufeff")


def _translate(exc: ValidationError, doc: Document, model: type[BaseModel] = Product) -> list[CatalogError]:
    errors: list[CatalogError] = []
    # A misspelt key also shows as a missing one; say only "unknown key ... did you mean" for it.
    misspelt = set()
    for err in exc.errors():
        loc = _strip_tags(err["loc"], doc.data)
        if err["type"] == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1], doc.data, model)
            for guess in difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6):
                misspelt.add((*loc[:-1], guess))
    for err in exc.errors():
        loc = _strip_tags(err["loc"], doc.data)
        kind, name = err["type"], str(loc[-1]) if loc else "document"
        if kind == "missing" and loc in misspelt:
            continue
        if kind == "missing":
            errors.append(doc.error(loc[:-1], f"missing required key '{name}'"))
        elif kind == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1], doc.data, model)
            errors.append(doc.error(loc, f"unknown key '{name}'{suggest(name, allowed)}", key=True))
        elif kind == "union_tag_invalid":
            tags = err.get("ctx", {}).get("expected_tags", "")
            errors.append(doc.error((*loc, "type"), f"unknown type '{err['ctx']['tag']}' (expected one of {tags})"))
        elif kind == "union_tag_not_found":
            errors.append(doc.error(loc, "missing required key 'type'"))
        else:
            message = err["msg"].removeprefix("Value error, ")
            errors.append(doc.error(loc, f"{name}: {message[0].lower()}{message[1:]}"))
    return errors


def _salvage(exc: ValidationError, data: Any) -> Product | None:
    """The product without its unknown keys and broken rules, so the deeper checks can run as well."""
    data = copy.deepcopy(data)
    dropped: dict[str, set[int]] = {"rules": set(), "pricing": set()}
    for err in exc.errors():
        loc = _strip_tags(err["loc"], data)
        if err["type"] == "extra_forbidden":
            parent = _follow(data, loc[:-1])
            if isinstance(parent, dict):
                parent.pop(str(loc[-1]), None)
        elif len(loc) >= 2 and loc[0] in dropped and isinstance(loc[1], int):
            dropped[str(loc[0])].add(loc[1])
        else:
            return None
    for key, indices in dropped.items():
        if indices and isinstance(data.get(key), list):
            data[key] = [item for i, item in enumerate(data[key]) if i not in indices]
    try:
        return Product.model_validate(data)
    except ValidationError:
        return None


def _follow(data: Any, loc: Sequence[int | str]) -> Any:
    for part in loc:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _strip_tags(loc: Sequence[int | str], data: Any) -> Loc:
    """Drop the discriminator tags pydantic puts in the paths of union members."""
    out: list[int | str] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part not in node and node.get("type") == part:
            continue
        out.append(part)
        if isinstance(node, dict):
            node = node.get(part) if isinstance(part, str) else None
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(out)


def _allowed_keys(loc: Sequence[int | str], data: Any, model: type[BaseModel] = Product) -> list[str]:
    """The keys the model at `loc` accepts, found by walking the schema alongside the data."""
    annotation: Any = model
    node = data
    for part in (*loc, None):
        annotation = _concrete(annotation, node)
        if part is None:
            break
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(part, str):
            fields = {f.alias or n: f for n, f in annotation.model_fields.items()}
            if part not in fields:
                return []
            annotation = fields[part].annotation
            node = node.get(part) if isinstance(node, dict) else None
        elif get_origin(annotation) is list and isinstance(part, int):
            annotation = get_args(annotation)[0]
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
        elif get_origin(annotation) is dict and isinstance(part, str):  # a translation's words by id
            annotation = get_args(annotation)[1]
            node = node.get(part) if isinstance(node, dict) else None
        else:
            return []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [f.alias or n for n, f in annotation.model_fields.items()]
    return []


def _concrete(annotation: Any, node: Any) -> Any:
    """Unwrap Annotated, Optional and tagged unions down to one type."""
    while True:
        args = get_args(annotation)
        if hasattr(annotation, "__metadata__"):
            annotation = args[0]
        elif get_origin(annotation) in (Union, types.UnionType):
            members = [a for a in args if a is not type(None)]
            tagged = [
                m
                for m in members
                if isinstance(m, type)
                and issubclass(m, BaseModel)
                and isinstance(node, dict)
                and node.get("type")
                in get_args(m.model_fields["type"].annotation if "type" in m.model_fields else None)
            ]
            annotation = tagged[0] if tagged else members[0]
        else:
            return annotation


def _read_table_files(product: Product, doc: Document, base: Path, digest: Any) -> tuple[Product, list[CatalogError]]:
    """Fill the rows of tables that keep them in CSV files beside the catalog file."""
    options = {option.id: option for option in product.options()}
    rules = list(product.rules)
    errors: list[CatalogError] = []
    for i, rule in enumerate(rules):
        if not isinstance(rule, TableRule) or rule.rows_file is None:
            continue
        target = (base / rule.rows_file).resolve()
        if base.resolve() not in target.parents:
            errors.append(
                doc.error(("rules", i, "rows_file"), "rows_file must be a file beside or below the catalog file")
            )
            continue
        try:
            if target.stat().st_size > MAX_TABLE_BYTES:
                errors.append(doc.error(("rules", i, "rows_file"), "rows_file is larger than 64 MiB"))
                continue
            raw = target.read_bytes()
        except OSError as exc:
            errors.append(doc.error(("rules", i, "rows_file"), f"cannot read rows_file: {exc.strerror or exc}"))
            continue
        digest.update(raw)
        columns = [options[c] for c in rule.columns]
        rows, row_errors = parse_rows(raw, str(base / rule.rows_file), columns)
        errors.extend(row_errors)
        rules[i] = rule.model_copy(update={"rows": rows})
    return product.model_copy(update={"rules": rules}), errors


def parse_rows(raw: bytes, file: str, columns: Sequence[AnyOption]) -> tuple[list[list[Any]], list[CatalogError]]:
    """Parse CSV table rows (no header) into cells typed by their columns' options."""
    errors: list[CatalogError] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return [], [CatalogError(file, 1, 1, "file is not valid UTF-8")]
    # Each column's valid cell texts, typed once: tables can hold hundreds of thousands of cells.
    lookups: list[dict[str, Any]] = [{} for _ in columns]
    known = [value_set(option) for option in columns]
    rows: list[list[Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = line.split(",") if '"' not in line else next(csv.reader(io.StringIO(line)))
        if len(cells) != len(columns):
            message = f"row has {len(cells)} cells but the table has {len(columns)} columns"
            errors.append(CatalogError(file, number, 1, message))
            continue
        row: list[Any] = []
        col = 1
        for cell, option, lookup, values in zip(cells, columns, lookups, known):
            value = lookup.get(cell, _MISSING)
            if value is _MISSING:
                value = cell_from_text(cell.strip(), option)
                if cell_matches(option, value, values):
                    lookup[cell] = value
                else:
                    message = f"'{cell.strip()}' is not a value of '{option.id}'{_guess(cell.strip(), option)}"
                    errors.append(CatalogError(file, number, col, message))
            row.append(value)
            col += len(cell) + 1
        rows.append(row)
    return rows, errors


_MISSING = object()

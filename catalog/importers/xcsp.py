"""Importer for XCSP 2.1 extensional models: domains, variables, relations (supports or conflicts), constraints."""

from __future__ import annotations

import gzip
import lzma
import xml.etree.ElementTree as ET
from pathlib import Path

from catalog.importers.result import ImportResult, SourceError, single_choice_product
from catalog.importers.xcsp3 import import_xcsp3


def import_xcsp(source: Path, product_id: str | None = None) -> ImportResult:
    """Read an XCSP 2.1 or XCSP3 file (optionally .gz or .xz) into a product with one single-choice option per
    variable."""
    file = str(source)
    try:
        root = ET.fromstring(_read(source))
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise SourceError(file, 0, f"cannot read: {exc}") from None
    except ET.ParseError as exc:
        raise SourceError(file, exc.position[0], f"invalid XML: {exc}") from None
    if root.tag != "instance":
        raise SourceError(file, 0, "not an XCSP <instance>")
    if root.get("format") == "XCSP3":
        return import_xcsp3(root, _read(source).decode("utf-8", "replace"), source, product_id or _stem(source))
    if root.find("presentation") is None and root.find("domains") is None:
        raise SourceError(file, 0, "neither XCSP 2.1 (no <presentation> or <domains>) nor XCSP3 (format=\"XCSP3\")")
    domains = {d.get("name", ""): _domain(d.text or "", file) for d in root.iter("domain")}
    variables: dict[str, list[str]] = {}
    for var in root.iter("variable"):
        name, domain = var.get("name", ""), var.get("domain", "")
        if domain not in domains:
            raise SourceError(file, 0, f"variable {name} has unknown domain {domain}")
        variables[name] = domains[domain]
    if root.find(".//predicates") is not None or root.find(".//functions") is not None:
        raise SourceError(file, 0, "intension constraints (predicates) are not supported; only extensional tables")
    relations = {r.get("name", ""): r for r in root.iter("relation")}
    ident = product_id or _stem(source)
    rules, tables = [], {}
    for constraint in root.iter("constraint"):
        name, ref = constraint.get("name", ""), constraint.get("reference", "")
        relation = relations.get(ref)
        if relation is None:
            raise SourceError(file, 0, f"constraint {name} refers to {ref}, which is not a relation")
        scope = (constraint.get("scope") or "").split()
        unknown = [v for v in scope if v not in variables]
        if unknown:
            raise SourceError(file, 0, f"constraint {name} uses unknown variables {', '.join(unknown)}")
        if f"{ref}.csv" not in tables:
            tables[f"{ref}.csv"] = _tuples(relation, len(scope), file)
        semantics = relation.get("semantics", "supports")
        if semantics not in ("supports", "conflicts"):
            raise SourceError(file, 0, f"relation {ref} has unknown semantics {semantics}")
        rules.append(
            {
                "id": name,
                "type": "table",
                "mode": "allowed" if semantics == "supports" else "forbidden",
                "message": f"This combination of {', '.join(scope)} is not offered ({name}).",
                "columns": scope,
                "rows_file": f"{ident}/{ref}.csv",
            }
        )
    product = single_choice_product(
        ident,
        f"Imported from XCSP 2.1 {source.name}: {len(variables)} variables, {len(rules)} tables.",
        variables,
        rules,
    )
    return ImportResult(
        product, tables, [f"Imported from the XCSP 2.1 model {source.name} by `configurator import xcsp`."]
    )


def _read(source: Path) -> bytes:
    if source.name.endswith(".gz"):
        with gzip.open(source, "rb") as handle:
            return handle.read()
    if source.name.endswith(".xz"):
        with lzma.open(source, "rb") as handle:
            return handle.read()
    return source.read_bytes()


def _stem(source: Path) -> str:
    name = source.name
    for suffix in (".gz", ".xz", ".xml"):
        name = name.removesuffix(suffix)
    # Files are often all called contraintes.xml: name the product after its folder then.
    return source.parent.name if name in ("contraintes", "constraints", "instance") else name


def _domain(text: str, file: str) -> list[str]:
    values: list[str] = []
    for token in text.split():
        if ".." in token:
            low, high = token.split("..", 1)
            try:
                values.extend(str(v) for v in range(int(low), int(high) + 1))
            except ValueError:
                raise SourceError(file, 0, f"bad domain range {token}") from None
        else:
            values.append(token)
    return list(dict.fromkeys(values))


def _tuples(relation: ET.Element, arity: int, file: str) -> list[list[str]]:
    rows = []
    for chunk in (relation.text or "").split("|"):
        cells = chunk.split()
        if not cells:
            continue
        if len(cells) != arity:
            raise SourceError(
                file, 0, f"relation {relation.get('name')} has a tuple of {len(cells)} values, not {arity}"
            )
        rows.append(cells)
    return rows

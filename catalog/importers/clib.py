"""Importer for CLib table models: `domains.txt` plus one DNF table per `rules/*.pm` (or `.pm.gz`) file."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from catalog.importers.result import ImportResult, SourceError, single_choice_product

_DOMAIN = re.compile(r"^\s*(?P<name>[^=\s]+)\s*=\s*\[(?P<values>.*)\]\s*$")


def import_clib(source: Path, product_id: str | None = None) -> ImportResult:
    """Read a CLib model folder into a product with one single-choice option per variable."""
    domains_file = source / "domains.txt"
    if not domains_file.is_file():
        raise SourceError(str(source), 0, "a CLib model folder needs a domains.txt file")
    domains = _domains(domains_file)
    rule_files = sorted(p for p in (source / "rules").glob("*") if p.name.endswith(".pm") or p.name.endswith(".pm.gz"))
    if not rule_files:
        raise SourceError(str(source), 0, "no rules/*.pm files found")
    ident = product_id or source.name
    rules, tables = [], {}
    for path in rule_files:
        name = path.name.removesuffix(".gz").removesuffix(".pm")
        scope, rows = _table(path, domains)
        tables[f"{name}.csv"] = rows
        rules.append(
            {
                "id": name,
                "type": "table",
                "message": f"This combination of {', '.join(scope)} is not offered (table {name}).",
                "columns": scope,
                "rows_file": f"{ident}/{name}.csv",
            }
        )
    product = single_choice_product(
        ident,
        f"Imported from the CLib model {source.name}: {len(domains)} variables, {len(rules)} tables.",
        domains,
        rules,
    )
    header = [f"Imported from the CLib model {source.name} by `configurator import clib`."]
    return ImportResult(product, tables, header)


def _domains(path: Path) -> dict[str, list[str]]:
    domains: dict[str, list[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        match = _DOMAIN.match(line)
        if match is None:
            raise SourceError(str(path), number, "expected 'Name = [ v1, v2, ... ]'")
        values = [v.strip() for v in match["values"].split(",") if v.strip()]
        if not values:
            raise SourceError(str(path), number, f"variable {match['name']} has no values")
        domains[match["name"]] = values
    return domains


def _table(path: Path, domains: dict[str, list[str]]) -> tuple[list[str], list[list[str]]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    scope: list[str] | None = None
    rows: list[list[str]] = []
    known = {name: set(values) for name, values in domains.items()}
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.strip()
            # Nested or( / or) lines only chunk one disjunction: every other line is an allowed tuple.
            if not line or line in ("or(", "or)"):
                continue
            pairs = [part.split(" = ") for part in line.split(" and ")]
            if any(len(pair) != 2 for pair in pairs):
                raise SourceError(str(path), number, "expected 'Var = VALUE  and Var = VALUE ...'")
            names = [pair[0].strip() for pair in pairs]
            values = [pair[1].strip() for pair in pairs]
            if scope is None:
                scope = names
            elif names != scope:
                raise SourceError(str(path), number, "every tuple of a table must name the same variables in order")
            for name, value in zip(names, values):
                if name not in known:
                    raise SourceError(str(path), number, f"unknown variable {name}")
                if value not in known[name]:
                    raise SourceError(str(path), number, f"{value} is not in the domain of {name}")
            rows.append(values)
    if scope is None:
        raise SourceError(str(path), 0, "table has no tuples")
    return scope, rows

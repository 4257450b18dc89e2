"""What an importer produces, and how it is written out as a catalog file plus CSV tables."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from catalog.document import MAX_FILE_BYTES, MAX_IMPORTED_FILE_MIB, MAX_IMPORTED_NODES, MAX_NODES, MIB
from catalog.errors import CatalogErrors, ConfiguratorError

# Bytes and nodes left for the `limits:` entry when deciding whether a file needs it.
LIMITS_ROOM = 64


class SourceError(ConfiguratorError):
    """A source model that cannot be imported, with where in it (line 0 when unknown)."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.file = file
        self.line = line
        self.message = message


@dataclass
class ImportResult:
    """A product as plain catalog data, with its large tables kept aside as CSV rows."""

    product: dict[str, Any]
    tables: dict[str, list[list[str]]] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)


class ImportRefused(ConfiguratorError):
    """An import whose catalog file the loader refuses: nothing is written, the loader's errors say why."""


def write_import(result: ImportResult, out: Path) -> Path:
    """Write `<id>.yaml` and its tables under `<id>/` in `out` once the loader accepts them; return the YAML path.

    The files are written to a folder beside `out` first and loaded from there, so an import never leaves a
    catalog file that does not load (ImportRefused, with the loader's `file:line:col` errors, instead).
    """
    from catalog.loader import load_product  # the loader reads catalogs; importers only write them

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as trial:
        path = _write(result, Path(trial))
        try:
            load_product(path)
        except CatalogErrors as exc:
            raise ImportRefused(f"the imported catalog does not load: {exc}") from None
        product_id = str(result.product["id"])
        if (Path(trial) / product_id).exists():
            shutil.rmtree(out / product_id, ignore_errors=True)
            os.replace(Path(trial) / product_id, out / product_id)
        os.replace(path, out / path.name)
    return out / path.name


def _write(result: ImportResult, out: Path) -> Path:
    """Write the catalog file and its tables into `out`."""
    product_id = str(result.product["id"])
    if result.tables:
        (out / product_id).mkdir(exist_ok=True)
    for name, rows in result.tables.items():
        text = "\n".join(",".join(_csv_cell(cell) for cell in row) for row in rows)
        (out / product_id / name).write_text(text + "\n", encoding="utf-8")
    header = "".join(f"# {line}\n" if line else "#\n" for line in result.header)
    # A top-level mapping dumped in parts reads as one: `limits:` goes first, where the loader reads it early.
    body = _dump({k: v for k, v in result.product.items() if k != "limits"})
    raised = _raised_limits(len((header + body).encode()), _nodes(result.product))
    limits = {**result.product.get("limits", {}), **raised}
    text = header + (_dump({"limits": limits}) if limits else "") + body
    path = out / f"{product_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _dump(data: dict[str, Any]) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.width = 4096
    yaml.representer.sort_base_mapping_type_on_output = False
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _raised_limits(size: int, nodes: int) -> dict[str, int]:
    """The limits meant for hand-written files that this imported file needs raised (with some room for the
    `limits:` entry itself); past the caps the loader refuses the file and the import says so."""
    raised = {}
    if size > MAX_FILE_BYTES - LIMITS_ROOM:
        raised["file_mib"] = min(MAX_IMPORTED_FILE_MIB, -(-(size + LIMITS_ROOM) // MIB))
    if nodes > MAX_NODES - LIMITS_ROOM:
        raised["nodes"] = min(MAX_IMPORTED_NODES, nodes + LIMITS_ROOM)
    return raised


def _nodes(data: object) -> int:
    """How many YAML nodes the loader counts for this data (mapping keys are not counted)."""
    if isinstance(data, dict):
        return 1 + sum(_nodes(value) for value in data.values())
    if isinstance(data, list):
        return 1 + sum(_nodes(item) for item in data)
    return 1


def _csv_cell(cell: str) -> str:
    if any(ch in cell for ch in ',"\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def single_choice_product(
    ident: str, description: str, variables: dict[str, list[str]], rules: list[dict[str, Any]]
) -> dict[str, Any]:
    """Catalog data for an imported table model: one single-choice option per variable, in one step."""
    return {
        "id": ident,
        "name": ident.replace("-", " ").replace("_", " ").title(),
        "description": description,
        "currency": "EUR",
        "base_price": "0.00",
        "steps": [
            {
                "id": "configuration",
                "label": "Configuration",
                "options": [
                    {
                        "id": var,
                        "type": "single",
                        "label": option_label(var),
                        "values": values,
                        "customization": {"changes_product": True},
                    }
                    for var, values in variables.items()
                ],
            }
        ],
        "rules": rules,
    }


def option_label(name: str) -> str:
    """A readable label for an imported variable name."""
    return name.replace("_", " ")

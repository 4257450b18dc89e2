"""What an importer produces, and how it is written out as a catalog file plus CSV tables."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from catalog.errors import ConfiguratorError


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


def write_import(result: ImportResult, out: Path) -> Path:
    """Write `<id>.yaml` and its tables under `<id>/` in `out`; return the YAML path."""
    product_id = str(result.product["id"])
    out.mkdir(parents=True, exist_ok=True)
    if result.tables:
        (out / product_id).mkdir(exist_ok=True)
    for name, rows in result.tables.items():
        text = "\n".join(",".join(_csv_cell(cell) for cell in row) for row in rows)
        (out / product_id / name).write_text(text + "\n", encoding="utf-8")
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.width = 4096
    yaml.representer.sort_base_mapping_type_on_output = False
    buffer = io.StringIO()
    yaml.dump(result.product, buffer)
    header = "".join(f"# {line}\n" if line else "#\n" for line in result.header)
    path = out / f"{product_id}.yaml"
    path.write_text(header + buffer.getvalue(), encoding="utf-8")
    return path


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

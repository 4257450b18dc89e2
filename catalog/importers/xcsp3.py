"""Importer for XCSP3 extensional models (the format of the XCSP3 Renault family): integer variables and arrays,
`<extension>` tables of supports or conflicts, alone or in `<group>`s over `<args>`, and unary bounds written as
`<intension>` le/lt/ge/gt/eq/ne of a variable and a constant (which narrow that variable's values). Anything
else is refused, naming the construct and its line: never an empty or partial product."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from catalog.importers.result import ImportResult, SourceError, single_choice_product

_ARRAY_SIZE = re.compile(r"^\[(\d+)\]$")
_RANGE = re.compile(r"^(\w+)\[(\d+)\.\.(\d+)\]$")
_TUPLE = re.compile(r"\(([^()]*)\)")
_UNARY = re.compile(r"^(le|lt|ge|gt|eq|ne)\(\s*%0\s*,\s*%1\s*\)$")
_COMPARE = {
    "le": lambda v, k: v <= k, "lt": lambda v, k: v < k, "ge": lambda v, k: v >= k,
    "gt": lambda v, k: v > k, "eq": lambda v, k: v == k, "ne": lambda v, k: v != k,
}
_CONSTRAINTS = {"extension", "group", "intension"}


class _Reader:
    """One XCSP3 document being read: its variables, tables and where each construct is in the text."""

    def __init__(self, file: str, text: str) -> None:
        self.file, self.text = file, text
        self.variables: dict[str, list[str]] = {}
        self.rules: list[dict[str, object]] = []
        self.tables: dict[str, list[list[str]]] = {}

    def line(self, tag: str) -> int:
        """The line of the first `<tag`, for errors (ElementTree keeps no positions)."""
        at = self.text.find(f"<{tag}")
        return self.text.count("\n", 0, at) + 1 if at >= 0 else 0

    def fail(self, tag: str, message: str) -> SourceError:
        return SourceError(self.file, self.line(tag), message)

    def declare(self, root: ET.Element) -> None:
        for element in root.find("variables") or []:
            values = _values(element.text or "", self)
            if element.tag == "var":
                self.variables[element.get("id", "")] = values
            elif element.tag == "array":
                size = _ARRAY_SIZE.match(element.get("size", ""))
                if size is None:
                    raise self.fail("array", f"array {element.get('id')}: only one-dimensional arrays are supported")
                for i in range(int(size[1])):
                    self.variables[f"{element.get('id')}[{i}]"] = list(values)
            else:
                raise self.fail(element.tag, f"<{element.tag}> variables are not supported")

    def constrain(self, root: ET.Element) -> None:
        for element in root.find("constraints") or []:
            if element.tag not in _CONSTRAINTS:
                raise self.fail(element.tag, f"<{element.tag}> constraints are not supported; only extension tables")
            if element.tag == "group":
                template = element[0] if len(element) else None
                calls = [args.text.split() for args in element.iter("args") if args.text]
                if template is None or template.tag not in ("extension", "intension"):
                    raise self.fail("group", "a group must start with an extension or an intension")
                for call in calls:
                    self.apply(template, call)
            else:
                self.apply(element, None)

    def apply(self, element: ET.Element, call: list[str] | None) -> None:
        if element.tag == "intension":
            self.narrow((element.text or "").strip(), call)
            return
        listed = [v for name in (element.findtext("list") or "").split() for v in self.expand(name)]
        args = [v for item in call or [] for v in self.expand(item)]
        scope: list[str] = []
        for name in listed:
            if name == "%...":  # every argument after those named so far
                scope.extend(args[len(scope):])
            elif name.startswith("%") and name[1:].isdigit() and int(name[1:]) < len(args):
                scope.append(args[int(name[1:])])
            else:
                scope.append(name)
        unknown = [v for v in scope if v not in self.variables]
        if unknown:
            raise self.fail("extension", f"extension over unknown variables {', '.join(unknown)}")
        supports, conflicts = element.find("supports"), element.find("conflicts")
        body = supports if supports is not None else conflicts
        if body is None:
            raise self.fail("extension", "an extension needs <supports> or <conflicts>")
        rows = [cells.replace(" ", "").split(",") for cells in _TUPLE.findall(body.text or "")]
        if any(len(row) != len(scope) or "*" in row for row in rows):
            raise self.fail(body.tag, f"{body.tag} tuples must give one value per variable (no '*')")
        name = f"t{len(self.rules) + 1:04d}"
        self.tables[f"{name}.csv"] = rows
        self.rules.append({"id": name, "type": "table", "mode": "allowed" if supports is not None else "forbidden",
                           "message": f"This combination of {', '.join(scope)} is not offered ({name}).",
                           "columns": scope, "rows_file": f"{{product}}/{name}.csv"})

    def expand(self, name: str) -> list[str]:
        """A compact list item as variables: x[3..5] is x[3] x[4] x[5], x[] the whole array."""
        ranged = _RANGE.match(name)
        if ranged is not None:
            return [f"{ranged[1]}[{i}]" for i in range(int(ranged[2]), int(ranged[3]) + 1)]
        if name.endswith("[]"):
            return [v for v in self.variables if v.startswith(name[:-1])]
        return [name]

    def narrow(self, text: str, call: list[str] | None) -> None:
        """A unary bound such as le(%0,%1) over (x[3], 9): keep the values of x[3] that satisfy it."""
        matched = _UNARY.match(text)
        if matched is None or call is None or len(call) != 2 or call[0] not in self.variables:
            raise self.fail("intension", f"intension '{text}' is not supported; only unary bounds like le(%0,%1)")
        try:
            bound = int(call[1])
            kept = [v for v in self.variables[call[0]] if _COMPARE[matched[1]](int(v), bound)]
        except ValueError:
            raise self.fail("intension", f"intension '{text}' needs integer values") from None
        self.variables[call[0]] = kept


def import_xcsp3(root: ET.Element, text: str, source: Path, product_id: str) -> ImportResult:
    """The product of an XCSP3 document already parsed (`text` is its source, for line numbers)."""
    reader = _Reader(str(source), text)
    reader.declare(root)
    if not reader.variables:
        raise reader.fail("variables", "no variables: nothing to import")
    reader.constrain(root)
    empty = [name for name, values in reader.variables.items() if not values]
    if empty:
        raise reader.fail("intension", f"bounds leave no value for {', '.join(empty[:5])}")
    for rule in reader.rules:
        rule["rows_file"] = str(rule["rows_file"]).replace("{product}", product_id)
    # Rows with a value a bound took away can never be used: keep the tables within the domains.
    allowed = {name: set(values) for name, values in reader.variables.items()}
    for rule in reader.rules:
        name, scope = str(rule["id"]), rule["columns"]
        assert isinstance(scope, list)
        rows = reader.tables[f"{name}.csv"]
        reader.tables[f"{name}.csv"] = [r for r in rows if all(v in allowed[c] for c, v in zip(scope, r))]
    description = f"Imported from XCSP3 {source.name}: {len(reader.variables)} variables, {len(reader.rules)} tables."
    product = single_choice_product(product_id, description, reader.variables, reader.rules)
    return ImportResult(product, reader.tables, [f"Imported from the XCSP3 model {source.name}."])


def _values(text: str, reader: _Reader) -> list[str]:
    values: list[str] = []
    for token in text.split():
        low, dots, high = token.partition("..")
        try:
            values.extend(str(v) for v in range(int(low), int(high) + 1)) if dots else values.append(str(int(token)))
        except ValueError:
            raise reader.fail("variables", f"bad domain '{token}': only integers and ranges") from None
    return list(dict.fromkeys(values))

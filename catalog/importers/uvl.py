"""Importer for UVL feature models: features, groups with cardinalities, cross-tree rules.

Boolean features become boolean options. Beyond that, each mapping is stated in the import's notes: an Integer
feature becomes a number option over 0 to 100 or to twice the largest constant it is compared with (UVL gives no
bounds); a String feature compared with constants becomes a choice of those constants and "other", else a text
option; numeric attributes feed `sum(attribute)` as a weighted count of the selected features; `"F".attribute`
is the attribute's value; a feature cardinality (clones) adds a number option for its instances, which weigh its
attributes in sums (its sub-features are shared by the instances). Typed features must be mandatory. Anything else
(Real features, arithmetic in parentheses, other aggregates) is a clear error with its line, never dropped.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from catalog.importers.result import ImportResult, SourceError, option_label
from catalog.importers.uvl_constraint import OTHER, Constraint, Feature, ref, unescape
from catalog.schema import MAX_EXPRESSION

_GROUPS = {"mandatory", "optional", "alternative", "or"}
_CARDINALITY = re.compile(r"^\[(\d+)(?:\.\.(\d+|\*))?\]$")
_TYPES = {"Integer", "String", "Real"}
# One attribute of a `{...}` block: a key, then a quoted text, a number, true or false, or nothing (a flag).
_ATTRIBUTE = re.compile(
    r"\s*(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<value>'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|true|false)?\s*"
)
# A quoted name: anything but an unescaped double quote.
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def import_uvl(source: Path, product_id: str | None = None) -> ImportResult:
    """Read a UVL file into a product with an option per feature (and per cloned feature's instances)."""
    file = str(source)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(file, 0, f"cannot read: {exc}") from None
    root, constraint_lines = _parse_tree(lines, file)
    features: list[Feature] = []
    _walk(root, features)
    _check_typed(root, file)
    by_name = {f.name: f for f in features}
    strings: dict[str, set[str]] = {}
    numbers: dict[str, set[Decimal]] = {}
    rules: list[dict[str, str]] = [
        {
            "id": f"{root.name}:root",
            "type": "constraint",
            "expr": ref(root.name),
            "message": f"{root.name} is always part of the product.",
        }
    ]
    for feature in features:
        for index, (kind, children) in enumerate(feature.groups):
            rules.extend(_group_rules(feature, index, kind, children))
        if feature.clones:  # without the feature its number of instances is no choice
            rules.append({"id": f"{feature.name}:instances", "type": "constraint",
                          "expr": f"{ref(feature.name)} or {ref(feature.instances)} == {feature.clones[0]}",
                          "message": f"{feature.name} has instances only when it is selected."})
    for number, text in constraint_lines:
        expr = Constraint(text, file, number, by_name, strings, numbers).parse()
        rules.append(
            {
                "id": f"constraint{number}",
                "type": "constraint",
                "expr": expr,
                "message": f"Feature rule: {_shortened(text.strip())}",
            }
        )
    ident = product_id or source.name.removesuffix(".uvl")
    product: dict[str, Any] = {
        "id": ident,
        "name": option_label(root.name),
        "description": f"Imported from the UVL model {source.name}: {len(features)} features.",
        "currency": "EUR",
        "base_price": "0.00",
        "steps": [
            {
                "id": "features",
                "label": "Features",
                "options": [o for f in features for o in _options(f, strings, numbers)],
            }
        ],
        "rules": rules,
    }
    longest = max(len(rule.get(key, "")) for rule in rules for key in ("expr", "if", "then"))
    if longest > MAX_EXPRESSION:  # a limit meant for hand-written files, raised for this one explicitly
        product["limits"] = {"expression_length": longest}
    notes = [f"Imported from the UVL model {source.name} by `configurator import uvl`."]
    notes += [_note(f, strings) for f in features if f.kind != "Boolean" or f.clones]
    return ImportResult(product, {}, notes)


def _options(feature: Feature, strings: dict[str, set[str]], numbers: dict[str, set[Decimal]]) -> list[Any]:
    """The options of one feature: by its type, plus its number of instances where it is cloned."""
    base = {"id": feature.name, "label": option_label(feature.name), "customization": {"changes_product": True}}
    if feature.kind == "Integer":
        constants = numbers.get(feature.name, set())
        options = [{**base, "type": "number", "min": 0, "max": max([100, *(2 * int(c) for c in constants)])}]
    elif feature.kind == "String" and feature.name in strings:
        values = [*sorted(strings[feature.name]), OTHER]
        options = [{**base, "type": "single", "values": [{"id": v, "label": v} for v in values]}]
    elif feature.kind == "String":
        options = [{**base, "type": "text"}]
    else:
        options = [{**base, "type": "boolean"}]
    if feature.clones:
        low, high = feature.clones
        options.append({"id": feature.instances, "type": "number", "min": low, "max": high,
                        "label": f"{option_label(feature.name)}: instances"})
    return options


def _note(feature: Feature, strings: dict[str, set[str]]) -> str:
    """How a feature beyond a plain Boolean was mapped, for the import's notes."""
    if feature.kind == "Integer":
        return f"Integer feature {feature.name}: UVL gives no bounds; imported as a number from 0 (set min and max)."
    if feature.kind == "String" and feature.name in strings:
        return (f"String feature {feature.name}: a choice of the constants its constraints compare it with, "
                f"and '{OTHER}'.")
    if feature.kind == "String":
        return f"String feature {feature.name}: free text (no constraint compares it)."
    return (f"Feature {feature.name} has instances (cardinality): option '{feature.instances}' holds how many; "
            "its attributes count once per instance in sums, and its sub-features are shared by the instances.")


def _check_typed(feature: Feature, file: str) -> None:
    """Typed features must be mandatory: an optional one would need a value only while selected."""
    for kind, children in feature.groups:
        for child in children:
            if child.kind != "Boolean" and kind != "mandatory":
                raise SourceError(file, child.line, f"{child.kind} feature {child.name} must be mandatory "
                                                    f"(it is in a group of kind '{kind}')")
            _check_typed(child, file)


def _shortened(text: str, most: int = 300) -> str:
    """A constraint as a shopper reads it in a message: its start, where it is very long."""
    return text if len(text) <= most else text[: most - 1] + "…"


def _walk(feature: Feature, out: list[Feature]) -> None:
    out.append(feature)
    for _, children in feature.groups:
        for child in children:
            _walk(child, out)


def _group_rules(parent: Feature, index: int, kind: str, children: list[Feature]) -> list[dict[str, str]]:
    children = [child for child in children if child.kind == "Boolean"]  # typed ones are always there (mandatory)
    if not children:
        return []
    rules = [
        {
            "id": f"{child.name}:parent",
            "type": "requires",
            "if": ref(child.name),
            "then": ref(parent.name),
            "message": f"{child.name} needs {parent.name}.",
        }
        for child in children
    ]
    refs = ", ".join(ref(child.name) for child in children)
    listed = ", ".join(child.name for child in children[:5]) + (", ..." if len(children) > 5 else "")
    if kind == "mandatory":
        rules.extend(
            {
                "id": f"{child.name}:mandatory",
                "type": "requires",
                "if": ref(parent.name),
                "then": ref(child.name),
                "message": f"{parent.name} always includes {child.name}.",
            }
            for child in children
        )
        return rules
    if kind == "optional":
        return rules
    if kind == "alternative":
        low, high = 1, 1
    elif kind == "or":
        low, high = 1, None
    else:
        low, high = kind_bounds(kind)
    tests = [f"count({refs}) >= {low}"] if low > 0 else []
    if high is not None and high < len(children):
        tests.append(f"count({refs}) <= {high}")
    if tests:
        what = "exactly one" if (low, high) == (1, 1) else f"at least {low}" if high is None else f"{low} to {high}"
        rules.append(
            {
                "id": f"{parent.name}:group{index + 1}",
                "type": "requires",
                "if": ref(parent.name),
                "then": " and ".join(tests),
                "message": f"{parent.name} needs {what} of: {listed}.",
            }
        )
    return rules


def kind_bounds(kind: str) -> tuple[int, int | None]:
    """The bounds of a `[n..m]` group."""
    match = _CARDINALITY.match(kind)
    assert match is not None
    low = int(match[1])
    high = match[2]
    return low, (None if high == "*" else int(high) if high is not None else low)




def _indent(line: str) -> int:
    expanded = line.replace("\t", "    ")
    return len(expanded) - len(expanded.lstrip(" "))


def _parse_tree(lines: list[str], file: str) -> tuple[Feature, list[tuple[int, str]]]:
    section = ""
    stack: list[tuple[int, Feature | list[Feature]]] = []
    root: Feature | None = None
    constraints: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        text = _without_comment(raw).rstrip()
        if not text.strip():
            continue
        stripped = text.strip()
        if _indent(text) == 0:
            section = stripped.split()[0]
            if section not in ("features", "constraints", "namespace", "imports", "include"):
                raise SourceError(file, number, f"unknown section '{section}'")
            continue
        if section == "constraints":
            constraints.append((number, stripped))
            continue
        if section != "features":
            raise SourceError(file, number, f"'{section}' sections are not supported")
        depth = _indent(text)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stripped in _GROUPS or _CARDINALITY.match(stripped):
            if not stack or not isinstance(stack[-1][1], Feature):
                raise SourceError(file, number, "a group keyword must follow a feature")
            children: list[Feature] = []
            stack[-1][1].groups.append((stripped, children))
            stack.append((depth, children))
            continue
        feature = _parse_feature(stripped, file, number)
        if not stack:
            if root is not None:
                raise SourceError(file, number, "a feature model has one root feature")
            root = feature
        elif isinstance(stack[-1][1], list):
            stack[-1][1].append(feature)
        else:
            raise SourceError(file, number, "a feature must be inside a group (mandatory, optional, ...)")
        stack.append((depth, feature))
    if root is None:
        raise SourceError(file, 0, "no features found")
    return root, constraints


def _without_comment(line: str) -> str:
    """The line up to a `//` comment; a `//` inside a quoted name is part of the name."""
    quoted = False
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and quoted:
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif not quoted and line.startswith("//", index):
            return line[:index]
        index += 1
    return line




def _parse_feature(text: str, file: str, number: int) -> Feature:
    """One feature line: `[Type] name [cardinality [n..m]] [{attributes}]`."""
    kind = "Boolean"
    first = text.split()[0]
    if first in _TYPES or first == "Boolean":
        kind, text = first, text[len(first) :].strip()
    if kind == "Real":
        raise SourceError(file, number, "Real features are not supported; Boolean, Integer and String features are")
    if text.startswith('"'):
        quoted = _QUOTED.match(text)
        if quoted is None:
            raise SourceError(file, number, "unterminated feature name")
        name, rest = unescape(quoted[1]), text[quoted.end() :].strip()
    else:
        name = re.split(r"[\s{]", text, maxsplit=1)[0]
        rest = text[len(name) :].strip()
    if "`" in name or not name:
        raise SourceError(file, number, f"feature name {name!r} cannot be used as an option id")
    feature = Feature(name, number, kind=kind)
    if rest.startswith("cardinality"):
        spec = rest[len("cardinality") :].strip().split("{", 1)[0].strip()
        low, high = kind_bounds(spec) if _CARDINALITY.match(spec) else (0, None)
        if high is None:
            raise SourceError(file, number, "a feature cardinality needs bounds such as [1..5]")
        feature.clones = (low, high)
        rest = rest[rest.index("]") + 1 :].strip()
    if rest.startswith("{") and rest.endswith("}"):
        feature.attributes = _attributes(rest[1:-1], file, number)
    elif rest:
        raise SourceError(file, number, f"unexpected '{rest[:20]}' after the feature name")
    return feature


def _attributes(text: str, file: str, number: int) -> dict[str, Decimal | str | bool]:
    """`{abstract, Weight 3, Maker 'Wheelio'}`: numbers as Decimals, quoted text, true/false; a bare key is true."""
    found: dict[str, Decimal | str | bool] = {}
    for part in (p for p in text.split(",") if p.strip()):
        match = _ATTRIBUTE.fullmatch(part)
        if match is None:
            raise SourceError(file, number, f"unsupported attribute '{part.strip()[:30]}'")
        value = match["value"]
        if value is None or value in ("true", "false"):
            found[match["key"]] = value != "false"
        elif value.startswith("'"):
            found[match["key"]] = unescape(value[1:-1])
        else:
            found[match["key"]] = Decimal(value)
    return found

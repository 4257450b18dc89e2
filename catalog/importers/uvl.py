"""Importer for UVL feature models: boolean features, groups with cardinalities, propositional cross-tree rules.

Constructs beyond propositional logic (typed or cardinality features, attributes in constraints, arithmetic,
aggregates such as sum) are reported as clear errors with their line, not silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.expressions import FUNCTIONS, KEYWORDS
from catalog.importers.result import ImportResult, SourceError, option_label
from catalog.schema import MAX_EXPRESSION

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_GROUPS = {"mandatory", "optional", "alternative", "or"}
_CARDINALITY = re.compile(r"^\[(\d+)(?:\.\.(\d+|\*))?\]$")
_TYPES = {"Integer", "String", "Real"}
_TOKEN = re.compile(r'\s*(?:(?P<op><=>|=>|[!&|()])|"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<name>[A-Za-z_][A-Za-z0-9_]*))')
# A quoted name: anything but an unescaped double quote.
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


@dataclass
class _Feature:
    name: str
    line: int
    groups: list[tuple[str, list[_Feature]]] = field(default_factory=list)


def import_uvl(source: Path, product_id: str | None = None) -> ImportResult:
    """Read a UVL file into a product with one boolean option per feature."""
    file = str(source)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(file, 0, f"cannot read: {exc}") from None
    root, constraint_lines = _parse_tree(lines, file)
    features: list[_Feature] = []
    _walk(root, features)
    names = {f.name for f in features}
    rules: list[dict[str, str]] = [
        {
            "id": f"{root.name}:root",
            "type": "constraint",
            "expr": _ref(root.name),
            "message": f"{root.name} is always part of the product.",
        }
    ]
    for feature in features:
        for index, (kind, children) in enumerate(feature.groups):
            rules.extend(_group_rules(feature, index, kind, children))
    for number, text in constraint_lines:
        expr = _Constraint(text, file, number, names).parse()
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
                "options": [
                    {
                        "id": f.name,
                        "type": "boolean",
                        "label": option_label(f.name),
                        "customization": {"changes_product": True},
                    }
                    for f in features
                ],
            }
        ],
        "rules": rules,
    }
    longest = max(len(rule.get(key, "")) for rule in rules for key in ("expr", "if", "then"))
    if longest > MAX_EXPRESSION:  # a limit meant for hand-written files, raised for this one explicitly
        product["limits"] = {"expression_length": longest}
    return ImportResult(product, {}, [f"Imported from the UVL model {source.name} by `configurator import uvl`."])


def _shortened(text: str, most: int = 300) -> str:
    """A constraint as a shopper reads it in a message: its start, where it is very long."""
    return text if len(text) <= most else text[: most - 1] + "…"


def _walk(feature: _Feature, out: list[_Feature]) -> None:
    out.append(feature)
    for _, children in feature.groups:
        for child in children:
            _walk(child, out)


def _group_rules(parent: _Feature, index: int, kind: str, children: list[_Feature]) -> list[dict[str, str]]:
    rules = [
        {
            "id": f"{child.name}:parent",
            "type": "requires",
            "if": _ref(child.name),
            "then": _ref(parent.name),
            "message": f"{child.name} needs {parent.name}.",
        }
        for child in children
    ]
    refs = ", ".join(_ref(child.name) for child in children)
    listed = ", ".join(child.name for child in children[:5]) + (", ..." if len(children) > 5 else "")
    if kind == "mandatory":
        rules.extend(
            {
                "id": f"{child.name}:mandatory",
                "type": "requires",
                "if": _ref(parent.name),
                "then": _ref(child.name),
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
                "if": _ref(parent.name),
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


def _ref(name: str) -> str:
    if _PLAIN.match(name) and name not in KEYWORDS and name not in FUNCTIONS:
        return name
    return f"`{name}`"


def _indent(line: str) -> int:
    expanded = line.replace("\t", "    ")
    return len(expanded) - len(expanded.lstrip(" "))


def _parse_tree(lines: list[str], file: str) -> tuple[_Feature, list[tuple[int, str]]]:
    section = ""
    stack: list[tuple[int, _Feature | list[_Feature]]] = []
    root: _Feature | None = None
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
            if not stack or not isinstance(stack[-1][1], _Feature):
                raise SourceError(file, number, "a group keyword must follow a feature")
            children: list[_Feature] = []
            stack[-1][1].groups.append((stripped, children))
            stack.append((depth, children))
            continue
        feature = _Feature(_feature_name(stripped, file, number), number)
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


def _unescape(name: str) -> str:
    """A quoted name's text, its escaped characters (\\" and \\\\) as themselves."""
    return re.sub(r"\\(.)", r"\1", name)


def _feature_name(text: str, file: str, number: int) -> str:
    first = text.split()[0]
    if first in _TYPES:
        raise SourceError(file, number, f"{first} features are not supported; only boolean features map to options")
    if first == "Boolean":
        text = text[len(first) :].strip()
    if text.startswith('"'):
        quoted = _QUOTED.match(text)
        if quoted is None:
            raise SourceError(file, number, "unterminated feature name")
        name, rest = _unescape(quoted[1]), text[quoted.end() :].strip()
    else:
        name, _, rest = text.partition(" ")
        name = name.split("{", 1)[0]
        rest = text[len(name) :].strip()
    if rest.startswith("cardinality"):
        raise SourceError(file, number, "feature cardinalities (clones) are not supported")
    if "`" in name or not name:
        raise SourceError(file, number, f"feature name {name!r} cannot be used as an option id")
    return name


class _Constraint:
    """A recursive-descent parser for propositional UVL constraints, printed in the catalog's language."""

    def __init__(self, text: str, file: str, line: int, names: set[str]) -> None:
        self.text, self.file, self.line, self.names = text, file, line, names
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                if not text[pos:].strip():
                    break
                raise self.error(f"unsupported construct at '{text[pos:].strip()[:20]}' (only ! & | => <=> are mapped)")
            if match["op"]:
                self.tokens.append(("op", match["op"]))
            else:
                quoted = match["quoted"]
                self.tokens.append(("name", _unescape(quoted) if quoted is not None else match["name"]))
            pos = match.end()
        self.index = 0

    def error(self, message: str) -> SourceError:
        return SourceError(self.file, self.line, message)

    def peek(self) -> str | None:
        return (
            self.tokens[self.index][1] if self.index < len(self.tokens) and self.tokens[self.index][0] == "op" else None
        )

    def parse(self) -> str:
        expr = self.equivalence()
        if self.index != len(self.tokens):
            raise self.error(f"unexpected '{self.tokens[self.index][1]}'")
        return expr

    def equivalence(self) -> str:
        left = self.implication()
        while self.peek() == "<=>":
            self.index += 1
            right = self.implication()
            left = f"((not {left} or {right}) and (not {right} or {left}))"
        return left

    def implication(self) -> str:
        left = self.disjunction()
        if self.peek() == "=>":
            self.index += 1
            return f"(not {left} or {self.implication()})"
        return left

    def disjunction(self) -> str:
        parts = [self.conjunction()]
        while self.peek() == "|":
            self.index += 1
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"

    def conjunction(self) -> str:
        parts = [self.negation()]
        while self.peek() == "&":
            self.index += 1
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")"

    def negation(self) -> str:
        if self.peek() == "!":
            self.index += 1
            return f"not {self.negation()}"
        if self.peek() == "(":
            self.index += 1
            inner = self.equivalence()
            if self.peek() != ")":
                raise self.error("missing ')'")
            self.index += 1
            return inner
        if self.index >= len(self.tokens) or self.tokens[self.index][0] != "name":
            raise self.error("expected a feature name")
        name = self.tokens[self.index][1]
        self.index += 1
        if name not in self.names:
            raise self.error(f"unknown feature '{name}'")
        return _ref(name)

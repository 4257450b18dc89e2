"""UVL features and cross-tree constraints, printed in the catalog's expression language.

Propositional constraints (`! & | => <=>`), comparisons (`== != < <= > >=`) of arithmetic (`+ - * /`) over numbers,
Integer features, `sum(attribute)` and `"Feature".attribute`, and String features compared with constants.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from catalog.expressions import FUNCTIONS, KEYWORDS
from catalog.importers.result import SourceError

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOKEN = re.compile(
    r'\s*(?:(?P<op><=>|=>|==|!=|<=|>=|[!&|()<>+\-*/.])|"(?P<quoted>(?:[^"\\]|\\.)*)"'
    r"|'(?P<text>(?:[^'\\]|\\.)*)'|(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)
_COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
OTHER = "other"  # the value a String feature takes beyond the constants the constraints name


@dataclass
class Feature:
    """One UVL feature: its line, groups, type, attributes and feature cardinality."""

    name: str
    line: int
    groups: list[tuple[str, list[Feature]]] = field(default_factory=list)
    kind: str = "Boolean"  # Boolean, Integer or String
    attributes: dict[str, Decimal | str | bool] = field(default_factory=dict)
    clones: tuple[int, int] | None = None  # how many instances, when selected

    @property
    def instances(self) -> str:
        """The option holding a cloned feature's number of instances."""
        return f"{self.name} instances"


def ref(name: str) -> str:
    """An option reference: bare where the name is a plain identifier, else in backticks."""
    if _PLAIN.match(name) and name not in KEYWORDS and name not in FUNCTIONS:
        return name
    return f"`{name}`"


def unescape(name: str) -> str:
    """A quoted name's text, its escaped characters (\\" and \\\\) as themselves."""
    return re.sub(r"\\(.)", r"\1", name)


class Constraint:
    """A recursive-descent parser of one constraint; string constants compared with a String feature are added to
    `strings` (they become that feature's values), numbers compared with an Integer feature to `numbers` (they
    set its range)."""

    def __init__(
        self, text: str, file: str, line: int, features: dict[str, Feature],
        strings: dict[str, set[str]], numbers: dict[str, set[Decimal]],
    ) -> None:
        self.file, self.line, self.features, self.strings, self.numbers = file, line, features, strings, numbers
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                if not text[pos:].strip():
                    break
                raise self.error(f"unsupported construct at '{text[pos:].strip()[:20]}'")
            kind = next(k for k in ("op", "quoted", "text", "number", "name") if match[k] is not None)
            value = match[kind]
            self.tokens.append(("name" if kind == "quoted" else kind, unescape(value) if kind != "op" else value))
            pos = match.end()
        self.index = 0

    def error(self, message: str) -> SourceError:
        return SourceError(self.file, self.line, message)

    def peek(self) -> str | None:
        if self.index < len(self.tokens) and self.tokens[self.index][0] == "op":
            return self.tokens[self.index][1]
        return None

    def take(self) -> tuple[str, str]:
        if self.index >= len(self.tokens):
            raise self.error("the constraint ends too early")
        self.index += 1
        return self.tokens[self.index - 1]

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
        return self._chain(self.conjunction, "|", "or")

    def conjunction(self) -> str:
        return self._chain(self.negation, "&", "and")

    def _chain(self, operand: Callable[[], str], token: str, word: str) -> str:
        """Operands joined by one associative operator, as one parenthesised expression."""
        parts = [operand()]
        while self.peek() == token:
            self.index += 1
            parts.append(operand())
        return parts[0] if len(parts) == 1 else "(" + f" {word} ".join(parts) + ")"

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
        left, kind = self.sum()
        if self.peek() in _COMPARISONS:
            op = self.take()[1]
            right, right_kind = self.sum()
            return self.comparison(left, kind, op, right, right_kind)
        if kind != "bool":
            raise self.error(f"'{left}' is a {kind}, not a condition")
        return left

    def comparison(self, left: str, kind: str, op: str, right: str, right_kind: str) -> str:
        if {kind, right_kind} == {"number"}:
            for feature, constant in ((left, right), (right, left)):
                integer = self.features.get(feature.strip("`"))
                if integer is not None and integer.kind == "Integer" and re.fullmatch(r"\d+(\.\d+)?", constant):
                    self.numbers.setdefault(integer.name, set()).add(Decimal(constant))
            return f"({left} {op} {right})"
        if kind == "string" and right_kind == "constant" and op in ("==", "!="):
            return self.text_test(left, op, right)
        if kind == "constant" and right_kind == "string" and op in ("==", "!="):
            return self.text_test(right, op, left)
        raise self.error(f"cannot compare {kind} with {right_kind} by '{op}'")

    def text_test(self, feature: str, op: str, constant: str) -> str:
        self.strings.setdefault(feature, set()).add(constant)
        return f'({ref(feature)} {op} "{constant}")'

    def sum(self) -> tuple[str, str]:
        left, kind = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            right, right_kind = self.product()
            left, kind = f"{left} {op} {right}", self.numeric(kind, right_kind)
        return left, kind

    def product(self) -> tuple[str, str]:
        left, kind = self.factor()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            right, right_kind = self.factor()
            left, kind = f"{left} {op} {right}", self.numeric(kind, right_kind)
        return left, kind

    def numeric(self, kind: str, other: str) -> str:
        if {kind, other} != {"number"}:
            raise self.error("arithmetic needs numbers on both sides")
        return "number"

    def factor(self) -> tuple[str, str]:
        kind, value = self.take()
        if kind == "number":
            return value, "number"
        if kind == "text":
            return value, "constant"
        if kind == "op" and value == "-":
            inner, inner_kind = self.factor()
            return f"-{inner}", self.numeric(inner_kind, "number")
        if kind == "name" and value == "sum" and self.peek() == "(":
            return self.aggregate(), "number"
        if kind != "name":
            raise self.error(f"unexpected '{value}'")
        feature = self.features.get(value)
        if feature is None:
            raise self.error(f"unknown feature '{value}'")
        if self.peek() == ".":
            self.index += 1
            return self.attribute(feature, self.take()[1])
        return ref(feature.name), {"Boolean": "bool", "Integer": "number", "String": "string"}[feature.kind]

    def attribute(self, feature: Feature, key: str) -> tuple[str, str]:
        value = feature.attributes.get(key)
        if isinstance(value, Decimal):
            return str(value), "number"
        if isinstance(value, str):
            return value, "constant"
        raise self.error(f"feature '{feature.name}' has no attribute '{key}' with a number or text value")

    def aggregate(self) -> str:
        self.index += 1
        key = self.take()[1]
        if self.peek() != ")":
            raise self.error("sum() takes one attribute name")
        self.index += 1
        terms = []
        for feature in self.features.values():
            weight = feature.attributes.get(key)
            if isinstance(weight, Decimal):
                each = f" * {ref(feature.instances)}" if feature.clones else ""
                terms.append(f"{weight} * count({ref(feature.name)}){each}")
        return "(" + " + ".join(terms) + ")" if terms else "0"

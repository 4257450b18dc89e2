"""An independent CNF of a UVL feature model, for a second count of the real models.

Nothing here uses the importers, the loader or the engine: it reads the UVL text itself, with the textbook
feature-model semantics (root selected; a child needs its parent; groups), and Tseitin-encodes the constraints.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from pysat.card import CardEnc, EncType
from pysat.formula import IDPool

_GROUP = re.compile(r"^(mandatory|optional|alternative|or|\[(\d+)\.\.(\d+|\*)\]|\[(\d+)\])$")
_TOKEN = re.compile(r'\s*(<=>|=>|[()!&|]|"(?:[^"\\]|\\.)*"|[A-Za-z_][\w.\-]*)')


@dataclass
class UvlCnf:
    """Clauses over one variable per feature (1..features) and Tseitin variables after them."""

    features: dict[str, int] = field(default_factory=dict)
    clauses: list[list[int]] = field(default_factory=list)
    pool: IDPool = field(default_factory=IDPool)

    def var(self, name: str) -> int:
        if name not in self.features:
            self.features[name] = self.pool.id(("f", name))
        return self.features[name]


def read_uvl_cnf(path: Path) -> UvlCnf:
    """The CNF of a UVL file's feature tree and constraints (boolean features only)."""
    cnf = UvlCnf()
    lines = [line.rstrip() for line in path.read_text().splitlines()]
    start = next(i for i, line in enumerate(lines) if line.strip() == "features") + 1
    end = next((i for i, line in enumerate(lines) if line.strip() == "constraints"), len(lines))
    stack: list[tuple[int, str, object]] = []  # (indent, kind, payload): feature name or group spec
    groups: dict[tuple[str, int], tuple[str, list[str]]] = {}
    for number, line in enumerate(lines[start:end]):
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        text = line.strip()
        while stack and stack[-1][0] >= indent:
            stack.pop()
        match = _GROUP.match(text)
        if match:
            parent = str(stack[-1][2])
            groups[(parent, number)] = (text, [])
            stack.append((indent, "group", (parent, number)))
            continue
        name = _feature_name(text)
        feature = cnf.var(name)
        if not stack:
            cnf.clauses.append([feature])  # the root
        else:
            _, _, key = stack[-1]
            assert isinstance(key, tuple)
            groups[key][1].append(name)
            cnf.clauses.append([-feature, cnf.var(key[0])])
        stack.append((indent, "feature", name))
    for (parent, _), (kind, children) in groups.items():
        _group(cnf, cnf.var(parent), kind, [cnf.var(c) for c in children])
    for line in lines[end + 1 :]:
        if line.strip():
            cnf.clauses.append([_tseitin(cnf, _Parser(line).parse())])
    return cnf


def _feature_name(text: str) -> str:
    if text.startswith('"'):
        return re.match(r'"((?:[^"\\]|\\.)*)"', text).group(1)  # type: ignore[union-attr]
    return text.split()[0]


def _group(cnf: UvlCnf, parent: int, kind: str, children: list[int]) -> None:
    if kind == "mandatory":
        cnf.clauses.extend([-parent, c] for c in children)
        return
    if kind == "optional":
        return
    low, high = {"alternative": (1, 1), "or": (1, len(children))}.get(kind, (0, 0))
    bounds = _GROUP.match(kind)
    assert bounds is not None
    if bounds.group(2):
        low, high = int(bounds.group(2)), len(children) if bounds.group(3) == "*" else int(bounds.group(3))
    elif bounds.group(4):
        low = high = int(bounds.group(4))
    if low >= 1:
        if low == 1:
            cnf.clauses.append([-parent, *children])
        else:
            atleast = CardEnc.atleast(children, low, vpool=cnf.pool, encoding=EncType.seqcounter)
            cnf.clauses.extend([-parent, *clause] for clause in atleast.clauses)
    if high < len(children):
        if high == 1:
            cnf.clauses.extend([-a, -b] for a, b in itertools.combinations(children, 2))
        else:
            atmost = CardEnc.atmost(children, high, vpool=cnf.pool, encoding=EncType.seqcounter)
            cnf.clauses.extend(atmost.clauses)


class _Parser:
    """Constraints: ! binds tightest, then &, |, =>, <=>."""

    def __init__(self, text: str) -> None:
        self.tokens = [t for t in _TOKEN.findall(text) if t]
        self.at = 0

    def parse(self) -> tuple:
        node = self._binary(0)
        assert self.at == len(self.tokens), f"unparsed: {self.tokens[self.at:]}"
        return node

    _LEVELS = ("<=>", "=>", "|", "&")

    def _binary(self, level: int) -> tuple:
        if level == len(self._LEVELS):
            return self._unary()
        node = self._binary(level + 1)
        while self.at < len(self.tokens) and self.tokens[self.at] == self._LEVELS[level]:
            self.at += 1
            node = (self._LEVELS[level], node, self._binary(level + 1))
        return node

    def _unary(self) -> tuple:
        token = self.tokens[self.at]
        self.at += 1
        if token == "!":
            return ("!", self._unary())
        if token == "(":
            node = self._binary(0)
            assert self.tokens[self.at] == ")"
            self.at += 1
            return node
        return ("name", token[1:-1] if token.startswith('"') else token)


def _tseitin(cnf: UvlCnf, node: tuple) -> int:
    """A literal equivalent to the node, with its defining clauses added."""
    kind = node[0]
    if kind == "name":
        return cnf.var(node[1])
    if kind == "!":
        return -_tseitin(cnf, node[1])
    a, b = _tseitin(cnf, node[1]), _tseitin(cnf, node[2])
    out = cnf.pool.id(("t", len(cnf.clauses), a, b))
    if kind == "&":
        cnf.clauses.extend([[-out, a], [-out, b], [out, -a, -b]])
    elif kind == "|":
        cnf.clauses.extend([[-out, a, b], [out, -a], [out, -b]])
    elif kind == "=>":
        cnf.clauses.extend([[-out, -a, b], [out, a], [out, -b]])
    else:
        cnf.clauses.extend([[-out, -a, b], [-out, a, -b], [out, a, b], [out, -a, -b]])
    return out

"""The catalog's small expression language: a tokenizer and a recursive-descent parser to a frozen AST."""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from catalog.errors import ConfiguratorError


class ExpressionError(ConfiguratorError):
    """A syntax error at a 0-based offset inside the expression text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class Name:
    """A reference to an option by id."""

    name: str
    pos: int


@dataclass(frozen=True)
class Literal:
    """A string, number or boolean constant."""

    value: str | int | Decimal | bool
    pos: int


@dataclass(frozen=True)
class ListExpr:
    """A bracketed list of expressions, the right side of `in`."""

    items: tuple[Expr, ...]
    pos: int


@dataclass(frozen=True)
class Not:
    """Logical negation."""

    operand: Expr
    pos: int


Connective = typing.Literal["and", "or"]
Comparison = typing.Literal["==", "!=", "<", "<=", ">", ">="]
Operator = typing.Literal["+", "-", "*", "/"]
# The language's functions; each walker (typecheck, evaluate, tables, formula) handles every one by `match`.
FunctionName = typing.Literal["count"]


@dataclass(frozen=True)
class Function:
    """A function of the language: its name, what it computes, and how many arguments it takes at least."""

    name: FunctionName
    meaning: str
    min_args: int


FUNCTIONS: dict[str, Function] = {
    "count": Function("count", "the number of its conditions that hold", 1),
}


@dataclass(frozen=True)
class BoolOp:
    """`and` / `or` over two or more operands."""

    op: Connective
    operands: tuple[Expr, ...]
    pos: int


@dataclass(frozen=True)
class Compare:
    """One comparison: == != < <= > >=."""

    op: Comparison
    left: Expr
    right: Expr
    pos: int


@dataclass(frozen=True)
class Membership:
    """`item in container` or `item not in container`."""

    item: Expr
    container: Expr
    negated: bool
    pos: int


@dataclass(frozen=True)
class Arith:
    """Binary arithmetic: + - * /."""

    op: Operator
    left: Expr
    right: Expr
    pos: int


@dataclass(frozen=True)
class Negate:
    """Unary minus."""

    operand: Expr
    pos: int


@dataclass(frozen=True)
class Call:
    """A call of one of FUNCTIONS, such as `count(c1, c2, ...)`."""

    func: FunctionName
    args: tuple[Expr, ...]
    pos: int


# The aggregates over a component's instances (a product's parts, issue 24): `count(sections where doors ==
# "glass")`, `sum(sections.width)`, `all(sections, finish == frame_finish)`, `any(sections, ...)`. They exist in the
# language as written; loading unrolls each into the plain language over every instance (catalog/components.py),
# so only the type checker and the unroller ever meet one.
AggregateName = typing.Literal["count", "sum", "all", "any"]
AGGREGATES: tuple[AggregateName, ...] = ("count", "sum", "all", "any")


@dataclass(frozen=True)
class Over:
    """An aggregate over a component's instances; names inside `body` and `where` are first the instance's own."""

    func: AggregateName
    component: str
    body: Expr | None  # sum: each instance's number; all, any: each instance's condition; count: none
    where: Expr | None  # only the instances where this holds
    pos: int


Expr = Call | Name | Literal | ListExpr | Not | BoolOp | Compare | Membership | Arith | Negate | Over

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<path>[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<quoted_name>`[^`\n]+`)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    pos: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ExpressionError(f"unexpected character {text[pos]!r}", pos)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _unescape(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def at(self, *texts: str) -> bool:
        tok = self.current
        return tok.kind in ("op", "name") and tok.text in texts

    def advance(self) -> _Token:
        tok = self.current
        self.index += 1
        return tok

    def expect(self, text: str) -> _Token:
        if not self.at(text):
            raise ExpressionError(f"expected '{text}' but found {self.describe()}", self.current.pos)
        return self.advance()

    def describe(self) -> str:
        tok = self.current
        return "the end of the expression" if tok.kind == "end" else f"'{tok.text}'"

    def parse(self) -> Expr:
        if self.current.kind == "end":
            raise ExpressionError("empty expression", 0)
        expr = self.disjunction()
        if self.current.kind != "end":
            raise ExpressionError(f"unexpected {self.describe()}", self.current.pos)
        return expr

    def disjunction(self) -> Expr:
        return self.chain("or", self.conjunction)

    def conjunction(self) -> Expr:
        return self.chain("and", self.negation)

    def chain(self, word: str, operand: Callable[[], Expr]) -> Expr:
        first = operand()
        items = [first]
        while self.at(word):
            self.advance()
            items.append(operand())
        return first if len(items) == 1 else BoolOp(typing.cast(Connective, word), tuple(items), _pos(first))

    def negation(self) -> Expr:
        if self.at("not"):
            tok = self.advance()
            return Not(self.negation(), tok.pos)
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.sum()
        tok = self.current
        if tok.kind == "op" and tok.text in COMPARISONS:
            self.advance()
            return Compare(typing.cast(Comparison, tok.text), left, self.sum(), tok.pos)
        if self.at("in"):
            self.advance()
            return Membership(left, self.sum(), False, tok.pos)
        if self.at("not") and self.tokens[self.index + 1].text == "in":
            self.advance()
            self.advance()
            return Membership(left, self.sum(), True, tok.pos)
        return left

    def sum(self) -> Expr:
        left = self.term()
        while self.at("+", "-") and self.current.kind == "op":
            tok = self.advance()
            left = Arith(typing.cast(Operator, tok.text), left, self.term(), tok.pos)
        return left

    def term(self) -> Expr:
        left = self.unary()
        while self.at("*", "/") and self.current.kind == "op":
            tok = self.advance()
            left = Arith(typing.cast(Operator, tok.text), left, self.unary(), tok.pos)
        return left

    def unary(self) -> Expr:
        if self.current.kind == "op" and self.current.text == "-":
            tok = self.advance()
            return Negate(self.unary(), tok.pos)
        return self.atom()

    def call(self, name: _Token) -> Expr:
        if name.text in AGGREGATES and self.over_ahead(name.text):
            return self.over(name)
        function = FUNCTIONS.get(name.text)
        if function is None:
            raise ExpressionError(
                f"unknown function '{name.text}' (functions: {', '.join(sorted(FUNCTIONS))})", name.pos
            )
        self.advance()
        args = self.items(")")
        if len(args) < function.min_args:
            wanted = "one argument" if function.min_args == 1 else f"{function.min_args} arguments"
            raise ExpressionError(f"{name.text}() needs at least {wanted}", name.pos)
        return Call(function.name, tuple(args), name.pos)

    def over_ahead(self, func: str) -> bool:
        """Whether the call's arguments start as an aggregate's: `count(c where`, `sum(c.x`, `all(c,`."""
        first, second = self.tokens[self.index + 1], self.tokens[self.index + 2]
        if func == "count":
            return first.kind == "name" and second.kind == "name" and second.text == "where"
        return first.kind in ("name", "path")

    def over(self, name: _Token) -> Over:
        func = typing.cast(AggregateName, name.text)
        self.advance()  # the opening parenthesis
        tok = self.advance()
        if tok.kind not in ("name", "path") or tok.text in KEYWORDS:
            raise ExpressionError(f"{func}() needs a component's name first", tok.pos)
        component, _, member = tok.text.partition(".")
        body: Expr | None = Name(member, tok.pos + len(component) + 1) if member else None
        if member and func != "sum":
            raise ExpressionError(f"'{tok.text}': write {func}({component}, condition)", tok.pos)
        if func != "count" and body is None:
            self.expect(",")
            body = self.disjunction()
        where = None
        if self.at("where"):
            self.advance()
            where = self.disjunction()
        if func == "count" and where is None:
            raise ExpressionError(f"write count({component} where condition), or {component} for how many", tok.pos)
        self.expect(")")
        return Over(func, component, body, where, name.pos)

    def atom(self) -> Expr:
        tok = self.current
        if tok.kind == "path":
            raise ExpressionError(f"'{tok.text}' is an option of each instance: use it inside sum(), all() or any()",
                                  tok.pos)
        if tok.kind == "number":
            self.advance()
            return Literal(Decimal(tok.text) if "." in tok.text else int(tok.text), tok.pos)
        if tok.kind == "string":
            self.advance()
            return Literal(_unescape(tok.text), tok.pos)
        if tok.kind == "quoted_name":
            self.advance()
            return Name(tok.text[1:-1], tok.pos)
        if tok.kind == "name":
            if tok.text in ("true", "false"):
                self.advance()
                return Literal(tok.text == "true", tok.pos)
            if tok.text in KEYWORDS:
                raise ExpressionError(f"unexpected '{tok.text}'", tok.pos)
            self.advance()
            if self.at("(") and self.current.kind == "op":
                return self.call(tok)
            return Name(tok.text, tok.pos)
        if self.at("("):
            self.advance()
            inner = self.disjunction()
            self.expect(")")
            return inner
        if self.at("["):
            self.advance()
            return ListExpr(tuple(self.items("]")), tok.pos)
        raise ExpressionError(f"expected a value but found {self.describe()}", tok.pos)

    def items(self, close: str) -> list[Expr]:
        """Comma-separated expressions up to and including `close`."""
        found: list[Expr] = []
        while not self.at(close):
            found.append(self.disjunction())
            if not self.at(","):
                break
            self.advance()
        self.expect(close)
        return found


def _pos(expr: Expr) -> int:
    if isinstance(expr, (Compare, Membership, Arith)):
        return _pos(expr.left if not isinstance(expr, Membership) else expr.item)
    if isinstance(expr, BoolOp):
        return _pos(expr.operands[0])
    return expr.pos


@functools.lru_cache(maxsize=4096)
def parse_expression(text: str) -> Expr:
    """Parse one expression (cached: the trees are immutable); raise ExpressionError with the offending offset."""
    return _Parser(text).parse()


def names(expr: Expr) -> frozenset[str]:
    """The option ids an expression refers to (an aggregate: its component, whose names inside are its own)."""
    if isinstance(expr, Name):
        return frozenset({expr.name})
    if isinstance(expr, Literal):
        return frozenset()
    if isinstance(expr, Over):
        return frozenset({expr.component})
    return frozenset().union(*(names(child) for child in children(expr)))


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions."""
    if isinstance(expr, (ListExpr, Call)):
        return expr.items if isinstance(expr, ListExpr) else expr.args
    if isinstance(expr, (Not, Negate)):
        return (expr.operand,)
    if isinstance(expr, BoolOp):
        return expr.operands
    if isinstance(expr, (Compare, Arith)):
        return (expr.left, expr.right)
    if isinstance(expr, Membership):
        return (expr.item, expr.container)
    if isinstance(expr, Over):
        return tuple(part for part in (expr.body, expr.where) if part is not None)
    return ()


def map_children(expr: Expr, change: Callable[[Expr], Expr]) -> Expr:
    """The same node over `change` of each of its direct sub-expressions."""
    match expr:
        case Name() | Literal():
            return expr
        case ListExpr():
            return ListExpr(tuple(change(item) for item in expr.items), expr.pos)
        case Not():
            return Not(change(expr.operand), expr.pos)
        case Negate():
            return Negate(change(expr.operand), expr.pos)
        case BoolOp():
            return BoolOp(expr.op, tuple(change(o) for o in expr.operands), expr.pos)
        case Compare():
            return Compare(expr.op, change(expr.left), change(expr.right), expr.pos)
        case Arith():
            return Arith(expr.op, change(expr.left), change(expr.right), expr.pos)
        case Membership():
            return Membership(change(expr.item), change(expr.container), expr.negated, expr.pos)
        case Call():
            return Call(expr.func, tuple(change(arg) for arg in expr.args), expr.pos)
        case Over():
            body = None if expr.body is None else change(expr.body)
            return Over(expr.func, expr.component, body, None if expr.where is None else change(expr.where), expr.pos)
        case _:
            typing.assert_never(expr)


def start(expr: Expr) -> int:
    """The offset where an expression's text begins."""
    return _pos(expr)


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def unparse(expr: Expr) -> str:
    """Expression text that parses back to `expr` (positions aside): every compound part in parentheses."""
    if isinstance(expr, Name):
        plain = _PLAIN_NAME.fullmatch(expr.name) and expr.name not in KEYWORDS and expr.name not in FUNCTIONS
        return expr.name if plain else f"`{expr.name}`"
    if isinstance(expr, Literal):
        value = expr.value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return str(value) if value >= 0 else f"(0 - {-value})"
    if isinstance(expr, ListExpr):
        return "[" + ", ".join(unparse(item) for item in expr.items) + "]"
    if isinstance(expr, Not):
        return f"(not {unparse(expr.operand)})"
    if isinstance(expr, BoolOp):
        return "(" + f" {expr.op} ".join(unparse(o) for o in expr.operands) + ")"
    if isinstance(expr, (Compare, Arith)):
        return f"({unparse(expr.left)} {expr.op} {unparse(expr.right)})"
    if isinstance(expr, Membership):
        return f"({unparse(expr.item)} {'not in' if expr.negated else 'in'} {unparse(expr.container)})"
    if isinstance(expr, Negate):
        return f"(-{unparse(expr.operand)})"
    if isinstance(expr, Call):
        return f"{expr.func}(" + ", ".join(unparse(arg) for arg in expr.args) + ")"
    body = "" if expr.body is None else ", " + unparse(expr.body)
    where = "" if expr.where is None else " where " + unparse(expr.where)
    return f"{expr.func}({expr.component}{body}{where})"

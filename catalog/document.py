"""Safe YAML reading that keeps every node's position (ruamel.yaml's composer, our own constructor)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from catalog.errors import CatalogError, CatalogErrors

MIB = 1024 * 1024
MAX_FILE_BYTES = 8 * MIB
# Aliases may repeat a subtree; this bounds the expanded size so a "billion laughs" file fails fast.
MAX_NODES = 400_000
# Both are limits meant for hand-written files: an imported model's file may raise them for itself, up to these caps,
# with `limits: {file_mib: N, nodes: N}` as a top-level key among its first LIMITS_WITHIN characters (read before
# the rest of the file, so the caps hold while it is read).
MAX_IMPORTED_FILE_MIB = 32
MAX_IMPORTED_NODES = 1_600_000
LIMITS_WITHIN = 65_536
# No catalog number needs more characters than this; a longer one (a 5,000-digit integer) is refused, not read.
MAX_NUMBER_CHARS = 40

_STD = "tag:yaml.org,2002:"
Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class Position:
    """A 1-based line and column, plus the quoting style of a scalar (None, "'", '"', "|", ">")."""

    line: int
    col: int
    style: str | None = None


@dataclass(frozen=True)
class Document:
    """Plain data read from YAML, with the node tree kept to locate any path in it."""

    file: str
    data: Any
    root: Node | None
    # Each mapping node's entries by key, made on first use: one error per key of a huge mapping stays linear.
    _entries: dict[int, dict[Any, tuple[Node, Node]]] = field(default_factory=dict, repr=False, compare=False)

    def _entry(self, node: MappingNode, key: int | str) -> tuple[Node, Node] | None:
        entries = self._entries.get(id(node))
        if entries is None:
            entries = {}
            for knode, vnode in node.value:
                if isinstance(knode, ScalarNode):
                    entries.setdefault(knode.value, (knode, vnode))
            self._entries[id(node)] = entries
        return entries.get(key)

    def position(self, loc: Sequence[int | str], *, key: bool = False) -> Position:
        """The position of the deepest node on `loc` (of its key, if `key` and it is a mapping entry)."""
        node = self.root
        if node is None:
            return Position(1, 1)
        found = _mark(node)
        for part in loc:
            if isinstance(node, MappingNode):
                entry = self._entry(node, part)
                if entry is None:
                    continue  # a union tag or a missing field: stay on the enclosing node
                knode, node = entry
                found = _mark(knode) if key and part == loc[-1] else _mark(node)
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                found = _mark(node)
        return found

    def error(self, loc: Sequence[int | str], message: str, *, key: bool = False) -> CatalogError:
        """A CatalogError at the node on `loc`."""
        pos = self.position(loc, key=key)
        return CatalogError(self.file, pos.line, pos.col, message)

    def error_in_text(self, loc: Sequence[int | str], message: str, offset: int) -> CatalogError:
        """A CatalogError `offset` characters into the text of the scalar on `loc`."""
        pos = self.position(loc)
        if pos.style in ("|", ">"):
            return CatalogError(self.file, pos.line + 1, offset + 1, message)
        quote = 1 if pos.style in ("'", '"') else 0
        return CatalogError(self.file, pos.line, pos.col + quote + offset, message)


def _mark(node: Node) -> Position:
    style = node.style if isinstance(node, ScalarNode) else None
    return Position(node.start_mark.line + 1, node.start_mark.column + 1, style)


@dataclass(frozen=True)
class Caps:
    """How large a file may be, and how many nodes its document may expand to."""

    file_bytes: int = MAX_FILE_BYTES
    nodes: int = MAX_NODES


def declared_caps(text: str) -> Caps:
    """The caps a file raises for itself with a top-level `limits:` among its first LIMITS_WITHIN characters; the
    defaults where it raises none (the schema reports a malformed `limits:` once the whole file is read)."""
    start = _LIMITS_KEY.search(text, 0, LIMITS_WITHIN)
    if start is None:
        return Caps()
    following = _TOP_KEY.search(text, start.end(), start.end() + 4096)
    try:
        limits = parse_document(text[start.start() : following.start() if following else start.end() + 4096], "")
    except CatalogErrors:
        return Caps()
    declared = limits.data.get("limits") if isinstance(limits.data, dict) else None
    if not isinstance(declared, dict):
        return Caps()
    mib = _raised(declared.get("file_mib"), MAX_FILE_BYTES // MIB, MAX_IMPORTED_FILE_MIB)
    return Caps(mib * MIB, _raised(declared.get("nodes"), MAX_NODES, MAX_IMPORTED_NODES))


def _raised(value: object, default: int, cap: int) -> int:
    """A declared limit where it raises the default within the cap, else the default."""
    if isinstance(value, int) and not isinstance(value, bool) and default <= value <= cap:
        return value
    return default


# Top-level keys of a block mapping start in column 0 (a block scalar's lines are indented, comments start with #).
_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*[ \t]*:", re.MULTILINE)
_LIMITS_KEY = re.compile(r"^limits[ \t]*:", re.MULTILINE)


def parse_document(text: str, file: str) -> Document:
    """Read one YAML document safely; raise CatalogErrors with positions for anything unsafe or malformed."""
    caps = None  # what the file declares, read only once a default limit is passed
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        caps = declared_caps(text)
        if size > caps.file_bytes:
            raise CatalogErrors([CatalogError(file, 1, 1, _too_large(caps))])
    yaml = YAML(typ="safe", pure=True)
    yaml.Composer = _SlimComposer
    try:
        root = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise CatalogErrors([CatalogError(file, line, col, f"YAML syntax error: {problem}")]) from None
    except (YAMLError, ValueError, RecursionError) as exc:
        raise CatalogErrors([CatalogError(file, 1, 1, f"YAML syntax error: {exc}")]) from None
    builder = _Builder(file, text, caps)
    data = builder.build(root) if root is not None else None
    if builder.errors:
        raise CatalogErrors(builder.errors)
    return Document(file, data, root)


class _Mark:
    """Where a node starts: all a catalog error needs of ruamel's marks."""

    __slots__ = ("column", "line")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


class _SlimComposer(Composer):
    """ruamel's composer, each node keeping only where it starts: its marks (two per node, each holding the
    buffer and four numbers) were most of the memory of reading a large imported catalog (245 MB for 7.6 MB)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        node = super().compose_node(parent, index)
        if not isinstance(node.start_mark, _Mark):  # an alias gives back a node already composed
            node.start_mark = node.end_mark = _Mark(node.start_mark.line, node.start_mark.column)
        return node


def _too_large(caps: Caps) -> str:
    return (f"file is larger than {caps.file_bytes // MIB} MiB (an imported model may raise this for itself with "
            f"`limits: {{file_mib: N}}` among the file's first lines, N at most {MAX_IMPORTED_FILE_MIB})")


class _Builder:
    """Turns composed nodes into plain data; never expands past its node cap, never uses floats."""

    def __init__(self, file: str, text: str, caps: Caps | None) -> None:
        self.file = file
        self.text = text  # where the file may declare a higher node cap
        self.caps = caps  # None until read, once the default cap is passed
        self.nodes = MAX_NODES if caps is None else caps.nodes
        self.count = 0
        self.errors: list[CatalogError] = []

    def _over_cap(self, node: Node) -> None:
        """Past the node cap: read the caps the file declares (once), and fail if it is past those too."""
        if self.caps is None:
            self.caps = declared_caps(self.text)
            self.nodes = self.caps.nodes
            if self.count <= self.nodes:
                return
        message = f"document expands to more than {self.nodes} nodes"
        if self.nodes < MAX_IMPORTED_NODES:
            message += (f" (an imported model may raise this with `limits: {{nodes: N}}` among the file's first lines,"
                        f" N at most {MAX_IMPORTED_NODES})")
        raise CatalogErrors([CatalogError(self.file, *_line_col(node), message)])

    def fail(self, node: Node, message: str) -> None:
        pos = _mark(node)
        self.errors.append(CatalogError(self.file, pos.line, pos.col, message))

    def build(self, node: Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > self.nodes:
            self._over_cap(node)
        if depth > 64:
            raise CatalogErrors([CatalogError(self.file, *_line_col(node), "document is nested too deeply")])
        if isinstance(node, MappingNode):
            return self.mapping(node, depth)
        if isinstance(node, SequenceNode):
            if node.tag != _STD + "seq":
                self.fail(node, f"tag {_show_tag(node.tag)} is not allowed: catalog files use plain YAML")
            return [self.build(item, depth + 1) for item in node.value]
        return self.scalar(node)

    def mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        if node.tag != _STD + "map":
            self.fail(node, f"tag {_show_tag(node.tag)} is not allowed: catalog files use plain YAML")
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, ScalarNode) or knode.tag not in (_STD + "str", _STD + "int", _STD + "bool"):
                self.fail(knode, "mapping keys must be plain names")
                continue
            name = knode.value
            if name in out:
                self.fail(knode, f"duplicate key '{name}'")
                continue
            out[name] = self.build(vnode, depth + 1)
        return out

    def scalar(self, node: Node) -> Any:
        tag, text = node.tag, node.value
        if tag == _STD + "str":
            return text
        if tag in (_STD + "int", _STD + "float") and len(text) > MAX_NUMBER_CHARS:
            self.fail(node, f"number '{text[:20]}...' is too long (at most {MAX_NUMBER_CHARS} characters)")
            return None
        if tag == _STD + "int":
            try:
                return int(text.replace("_", ""), 0)
            except ValueError:
                return int(text.replace("_", ""))
        if tag == _STD + "float":
            # Keep the written digits exactly: prices must never pass through a binary float.
            try:
                value = Decimal(text.replace("_", ""))
            except InvalidOperation:
                value = Decimal("NaN")
            if not value.is_finite():
                self.fail(node, f"'{text}' is not a finite number")
                return None
            return value
        if tag == _STD + "bool":
            return text.lower() == "true"
        if tag == _STD + "null":
            return None
        self.fail(node, f"tag {_show_tag(tag)} is not allowed: catalog files use plain YAML")
        return None


def _line_col(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _show_tag(tag: str | None) -> str:
    tag = tag or "?"
    return "!!" + tag.removeprefix(_STD) if tag.startswith(_STD) else tag

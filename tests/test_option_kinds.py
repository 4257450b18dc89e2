"""Adding an option type: a throw-away kind is added to a copy of the schema, and mypy (strict, every `match` over
the option types ending in `assert_never`) names each place that must handle it; those places are exactly the list
in docs/architecture.md ("How to add an option type"), so the docs say what a newcomer will have to touch."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THROWAWAY = '''class ColourOption(_Option):
    """A throw-away kind, for tests/test_option_kinds.py."""

    type: Literal["colour"]


'''


def _enclosing(path: Path, line: int) -> str:
    """The innermost function around a line."""
    found = "<module>"
    best = 0
    for node in ast.walk(ast.parse(path.read_text())):
        function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        if function and node.lineno <= line <= (node.end_lineno or 0) and node.lineno > best:
            found, best = node.name, node.lineno
    return found


def _named_by_mypy(tmp: Path) -> dict[str, set[str]]:
    """Per file, the functions mypy says miss the throw-away kind."""
    for package in ("catalog", "rules", "configurator"):
        shutil.copytree(ROOT / package, tmp / package, ignore=shutil.ignore_patterns("__pycache__", "*.yaml", "*.csv"))
    shutil.copy(ROOT / "pyproject.toml", tmp)
    schema = tmp / "catalog" / "schema.py"
    text = schema.read_text()
    assert "\nAnyOption = " in text
    text = text.replace("\nAnyOption = ", "\n" + THROWAWAY + "AnyOption = ColourOption | ", 1)
    schema.write_text(text)
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp / ".mypy")], cwd=tmp,
                          capture_output=True, text=True)
    named: dict[str, set[str]] = {}
    for file, line in re.findall(r"^([\w/]+\.py):(\d+): error", done.stdout, re.M):
        named.setdefault(file, set()).add(_enclosing(tmp / file, int(line)))
    assert named, done.stdout + done.stderr
    return named


def _documented() -> dict[str, set[str]]:
    """Per file, the functions docs/architecture.md lists under "How to add an option type"."""
    docs = (ROOT / "docs" / "architecture.md").read_text()
    section = docs.split("## How to add an option type", 1)[1].split("\n## ", 1)[0]
    listed = {}
    for file, functions in re.findall(r"^\s*- `([\w/]+\.py)`: (.+)$", section, re.M):
        listed[file] = set(re.findall(r"`(\w+)`", functions))
    return listed


def test_the_places_a_new_option_type_touches_are_the_documented_ones(tmp_path: Path) -> None:
    assert _named_by_mypy(tmp_path) == _documented()

"""The one error hierarchy of the configurator, from the catalog layer up."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


class ConfiguratorError(Exception):
    """Base of every domain error the configurator raises."""


@dataclass(frozen=True, order=True)
class CatalogError(ConfiguratorError):
    """One problem in a catalog file, at a 1-based line and column."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        """The error as plain JSON-ready data."""
        return {"file": self.file, "line": self.line, "col": self.col, "message": self.message}


class CatalogErrors(ConfiguratorError):
    """All the problems found in one load, sorted by position."""

    def __init__(self, errors: Iterable[CatalogError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))

    def __iter__(self) -> Iterator[CatalogError]:
        return iter(self.errors)

    def __len__(self) -> int:
        return len(self.errors)


def suggest(word: str, candidates: list[str]) -> str:
    """A ' (did you mean 'x'?)' suffix, or nothing."""
    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""

def shown(value: Any) -> str:
    """A value as an error message quotes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)

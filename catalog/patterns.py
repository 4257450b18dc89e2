"""Text patterns of text options: RE2 syntax, matched in linear time whatever the pattern or the text."""

from __future__ import annotations

import functools
from typing import Any

import re2

_OPTIONS = re2.Options()
# A refused pattern is reported to the merchandiser with its position; RE2's own log line would only be noise.
_OPTIONS.log_errors = False


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    """The compiled pattern; ValueError, with RE2's reason, for one RE2 cannot match in linear time."""
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(reason) from None


def pattern_matches(pattern: str, text: str) -> bool:
    """Whether the whole of `text` matches `pattern` (a pattern already checked by the loader)."""
    return compile_pattern(pattern).fullmatch(text) is not None

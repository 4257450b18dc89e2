"""Text patterns of text options: RE2 syntax, matched in linear time whatever the pattern or the text."""

from __future__ import annotations

import functools
from typing import Any

import re2

from catalog.wording import N_, _

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


# Named sets of characters, as a shopper says them.
_NAMED = (("A-Za-z", N_("letters")), ("a-zA-Z", N_("letters")), ("A-Z", N_("capital letters")),
          ("a-z", N_("small letters")), ("0-9", N_("digits")), (" ", N_("spaces")))


def pattern_words(pattern: str) -> str | None:
    """What a pattern of one character class allows, in words ("letters, digits, spaces and . ' -", "any characters
    but < > { }"); None for any other pattern (the catalog then says it in `pattern_hint`)."""
    if len(pattern) < 4 or pattern[0] != "[" or pattern[-2:] not in ("]*", "]+") or "\\" in pattern:
        return None
    inside = pattern[1:-2]
    negated = inside.startswith("^")
    inside = inside.removeprefix("^")
    if not inside or "[" in inside or "]" in inside:
        return None
    named = []
    for text, words in _NAMED:
        if text in inside:
            named.append(_(words))
            inside = inside.replace(text, "", 1)
    if "-" in inside.strip("-"):  # a range not named above: say nothing rather than something wrong
        return None
    if negated:
        return _("any characters but %(characters)s") % {"characters": " ".join([*named, *inside])}
    parts = named + ([" ".join(inside)] if inside else [])
    if len(parts) == 1:
        return parts[0]
    return _("%(some)s and %(last)s") % {"some": ", ".join(parts[:-1]), "last": parts[-1]}


def pattern_matches(pattern: str, text: str) -> bool:
    """Whether the whole of `text` matches `pattern` (a pattern already checked by the loader)."""
    return compile_pattern(pattern).fullmatch(text) is not None

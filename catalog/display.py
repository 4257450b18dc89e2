"""Values as shoppers read them: the one wording of every option kind's values, used by every page, message and
command (a yes is "Yes" everywhere, a value is its label, a number carries its unit)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from catalog.wording import N_, _

YES = N_("Yes")
NO = N_("No")
NOTHING = N_("(none)")  # the words are translated where they are shown: _(NOTHING)
# A yes/no option's two values: the catalog value, its id in forms and URLs, and its wording (to translate).
YES_NO: tuple[tuple[bool, str, str], ...] = ((True, "true", YES), (False, "false", NO))


def show_value(value: Any) -> str:
    """A catalog value in words where its option is not at hand: Yes or No, [a, b] for several values."""
    if isinstance(value, frozenset | set):
        return "[" + ", ".join(sorted(map(str, value))) + "]"
    if isinstance(value, bool):
        return yes_no(value)
    return written(value) if isinstance(value, Decimal) else str(value)


def choice_phrase(label: str, value: Any) -> str:
    """A choice in words: the label alone for a yes, 'no label' for a no, else the label and the value."""
    if isinstance(value, bool):
        return label if value else _("no %(option)s") % {"option": label}
    return f"{label} {show_value(value)}"


def yes_no(value: Any) -> str:
    """A yes/no value (or its form id, "true" or "false") in words."""
    if isinstance(value, bool):
        return _(YES) if value else _(NO)
    return {"true": _(YES), "false": _(NO)}.get(str(value), str(value))


def written(value: Any) -> str:
    """A number as written: integral decimals without a fraction."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)

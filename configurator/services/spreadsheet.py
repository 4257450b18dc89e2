"""Tables written as CSV for a spreadsheet or an ERP import, text that looks like a formula kept as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@")


def text_cell(value: object) -> object:
    """A cell as a spreadsheet should show it: text starting like a formula quoted with an apostrophe (OWASP's
    advice against CSV injection); numbers as they are."""
    return f"'{value}" if isinstance(value, str) and value[:1] in FORMULA_STARTS else value


def csv_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header and rows as CSV, every text cell through `text_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([text_cell(cell) for cell in row])
    return out.getvalue()

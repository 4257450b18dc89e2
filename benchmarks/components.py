"""How far the first method for components (issue 24) carries: bounded instances unrolled into plain options.

A wardrobe of 1 to N sections against a wall, written in today's language as issue 24's component would compile:
each section position i has its own options (width, doors, finish, drawers), an "absent" state when i is beyond the
number of sections, and the enclosing product's rules over the instances: the widths sum to at most the wall's width,
at most two glass doors (`count(...)`), every present section in the frame's finish unless mixing is allowed. For
N = 2 to `--most`, it measures compiling, the valid domains with nothing chosen and after a few choices, completing,
and the exact count (configurations counted with sections as positions: left to right, as a workshop builds them),
with the count of configurations up to reordering alike sections beside it, to show what symmetry would change.
Run: `.venv/bin/python benchmarks/components.py [--most 12] [--encoding both|rule|chain]`.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog.loader import load_product  # noqa: E402
from rules.compile import compile_product  # noqa: E402
from rules.engine import Engine  # noqa: E402
from rules.errors import RuleError  # noqa: E402

T = TypeVar("T")

WIDTHS = [40, 60, 80, 100]  # a section's width: 0 (absent) or 40 to 100 in steps of 20
DOORS = ["plain", "glass", "mirror", "open"]
FINISHES = ["oak", "white", "black"]
DRAWERS = ["d0", "d2", "d4"]


def wardrobe(sections: int, chain: bool = False) -> str:
    """The wardrobe's catalog file with room for `sections` sections, each an unrolled instance; with `chain`,
    the sum of the widths and the count of glass doors are written as chains of partial sums and counts (options
    of their own, each fixed by the ones before it) instead of one rule over every section."""
    lines = [
        f"id: wardrobe-{sections}", "name: Wardrobe", "currency: EUR", 'base_price: "400.00"', "steps:",
        "  - id: frame", "    label: Frame", "    options:",
        "      - {id: wall_width, type: number, label: Wall width, unit: cm, min: 40, max: "
        f"{100 * sections}, step: 10, default: {min(240, 100 * sections)}}}",
        "      - id: sections", "        type: single", "        label: Sections", "        values:",
        *[f"          - {{id: n{n}, label: '{n}'}}" for n in range(1, sections + 1)],
        "      - id: frame_finish", "        type: single", "        label: Frame finish", "        values:",
        *[f"          - {{id: {f}}}" for f in FINISHES],
        "      - {id: mixing, type: boolean, label: Sections in other finishes}",
    ]
    for i in range(1, sections + 1):
        lines += [f"  - id: section{i}", f"    label: Section {i}", "    options:"]
        lines.append(f"      - {{id: s{i}_width, type: number, label: 'Section {i}: width', unit: cm, min: 0, "
                     "max: 100, step: 20, default: 0}")
        for name, values in (("doors", DOORS), ("finish", FINISHES), ("drawers", DRAWERS)):
            lines += [f"      - id: s{i}_{name}", "        type: single", f"        label: 'Section {i}: {name}'",
                      "        values:", *[f"          - {{id: '{v}'}}" for v in ["absent", *values]]]
    rules = []
    for i in range(1, sections + 1):
        present = " or ".join(f'sections == "n{n}"' for n in range(i, sections + 1))
        rules.append((f"s{i}-width-present", _same(present, f"s{i}_width >= 40")))
        rules.append((f"s{i}-width-absent", f"s{i}_width == 0 or s{i}_width >= 40"))  # absent is one value
        for name in ("doors", "finish", "drawers"):
            rules.append((f"s{i}-{name}-present", _same(present, f's{i}_{name} != "absent"')))
        alike = " or ".join(f'(s{i}_finish == "{f}" and frame_finish == "{f}")' for f in FINISHES)
        rules.append((f"s{i}-finish", f"not ({present}) or mixing or {alike}"))
    if chain:
        lines += ["  - id: sums", "    label: Partial sums", "    options:"]
        lines += [f"      - {{id: p{i}, type: number, label: 'Width of sections 1 to {i}', min: 0, max: {100 * i}, "
                  "step: 20, default: 0}" for i in range(2, sections + 1)]
        before = "s1_width"
        for i in range(2, sections + 1):
            rules.append((f"sum-{i}", f"p{i} == {before} + s{i}_width"))
            before = f"p{i}"
        rules.append(("widths-fit", f"{before} <= wall_width"))
    else:
        rules.append(("widths-fit", " + ".join(f"s{i}_width" for i in range(1, sections + 1)) + " <= wall_width"))
    if chain:
        lines += [f"      - {{id: g{i}, type: number, label: 'Glass doors in sections 1 to {i}', min: 0, max: 2, "
                  "step: 1, default: 0}" for i in range(1, sections + 1)]
        rules.append(("glass-1", _same('s1_doors == "glass"', "g1 == 1") + " and g1 <= 1"))
        rules += [(f"glass-{i}", f'g{i} == g{i - 1} + count(s{i}_doors == "glass")') for i in range(2, sections + 1)]
    else:
        rules.append(("glass", "count(" + ", ".join(f's{i}_doors == "glass"' for i in range(1, sections + 1))
                      + ") <= 2"))
    lines.append("rules:")
    for rule_id, expr in rules:
        lines += [f"  - id: {rule_id}", "    type: constraint", f"    message: {rule_id}", f"    expr: '{expr}'"]
    return "\n".join(lines) + "\n"


def _same(a: str, b: str) -> str:
    """`a` exactly when `b`."""
    return f"(not ({a}) or ({b})) and (({a}) or not ({b}))"


def _timed(repeat: int, work: Callable[..., T], *args: Any) -> tuple[float, T]:
    """The median seconds `work(*args)` took over `repeat` runs, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times), cast(T, result)


def brute_count(sections: int, ordered: bool) -> int:
    """The wardrobe's configurations by brute force over the sections' kinds (small N only): as sequences (each
    position its own), or as multisets (alike sections' order ignored)."""
    kinds = list(itertools.product(WIDTHS, DOORS, FINISHES, DRAWERS))
    total = 0
    for n in range(1, sections + 1):
        every = itertools.product(kinds, repeat=n) if ordered else itertools.combinations_with_replacement(kinds, n)
        for parts in every:
            if sum(1 for p in parts if p[1] == "glass") > 2:
                continue
            width = sum(p[0] for p in parts)
            walls = sum(1 for w in range(40, 100 * sections + 1, 10) if w >= width)
            finishes = Counter(p[2] for p in parts)
            same = sum(1 for f in FINISHES if finishes == Counter({f: n}))
            total += walls * (len(FINISHES) * 1 + same)  # mixing on: any frame finish; off: the sections' one
    return total


def _row(n: int, chain: bool, repeat: int, folder: Path) -> str:
    """One size's line of the table (or why it could not be compiled)."""
    path = folder / f"wardrobe-{n}.yaml"
    path.write_text(wardrobe(n, chain))
    product = load_product(path).product
    try:
        took, model = _timed(1, compile_product, product)
    except RuleError as refused:
        return f"{n:>2} {len(product.options()):>7}  not compiled: {refused}"
    engine = Engine(model)
    first, _ = _timed(repeat, engine.valid_domains, {})
    chosen = {"sections": f"n{n}", "frame_finish": "oak", "s1_width": 100, "s1_doors": "glass"}
    step, _ = _timed(repeat, engine.valid_domains, chosen)
    done, _ = _timed(repeat, engine.complete, chosen)
    counting, counted = _timed(1, engine.count, {})
    if n == 2:  # the unrolled encoding counts exactly what it should
        assert counted == brute_count(n, ordered=True), (counted, brute_count(n, ordered=True))
    unordered = f"{brute_count(n, ordered=False):,}" if n <= 4 else "-"
    return (f"{n:>2} {len(product.options()):>7} {took * 1000:>6.0f}ms {first * 1000:>6.1f}ms {step * 1000:>6.1f}ms "
            f"{done * 1000:>7.1f}ms {counting * 1000:>6.0f}ms  {counted:>38,}  {unordered:>13}  "
            f"({engine.backend.name})")


def main() -> None:
    """Measure N = 2 .. --most."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--most", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--encoding", choices=["both", "rule", "chain"], default="both",
                        help="aggregates as one rule each (the baseline), as chains of partial ones, or both")
    args = parser.parse_args()
    for chain in {"both": (False, True), "rule": (False,), "chain": (True,)}[args.encoding]:
        print("aggregates as chains of partial aggregates" if chain else "aggregates as one rule each (baseline)")
        print(f"{'N':>2} {'options':>7} {'compile':>8} {'domains':>8} {'step':>8} {'complete':>9} {'count':>8}  "
              f"{'configurations (positions)':>38}  {'up to order':>13}")
        with tempfile.TemporaryDirectory() as folder:
            for n in range(2, args.most + 1):
                line = _row(n, chain, args.repeat, Path(folder))
                print(line, flush=True)
                if "not compiled" in line:
                    break


if __name__ == "__main__":
    main()

"""An independent check of valid domains for the real models: raw source tables, own encoding, one SAT call a value.

Nothing here uses the importers, the loader or the engine: it parses the benchmark files itself.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

from pysat.solvers import Solver

Tables = list[tuple[list[str], list[list[str]]]]


def read_clib(folder: Path) -> tuple[dict[str, list[str]], Tables]:
    """Domains and allowed tuples of a CLib model."""
    domains = {}
    for line in (folder / "domains.txt").read_text().splitlines():
        name, values = line.split("=", 1)
        domains[name.strip()] = [v.strip() for v in values.strip().strip("[]").split(",")]
    tables: Tables = []
    for path in sorted((folder / "rules").glob("*.pm.gz")):
        scope: list[str] = []
        rows = []
        with gzip.open(path, "rt") as handle:
            lines = [line.strip() for line in handle]
        for line in lines:
            if line.startswith("or") or not line:
                continue
            pairs = [p.split(" = ") for p in line.split(" and ")]
            scope = [p[0].strip() for p in pairs]
            rows.append([p[1].strip() for p in pairs])
        tables.append((scope, rows))
    return domains, tables


def read_xcsp(path: Path) -> tuple[dict[str, list[str]], Tables]:
    """Domains and allowed tuples of an XCSP 2.1 file of supports."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    root = ET.fromstring(raw)
    doms = {d.get("name"): (d.text or "").split() for d in root.iter("domain")}
    domains = {v.get("name", ""): doms[v.get("domain")] for v in root.iter("variable")}
    relations = {
        r.get("name"): [t.split() for t in (r.text or "").split("|") if t.strip()] for r in root.iter("relation")
    }
    tables = [((c.get("scope") or "").split(), relations[c.get("reference")]) for c in root.iter("constraint")]
    return domains, tables


class Oracle:
    """Valid domains by brute SAT: for every value, is there a solution with it and the choices?"""

    def __init__(self, domains: dict[str, list[str]], tables: Tables) -> None:
        self.domains = domains
        counter = itertools.count(1)
        self.lit = {(v, x): next(counter) for v, values in domains.items() for x in values}
        self.solver = Solver(name="m22")
        for v, values in domains.items():
            lits = [self.lit[(v, x)] for x in values]
            self.solver.add_clause(lits)
            for a, b in itertools.combinations(lits, 2):
                self.solver.add_clause([-a, -b])
        for scope, rows in tables:
            aux = []
            for row in rows:
                t = next(counter)
                aux.append(t)
                for v, x in zip(scope, row):
                    self.solver.add_clause([-t, self.lit[(v, x)]])
            self.solver.add_clause(aux)

    def domains_given(self, choices: dict[str, str]) -> dict[str, list[str]] | None:
        """Each variable's values that extend the choices, or None if the choices are inconsistent: a value is
        possible if some solution with the choices takes it (every solution found shows all the values it takes,
        so only values no solution has shown yet are asked about)."""
        base = [self.lit[(v, x)] for v, x in choices.items()]
        shown: set[int] = set()
        if not self.solve(base, shown):
            return None
        return {
            v: [x for x in values if self.lit[(v, x)] in shown or self.solve([*base, self.lit[(v, x)]], shown)]
            for v, values in self.domains.items()
        }

    def solve(self, assumptions: list[int], shown: set[int]) -> bool:
        """Whether a solution takes the assumptions; the literals true in it are added to `shown`."""
        if not self.solver.solve(assumptions=assumptions):
            return False
        shown.update(lit for lit in self.solver.get_model() or [] if lit > 0)
        return True


def read_xcsp3(path: Path) -> tuple[dict[str, list[str]], Tables]:
    """Domains and allowed tuples of an XCSP3 file of one-dimensional arrays, unary bounds and support tables."""
    import lzma
    import re

    root = ET.fromstring(lzma.decompress(path.read_bytes()) if path.suffix == ".xz" else path.read_bytes())
    domains: dict[str, list[str]] = {}
    for array in root.iter("array"):
        low, high = (array.text or "").split("..")
        for i in range(int((array.get("size") or "[0]").strip("[]"))):
            domains[f"{array.get('id')}[{i}]"] = [str(v) for v in range(int(low), int(high) + 1)]

    def names(items: list[str]) -> list[str]:
        out = []
        for item in items:
            ranged = re.fullmatch(r"(\w+)\[(\d+)\.\.(\d+)\]", item)
            out += [f"{ranged[1]}[{i}]" for i in range(int(ranged[2]), int(ranged[3]) + 1)] if ranged else [item]
        return out

    tables: Tables = []
    bounds = {"le": int.__le__, "lt": int.__lt__, "ge": int.__ge__, "gt": int.__gt__, "eq": int.__eq__}

    def use(template: ET.Element, args: list[str]) -> None:
        if template.tag == "intension":
            test = bounds[(template.text or "").strip()[:2]]
            domains[args[0]] = [v for v in domains[args[0]] if test(int(v), int(args[1]))]
            return
        listed = names((template.findtext("list") or "").split())
        scope = [args[int(n[1:])] if n.startswith("%") and n != "%..." else n for n in listed if n != "%..."]
        scope += args[len(scope):] if "%..." in listed else []
        rows = [t.replace(" ", "").split(",") for t in re.findall(r"\(([^()]*)\)", template.findtext("supports") or "")]
        tables.append((scope, rows))

    for element in root.find("constraints") or []:
        if element.tag == "group":
            for args in element.iter("args"):
                use(element[0], names((args.text or "").split()))
        else:
            use(element, [])
    allowed = {v: set(values) for v, values in domains.items()}  # rows with a value a bound took away never apply
    kept = [(scope, [r for r in rows if all(x in allowed[v] for v, x in zip(scope, r))]) for scope, rows in tables]
    return domains, kept


def count_by_elimination(domains: dict[str, list[str]], tables: Tables) -> int:
    """The number of solutions, by summing variables out of sparse factors (dicts from value tuples to counts) one
    at a time, the variable whose elimination makes the smallest factor first: nothing of the engine's join tree."""
    factors: list[tuple[tuple[str, ...], dict[tuple[str, ...], int]]] = [
        (tuple(scope), dict.fromkeys(map(tuple, rows), 1)) for scope, rows in tables
    ]
    total = 1
    for v, values in domains.items():
        if not any(v in scope for scope, _ in factors):
            total *= len(values)
    remaining = {v for scope, _ in factors for v in scope}
    while remaining:
        sizes: dict[str, int] = {}
        for scope, f in factors:
            for v in scope:
                sizes[v] = sizes.get(v, 0) + len(f)
        var = min(remaining, key=sizes.__getitem__)
        touching = [f for f in factors if var in f[0]]
        factors = [f for f in factors if var not in f[0]]
        joined = functools.reduce(_join, touching)
        keep = tuple(v for v in joined[0] if v != var)
        index = [joined[0].index(v) for v in keep]
        summed: dict[tuple[str, ...], int] = {}
        for row, n in joined[1].items():
            key = tuple(row[i] for i in index)
            summed[key] = summed.get(key, 0) + n
        remaining.discard(var)
        if keep:
            factors.append((keep, summed))
        else:
            total *= sum(summed.values())
    return total


def _join(
    a: tuple[tuple[str, ...], dict[tuple[str, ...], int]], b: tuple[tuple[str, ...], dict[tuple[str, ...], int]]
) -> tuple[tuple[str, ...], dict[tuple[str, ...], int]]:
    shared = [v for v in a[0] if v in b[0]]
    extra = [v for v in b[0] if v not in a[0]]
    at_a, at_b = [a[0].index(v) for v in shared], [b[0].index(v) for v in shared]
    at_extra = [b[0].index(v) for v in extra]
    by_key: dict[tuple[str, ...], list[tuple[tuple[str, ...], int]]] = {}
    for row, n in b[1].items():
        by_key.setdefault(tuple(row[i] for i in at_b), []).append((tuple(row[i] for i in at_extra), n))
    out: dict[tuple[str, ...], int] = {}
    for row, n in a[1].items():
        for tail, m in by_key.get(tuple(row[i] for i in at_a), ()):
            out[row + tail] = out.get(row + tail, 0) + n * m
    return (a[0] + tuple(extra), out)

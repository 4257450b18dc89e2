"""An independent check of valid domains for the real models: raw source tables, own encoding, one SAT call a value.

Nothing here uses the importers, the loader or the engine: it parses the benchmark files itself.
"""

from __future__ import annotations

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
        """Each variable's values that extend the choices, or None if the choices are inconsistent."""
        base = [self.lit[(v, x)] for v, x in choices.items()]
        if not self.solver.solve(assumptions=base):
            return None
        return {
            v: [x for x in values if self.solver.solve(assumptions=[*base, self.lit[(v, x)]])]
            for v, values in self.domains.items()
        }


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

"""Engine variable values back to catalog values: the one decoder, by variable kind, that completions, cheapest
searches and price tabulation all read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, assert_never

from rules.compile import CompiledModel


def catalog_values(model: CompiledModel, assignment: Iterable[tuple[int, int]]) -> dict[str, Any]:
    """Catalog values of (variable, value index) pairs: a choice, a yes/no or a number as itself, a multi option as
    the set of its members that are in (among the members given), a text as whether it is filled ("x" or "": a
    text's variable holds no text)."""
    values: dict[str, Any] = {}
    members: dict[str, set[str]] = {}
    for var, index in assignment:
        variable = model.variables[var]
        value = variable.values[int(index)]
        match variable.kind:
            case "member":
                chosen = members.setdefault(variable.option, set())
                if value:
                    chosen.add(str(variable.member))
            case "filled":
                values[variable.option] = "x" if value else ""
            case "choice" | "boolean" | "number":
                values[variable.option] = value
            case _:
                assert_never(variable.kind)
    values.update({option: frozenset(chosen) for option, chosen in members.items()})
    return values


def decided_values(model: CompiledModel, fixed: Mapping[int, int]) -> dict[str, Any]:
    """Catalog values of the options whose variables are all fixed, texts left out (their variable holds no
    text, only whether there is one)."""
    pairs = [
        (var, fixed[var])
        for variables in model.option_vars.values()
        if variables and all(v in fixed for v in variables)
        for var in variables
        if model.variables[var].kind != "filled"
    ]
    return catalog_values(model, pairs)

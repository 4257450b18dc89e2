"""Interactive-session benchmark of the engine against the straightforward SAT method, measured in one run."""

from __future__ import annotations

import random
import resource
import statistics
import time
from dataclasses import asdict, dataclass
from typing import Any

from catalog.kinds import traits
from catalog.schema import Product
from rules.backend import sat_solver
from rules.compile import compile_product
from rules.engine import Engine
from rules.selection import parse_selection


@dataclass(frozen=True)
class BenchResult:
    """Medians and tails of one benchmark run, with the baseline measured on the same selections."""

    compile_s: float
    step_ms_p50: float
    step_ms_p99: float
    step_ms_max: float
    peak_mb: float
    baseline_step_ms_p50: float
    speedup: float
    backend: str
    sessions: int
    steps: int
    baseline_steps: int
    completed_sessions: int  # sessions that ran until every option was decided and then completed validly
    valid: bool = True  # False: the model has no valid configuration at all, so there is nothing to step through
    session_s_max: float = 0.0  # the longest session, start to finish

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}


def bench(product: Product, sessions: int = 5, seed: int = 0, baseline_steps: int = 20) -> BenchResult:
    """Run random sessions: pick a random still-valid value of a random undecided option, recompute, until every
    option is decided (a value the rules force is decided: a shopper has nothing to pick there)."""
    started = time.perf_counter()
    engine = Engine(compile_product(product))
    compile_s = time.perf_counter() - started
    rng = random.Random(seed)
    timings: list[float] = []
    # Each step as (session, choices so far): a copy of every step's selection would grow quadratically (on the
    # Linux model, 4,322 steps of up to 4,322 choices held hundreds of MB).
    sessions_made: list[list[tuple[str, Any]]] = []
    steps: list[tuple[int, int]] = []
    if not engine.valid_domains({}).consistent:
        return BenchResult(compile_s, 0.0, 0.0, 0.0, _peak_mb(), 0.0, 0.0, _backend(engine), sessions, 0, 0, 0, False)
    completed, longest = 0, 0.0
    for _ in range(sessions):
        session_started = time.perf_counter()
        selection: dict[str, Any] = {}
        state = engine.valid_domains(selection)
        while True:
            open_options = [
                o for o in product.options()
                if o.id not in selection and engine.model.option_vars[o.id] and _undecided(state, o)
            ]
            if not open_options:
                break
            option = rng.choice(open_options)
            selection[option.id] = _pick(engine, state, option, selection, rng)
            began = time.perf_counter()
            state = engine.valid_domains(selection)
            timings.append(time.perf_counter() - began)
            steps.append((len(sessions_made), len(selection)))
            assert state.consistent, "a value from a valid domain must keep the selection consistent"
        completed += engine.complete(selection) is not None
        longest = max(longest, time.perf_counter() - session_started)
        sessions_made.append(list(selection.items()))
    sample = _spread(len(steps), baseline_steps)
    baseline, same_steps = [], []
    # The straightforward method, one SAT call per open value: on the engine's own solver where it has one.
    sat = sat_solver(engine.backend, engine.model)
    for index in sample:
        session, made = steps[index]
        fixed = parse_selection(engine.model, dict(sessions_made[session][:made])).fixed
        began = time.perf_counter()
        sat.domains(fixed)
        baseline.append(time.perf_counter() - began)
        same_steps.append(timings[index])
    base_p50 = statistics.median(baseline) if baseline else 0.0
    mine_p50 = statistics.median(same_steps) if same_steps else 0.0
    return BenchResult(
        compile_s=compile_s,
        step_ms_p50=_percentile(timings, 50) * 1000,
        step_ms_p99=_percentile(timings, 99) * 1000,
        step_ms_max=max(timings, default=0.0) * 1000,
        peak_mb=_peak_mb(),
        baseline_step_ms_p50=base_p50 * 1000,
        speedup=base_p50 / mine_p50 if mine_p50 else 0.0,
        backend=_backend(engine),
        sessions=sessions,
        steps=len(timings),
        baseline_steps=len(baseline),
        completed_sessions=completed,
        session_s_max=longest,
    )


def _backend(engine: Engine) -> str:
    return "jointree" if engine.backend.name == "tree" else "sat"


def _peak_mb() -> float:
    """The process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pick(engine: Engine, state: Any, option: Any, selection: dict[str, Any], rng: random.Random) -> Any:
    domain = state.domains[option.id]
    if traits(option).many:
        # Draw a random subset, then let the engine settle it if that subset is not possible.
        subset = sorted(v for v in domain.values if rng.random() < 0.5)
        if engine.valid_domains({**selection, option.id: subset}).consistent:
            return subset
        done = engine.complete(selection)
        assert done is not None
        return sorted(done[option.id])
    return rng.choice(domain.values)


def _undecided(state: Any, option: Any) -> bool:
    """Whether a shopper still has a choice to make on this option (the rules have not settled it)."""
    domain = state.domains[option.id]
    if traits(option).many:
        return bool(set(domain.values) & set(domain.excludable))
    return len(domain.values) > 1


def _spread(total: int, wanted: int) -> list[int]:
    if total <= wanted:
        return list(range(total))
    return sorted({round(i * (total - 1) / (wanted - 1)) for i in range(wanted)})


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[rank]

"""The shop's product page under htmx: one change re-rendered for the Renault Megane (99 options, ~400 values).

A random session of choices is made with the engine; each state is then posted as an htmx request (the form's
fields, HX-Request) to a uvicorn server on loopback, and, separately, its view is built in process, so the
engine's share (domains, explanations, from-price: `product_view`) is reported apart from the whole request.
Medians and tails over the states; the target in issue 10 is p50 <= 30 ms and p99 <= 80 ms on the server: its
own time comes from each response's Server-Timing header (the round trip adds the client, which shares the
machine's cores).
Run: `.venv/bin/python benchmarks/shop.py [--states 40] [--product renault-megane]`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from urllib.parse import urlencode

import httpx2 as httpx
from serving import ROOT, free_port, serve

sys.path.insert(0, str(ROOT))
from catalog.loader import load_catalog
from configurator.form import fields_of, query_of
from configurator.views import product_view
from rules.engine import engine_for


def _states(product_id: str, count: int, seed: int) -> tuple[object, list[dict[str, object]]]:
    loaded = load_catalog([ROOT / "catalog" / "products"]).products[product_id]
    engine = engine_for(loaded.product, loaded.content_hash)
    engine.prepare()  # as the server does at start
    rng, selection, states = random.Random(seed), {}, []
    while len(states) < count:
        domains = engine.valid_domains(selection).domains
        open_options = [k for k, d in domains.items() if k not in selection and d.values]
        if not open_options:
            selection = {}
            continue
        option = rng.choice(open_options)
        selection[option] = rng.choice(domains[option].values)
        states.append(dict(selection))
    return engine, states


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    """Time each state over HTTP and in process; print medians and p99."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--product", default="renault-megane")
    parser.add_argument("--states", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    engine, states = _states(args.product, args.states, args.seed)
    in_process = []
    for state in states:
        started = time.perf_counter()
        product_view(engine, state, [], "t" * 43)  # type: ignore[arg-type]
        in_process.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "PYTHONPATH": str(ROOT)}
        port = free_port()
        server = serve(["--factory", "configurator.app:create_app"], port, env)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
                http.get(f"/products/{args.product}")
                token = http.cookies["csrftoken"]
                over_http, on_server = [], []
                for state in states:
                    data = [*fields_of(state), ("csrf", token), ("was", query_of(state))]
                    started = time.perf_counter()
                    headers = {"HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"}
                    answer = http.post(f"/products/{args.product}", content=urlencode(data), headers=headers)
                    over_http.append(time.perf_counter() - started)
                    assert answer.status_code == 200, answer.text[:200]
                    on_server.append(float(answer.headers["server-timing"].split("dur=")[1]) / 1000)
        finally:
            server.terminate()
            server.wait(timeout=30)
    rows = (
        ("htmx POST, server's time", on_server),
        ("htmx POST, round trip", over_http),
        ("view (engine) in process", in_process),
    )
    for label, timings in rows:
        p50, p99 = statistics.median(timings) * 1000, _percentile(timings, 0.99) * 1000
        print(f"{label:<26} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   ({len(timings)} states of {args.product})")


if __name__ == "__main__":
    main()

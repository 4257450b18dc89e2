"""Quotes under concurrency: 8 clients sending POST /quotes to one server, on SQLite and on PostgreSQL.

Each database gets a fresh server process (uvicorn, one worker) and a fresh database; the baseline, measured in
the same run against the same server, is POST /price (the same pricing without the write). Reports quotes/s,
p50/p99 latency and the ratio to the baseline, medians of --rounds runs. PostgreSQL is a throwaway server made
with Debian's initdb (skipped, saying so, where it is not installed).
Run: `.venv/bin/python benchmarks/quotes.py`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
from serving import BIKE, ROOT, free_port, serve

QUOTE = {"product_id": "city-bike", "selections": BIKE}


@contextmanager
def postgres() -> Iterator[str | None]:
    """A throwaway PostgreSQL server's URL, or None where PostgreSQL is not installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        yield None
        return
    binaries, base = found[-1].parent, Path(tempfile.mkdtemp(prefix="bench-pg-"))
    base.chmod(0o777)
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    port = free_port()
    data = base / "data"
    subprocess.run([*prefix, str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1"
    subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                    str(base / "log"), "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _client(base: str, path: str, body: dict[str, object], key: str, count: int) -> list[float]:
    latencies = []
    with httpx.Client(base_url=base, timeout=60) as http:
        for _ in range(count):
            started = time.perf_counter()
            response = http.post(path, json=body, headers={"X-API-Key": key})
            if response.status_code not in (200, 201):
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
            latencies.append(time.perf_counter() - started)
    return latencies


def load(base: str, path: str, body: dict[str, object], key: str, clients: int, per_client: int) -> dict[str, float]:
    """Requests/s and p50/p99 (ms) with `clients` concurrent clients."""
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        runs = list(pool.map(lambda _: _client(base, path, body, key, per_client), range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latency for run in runs for latency in run)
    return {
        "rps": len(ordered) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(0.99 * (len(ordered) - 1))] * 1000,
    }


def measure(url: str, clients: int, per_client: int, rounds: int) -> dict[str, dict[str, float]]:
    """Median figures of POST /price and POST /quotes against one fresh server on `url`."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    made = subprocess.run([sys.executable, "-m", "configurator.cli", "apikey", "create", "bench"], env=env,
                          cwd=ROOT, check=True, capture_output=True, text=True)
    key = made.stdout.strip().splitlines()[-1]
    port = free_port()
    server = serve(["--factory", "configurator.app:create_app"], port, env)
    base = f"http://127.0.0.1:{port}"
    runs: dict[str, list[dict[str, float]]] = {"POST /price": [], "POST /quotes": []}
    try:
        load(base, "/api/v1/quotes", QUOTE, key, clients, 10)  # warm-up: compile, connections
        for _ in range(rounds):
            runs["POST /price"].append(
                load(base, "/api/v1/products/city-bike/price", {"selections": BIKE}, key, clients, per_client)
            )
            runs["POST /quotes"].append(load(base, "/api/v1/quotes", QUOTE, key, clients, per_client))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {name: {k: statistics.median(r[k] for r in results) for k in results[0]} for name, results in runs.items()}


def main() -> None:
    """Measure on SQLite and PostgreSQL; print medians and the quote/price ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--per-client", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, postgres() as pg_url:
        urls = {"SQLite": f"sqlite:///{tmp}/bench.db", "PostgreSQL": pg_url}
        for name, url in urls.items():
            if url is None:
                print(f"{name}: skipped (PostgreSQL is not installed)")
                continue
            figures = measure(url, args.clients, args.per_client, args.rounds)
            for label, row in figures.items():
                print(f"{name:<10} {label:<13} {row['rps']:7.0f} req/s   p50 {row['p50_ms']:6.1f} ms   "
                      f"p99 {row['p99_ms']:6.1f} ms   ({args.clients} clients, median of {args.rounds} runs)")
            ratio = figures["POST /quotes"]["rps"] / figures["POST /price"]["rps"]
            print(f"{name:<10} quotes/s are {ratio:.0%} of prices/s")


if __name__ == "__main__":
    main()

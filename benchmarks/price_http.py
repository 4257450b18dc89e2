"""HTTP benchmark: POST /price against a bare FastAPI endpoint returning constant JSON, same server settings.

Both run under uvicorn (one worker) on loopback (the bare app is benchmarks/bare.py); a small asyncio client
keeps a few connections busy for a bounded number of requests and reports requests/s with p50/p99 latency.
With `--baseline REV` the revision's own tree is served too, in the same rounds.
Run: `.venv/bin/python benchmarks/price_http.py [--baseline REV]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from serving import BIKE, ROOT, free_port, serve, trees


def price_request(accept_gzip: bool = False) -> bytes:
    """The raw HTTP request pricing the bike (saying it accepts gzip, as most HTTP libraries do, if asked)."""
    body = json.dumps({"selections": BIKE}).encode()
    accept = "Accept-Encoding: gzip\r\n" if accept_gzip else ""
    return (
        f"POST /api/v1/products/city-bike/price HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{accept}Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _worker(port: int, request: bytes, count: int, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for _ in range(count):
        started = time.perf_counter()
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length = int(next(line.split(b":")[1] for line in lines if line.lower().startswith(b"content-length")))
        payload = await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"unexpected response: {head[:40]!r} {payload[:200]!r}")
        latencies.append(time.perf_counter() - started)
    writer.close()
    await writer.wait_closed()


async def _load(port: int, request: bytes, connections: int, requests: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    await asyncio.gather(*(_worker(port, request, 20, []) for _ in range(connections)))  # warm-up
    started = time.perf_counter()
    await asyncio.gather(*(_worker(port, request, requests // connections, latencies) for _ in range(connections)))
    return time.perf_counter() - started, latencies


def measure(
    target: list[str], env: dict[str, str], connections: int, requests: int, request: bytes | None = None,
    root: Path = ROOT,
) -> dict[str, float]:
    """Requests/s, p50 and p99 (ms) of one server of the tree at `root` answering `request` (the bike's price by
    default)."""
    port = free_port()
    server = serve(target, port, env, root)
    try:
        elapsed, latencies = asyncio.run(_load(port, request or price_request(), connections, requests))
    finally:
        server.terminate()
        server.wait(timeout=30)
    ordered = sorted(latencies)
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(0.99 * (len(ordered) - 1))] * 1000,
    }


def main() -> None:
    """Measure both servers and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs of each server; medians reported")
    parser.add_argument("--baseline", help="a git revision whose POST /price is measured in the same rounds")
    parser.add_argument("--accept-gzip", action="store_true", help="requests say Accept-Encoding: gzip")
    args = parser.parse_args()
    app = ["--factory", "configurator.app:create_app"]
    with trees(args.baseline) as roots, tempfile.TemporaryDirectory() as tmp:
        targets = {"bare endpoint": (["benchmarks.bare:app"], ROOT), "POST /price": (app, ROOT)}
        targets.update({f"/price {name}": (app, root) for name, root in roots[1:]})
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for number, (name, (target, root)) in enumerate(targets.items()):  # a database per tree: its schema
                env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench{number}.db", "CONFIGURATOR_LIMITS": "off"}
                request = price_request(args.accept_gzip)
                runs[name].append(measure(target, env, args.connections, args.requests, request, root))
    medians = {
        name: {key: statistics.median(run[key] for run in results) for key in results[0]}
        for name, results in runs.items()
    }
    for name, figures in medians.items():
        rate, p50, p99 = figures["rps"], figures["p50_ms"], figures["p99_ms"]
        print(f"{name:<14} {rate:8.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   (median of {args.rounds} runs)")
    ratio = medians["POST /price"]["rps"] / medians["bare endpoint"]["rps"]
    print(f"ratio: {ratio:.0%} of the bare endpoint's throughput (see docs/performance.md)")
    for name in list(medians)[2:]:
        print(f"ratio: this tree's /price throughput is {medians['POST /price']['rps'] / medians[name]['rps']:.0%}"
              f" of the {name.removeprefix('/price ')}'s")


if __name__ == "__main__":
    main()

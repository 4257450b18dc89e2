"""HTTP benchmark: POST /price against a bare FastAPI endpoint returning constant JSON, same server settings.

Both run under uvicorn (one worker) on loopback (the bare app is benchmarks/bare.py); a small asyncio client
keeps a few connections busy for a bounded number of requests and reports requests/s with p50/p99 latency.
Run: `.venv/bin/python benchmarks/price_http.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time

from serving import BIKE, ROOT, free_port, serve


def price_request() -> bytes:
    """The raw HTTP request pricing the bike."""
    body = json.dumps({"selections": BIKE}).encode()
    return (
        f"POST /api/v1/products/city-bike/price HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
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
    target: list[str], env: dict[str, str], connections: int, requests: int, request: bytes | None = None
) -> dict[str, float]:
    """Requests/s, p50 and p99 (ms) of one server answering `request` (the bike's price by default)."""
    port = free_port()
    server = serve(target, port, env)
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
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"bare endpoint": [], "POST /price": []}
    targets = {"bare endpoint": ["benchmarks.bare:app"], "POST /price": ["--factory", "configurator.app:create_app"]}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "PYTHONPATH": str(ROOT)}
        for _ in range(args.rounds):
            for name, target in targets.items():
                runs[name].append(measure(target, env, args.connections, args.requests))
    medians = {
        name: {key: statistics.median(run[key] for run in results) for key in results[0]}
        for name, results in runs.items()
    }
    for name, figures in medians.items():
        rate, p50, p99 = figures["rps"], figures["p50_ms"], figures["p99_ms"]
        print(f"{name:<14} {rate:8.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   (median of {args.rounds} runs)")
    ratio = medians["POST /price"]["rps"] / medians["bare endpoint"]["rps"]
    print(f"ratio: {ratio:.0%} of the bare endpoint's throughput (see docs/performance.md)")


if __name__ == "__main__":
    main()

"""HTTP benchmark: what the request limits cost. POST /price and the product page (GET /products/city-bike) are
measured on one server with the limits on (rates set high enough that nothing is refused: every request is still
classified, its client identified and its bucket counted) and on one with them off, in alternating rounds; medians
and the ratio of throughputs. Issue 20's bound: the limits cost at most 5 %.
Run: `.venv/bin/python benchmarks/limits.py [--rounds 5] [--requests 4000]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile

from price_http import measure, price_request
from serving import ROOT

PAGE = b"GET /products/city-bike HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
# On, with rates no benchmark reaches: the whole path runs, nothing is refused.
ON = {"CONFIGURATOR_LIMITS": "on", "CONFIGURATOR_ENGINE_RATE": "1000000", "CONFIGURATOR_ENGINE_BURST": "1000000"}


def main() -> None:
    """Measure both settings for both requests and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5, help="alternating runs of each setting; medians reported")
    args = parser.parse_args()
    target = ["--factory", "configurator.app:create_app"]
    with tempfile.TemporaryDirectory() as tmp:
        base = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "PYTHONPATH": str(ROOT),
                "CONFIGURATOR_WATCH": "0"}
        settings = {"limits off": {**base, "CONFIGURATOR_LIMITS": "off"}, "limits on": {**base, **ON}}
        for label, request, count in (("POST /price", price_request(), args.requests),
                                      ("GET product page", PAGE, args.requests // 4)):
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in settings}
            for _ in range(args.rounds):
                for name, env in settings.items():
                    runs[name].append(measure(target, env, args.connections, count, request))
            medians = {name: statistics.median(run["rps"] for run in results) for name, results in runs.items()}
            for name, results in runs.items():
                p50 = statistics.median(run["p50_ms"] for run in results)
                print(f"{label:<17} {name:<10} {medians[name]:8.0f} req/s   p50 {p50:6.2f} ms   "
                      f"(median of {args.rounds} runs)")
            print(f"{label:<17} limits on: {medians['limits on'] / medians['limits off']:.1%} of the throughput off")


if __name__ == "__main__":
    main()

"""`configurator check` on a product file with many unknown keys: the time must grow linearly with their number.

Each size is checked --rounds times through the real CLI; the baseline, in the same run, is the same file with no
unknown keys (interpreter start-up and the product's own checks). Reports medians, the time above the baseline
per 1,000 keys, and the ratio between consecutive sizes (about 2 when linear, about 4 when quadratic).
Run: `.venv/bin/python benchmarks/check.py`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIKE = (ROOT / "catalog" / "products" / "city-bike.yaml").read_text()


def check_seconds(file: Path, rounds: int) -> float:
    """Median wall time of `configurator check FILE`."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "configurator.cli", "check", str(file)], cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Check files of 0, 10k, 20k, 40k and 80k unknown keys; print medians and doubling ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000, 80_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for size in [0, *args.sizes]:
            files[size] = Path(tmp) / f"keys-{size}.yaml"
            files[size].write_text(BIKE + "".join(f"unknown_key_{i}: 1\n" for i in range(size)))
        baseline = check_seconds(files[0], args.rounds)
        print(f"baseline (no unknown keys): {baseline:6.2f} s   (median of {args.rounds})")
        previous = None
        for size in args.sizes:
            seconds = check_seconds(files[size], args.rounds)
            above = seconds - baseline
            ratio = f"   x{above / previous:4.2f} for twice the keys" if previous else ""
            kib = files[size].stat().st_size // 1024
            print(f"{size:>7,} unknown keys ({kib:5,} KiB): {seconds:6.2f} s, {above / size * 1000:5.3f} s per 1,000"
                  f"{ratio}")
            previous = above


if __name__ == "__main__":
    main()

"""Engine benchmark: random interactive sessions on the bundled and the real models, each in its own process.

Prints, per model, compile time, step medians and tails, peak memory, and the straightforward SAT method's median
on the same selections (the baseline) with the ratio, the longest session and how many sessions completed.
Run: `.venv/bin/python benchmarks/engine.py [--quick] [--only LABEL ...] [--also uvl|xcsp|clib PATH ...]`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks"
CLI = [sys.executable, "-m", "configurator.cli"]

# (label, how to import it or None for a bundled product, product id, sessions, baseline steps)
MODELS = [
    ("city-bike", None, "city-bike", 20, 20),
    ("eyeglasses", None, "eyeglasses", 20, 20),
    ("renault-megane", None, "renault-megane", 5, 20),
    ("br4cp-small", ("xcsp", "renault-br4cp/small/contraintes.xml"), "br4cp-small", 3, 20),
    ("br4cp-medium", ("xcsp", "renault-br4cp/medium/contraintes.xml"), "br4cp-medium", 3, 20),
    ("br4cp-big", ("xcsp", "renault-br4cp/big/contraintes.xml.gz"), "br4cp-big", 2, 4),
    ("renault-xcsp3", ("xcsp", "renault-xcsp3/RenaultMod-00.xml.xz"), "renault-xcsp3", 2, 4),
    ("berkeleydb", ("uvl", "uvl-models/berkeleydb.uvl"), "berkeleydb", 3, 20),
    ("uClibc", ("uvl", "uvl-models/uClibc.uvl"), "uclibc", 2, 10),
    ("busybox", ("uvl", "uvl-models/busybox_2010-05-02_14-17-07.uvl"), "busybox", 1, 10),
    ("financialsvc01", ("uvl", "uvl-models/financialservices01.uvl"), "financialservices01", 1, 5),
    ("automotive01", ("uvl", "uvl-models/automotive01.uvl"), "automotive01", 1, 5),
    ("linux-2.6.33.3", ("uvl", "uvl-models/linux-2.6.33.3.uvl"), "linux", 1, 3),
]


def main() -> None:
    """Run every model and print one row each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one session each, bundled models only")
    parser.add_argument("--only", action="append", default=[], help="run only the models with this label")
    parser.add_argument("--also", nargs=2, action="append", default=[], metavar=("KIND", "PATH"),
                        help="a further model to import and run (one session), such as one not in shared/")
    args = parser.parse_args()
    models = [m for m in MODELS if not args.only or m[0] in args.only]
    models += [(Path(path).stem, (kind, str(Path(path).resolve())), Path(path).stem.lower(), 1, 3)
               for kind, path in args.also]
    header = f"{'model':<16}{'backend':>9}{'compile s':>11}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'peak MB':>9}"
    print(header + f"{'baseline p50 ms':>17}{'speedup':>9}{'steps':>7}{'longest s':>11}{'completed':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, source, product_id, sessions, baseline_steps in models:
            if source is not None and (args.quick or not SHARED.is_dir()) and not Path(source[1]).is_absolute():
                continue
            catalog = ROOT / "catalog" / "products"
            if source is not None:
                kind, relative = source
                done = subprocess.run(
                    [*CLI, "import", kind, str(SHARED / relative), "--out", tmp, "--id", product_id],
                    check=True, capture_output=True, text=True,
                )
                catalog = Path(done.stdout.strip())
            run = subprocess.run(
                [*CLI, "bench", str(catalog), product_id, "--sessions", str(1 if args.quick else sessions),
                 "--baseline-steps", str(baseline_steps), "--json"],
                check=True, capture_output=True, text=True,
            )
            r = json.loads(run.stdout)
            print(
                f"{label:<16}{r['backend']:>9}{r['compile_s']:>11.2f}{r['step_ms_p50']:>9.2f}{r['step_ms_p99']:>9.2f}"
                f"{r['step_ms_max']:>9.1f}{r['peak_mb']:>9.0f}{r['baseline_step_ms_p50']:>17.1f}{r['speedup']:>9.1f}"
                f"{r['steps']:>7}{r['session_s_max']:>11.1f}{r['completed_sessions']:>6}/{r['sessions']:<4}",
                flush=True,
            )


if __name__ == "__main__":
    main()

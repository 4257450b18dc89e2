"""What the HTTP benchmarks share: the bike they price, a free port, and a uvicorn server in a subprocess."""

from __future__ import annotations

import contextlib
import io
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIKE = {
    "rider_height": 175,
    "frame_size": "M",
    "material": "steel",
    "color": "black",
    "gears": "hub8",
    "belt_drive": True,
    "accessories": ["rack"],
}


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(target: list[str], port: int, env: dict[str, str], root: Path = ROOT) -> subprocess.Popen[bytes]:
    """Start uvicorn on `target` (app or factory) from the source tree `root` and wait until it accepts
    connections."""
    command = [sys.executable, "-m", "uvicorn", *target, "--port", str(port), "--log-level", "warning"]
    command.append("--no-access-log")
    server = subprocess.Popen(command, cwd=root, env={**env, "PYTHONPATH": str(root)})
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("server did not start")


@contextlib.contextmanager
def source_tree(revision: str) -> Iterator[Path]:
    """The project as it was at a git revision, unpacked in a temporary folder: a baseline served in the same run
    (its modules shadow the installed ones, the server starting in that folder)."""
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)


@contextlib.contextmanager
def trees(baseline: str | None) -> Iterator[list[tuple[str, Path]]]:
    """(name, root) of the trees to measure: this one, and the baseline revision's where one is asked for."""
    if not baseline:
        yield [("this tree", ROOT)]
        return
    with source_tree(baseline) as old:
        yield [("this tree", ROOT), (f"baseline {baseline}", old)]


def api_key(root: Path, env: dict[str, str]) -> str:
    """A storefront key created with the tree's own command line in the database `env` names."""
    command = [sys.executable, "-c", "from configurator.cli import app; app()", "apikey", "create", "bench"]
    done = subprocess.run(command, cwd=root, env={**env, "PYTHONPATH": str(root)}, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip().splitlines()[-1]

"""What the HTTP benchmarks share: the bike they price, a free port, and a uvicorn server in a subprocess."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
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


def serve(target: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start uvicorn on `target` (app or factory) and wait until it accepts connections."""
    command = [sys.executable, "-m", "uvicorn", *target, "--port", str(port), "--log-level", "warning"]
    command.append("--no-access-log")
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("server did not start")

"""A real uvicorn server on loopback, in a background thread or as a process of its own, for tests that need real
concurrency."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import uvicorn
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def serving(app: FastAPI, lifespan: bool = False) -> Iterator[str]:
    """Serve `app` on a free loopback port (running its lifespan, such as the catalog watcher, if asked); yields
    its base URL and stops it afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on" if lifespan else "off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def shop_served(folder: Path) -> Iterator[str]:
    """The shop on the bundled catalog with its own SQLite database in `folder`, served on loopback."""
    from configurator.app import create_app  # the app only where a test serves it

    app = create_app(database_url=f"sqlite:///{folder / 'db.sqlite'}")
    with serving(app) as base:
        yield base
    app.state.db.dispose()


@contextmanager
def app_process(folder: Path, database_url: str) -> Iterator[str]:
    """One uvicorn process of the app on the catalog in `folder`, as `configurator serve --workers N` starts each of
    its workers; stopped (its signals written) afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url, "CONFIGURATOR_CATALOG": str(folder), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "uvicorn", "--factory", "configurator.app:create_app", "--port", str(port),
               "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(f"{base}/api/v1/products", timeout=5).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)

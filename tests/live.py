"""A real uvicorn server on loopback in a background thread, for tests that need real concurrency."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI


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

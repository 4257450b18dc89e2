"""Regression: `POST /price` was an async route that could call the SAT solver on the event loop, so one slow model
blocked every other request. Only the engine's quick check (no propagation, no solver) may run on the loop now;
compiling, domains, conflicts and completions run on worker threads. Checked by recording the threads the app's
event loop runs on and the threads the slow work runs on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

import rules.backend
import rules.engine
import rules.explain
from configurator.app import create_app
from tests.conftest import COMPLETE_BIKE

INCOMPLETE = {"gears": "hub8", "belt_drive": True}
CONFLICT = {**COMPLETE_BIKE, "gears": "derailleur"}  # a belt drive needs a hub gear
CALLS = [
    ("/api/v1/products/city-bike/price", {"selections": COMPLETE_BIKE}, 200),
    ("/api/v1/products/city-bike/price", {"selections": INCOMPLETE}, 422),
    ("/api/v1/products/city-bike/price", {"selections": {k: v for k, v in CONFLICT.items() if k != "color"}}, 422),
    ("/api/v1/products/city-bike/price/batch", {"items": [{"selections": INCOMPLETE}]}, 200),
    ("/api/v1/products/city-bike/configure", {"selections": INCOMPLETE}, 200),
    ("/api/v1/products/city-bike/complete", {"selections": INCOMPLETE}, 200),
]
SLOW = [
    (rules.backend.TreeBackend, ["domains", "complete", "count", "cheapest"]),
    (rules.backend.SatBackend, ["domains", "complete", "count", "cheapest"]),
    (rules.explain.Explainer, ["conflict", "explain", "repair"]),
]


@pytest.fixture
def slow_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, threading.Thread]]]:
    seen: list[tuple[str, threading.Thread]] = []

    def spying(name: str, original: Any) -> Any:
        def spy(*args: Any, **kwargs: Any) -> Any:
            seen.append((name, threading.current_thread()))
            return original(*args, **kwargs)

        return spy

    for kind, names in SLOW:
        for name in names:
            monkeypatch.setattr(kind, name, spying(name, getattr(kind, name)))
    monkeypatch.setattr(rules.engine, "compile_product", spying("compile", rules.engine.compile_product))
    rules.engine._CACHE.clear()  # so that the first request compiles
    yield seen
    rules.engine._CACHE.clear()


@pytest.mark.parametrize(("url", "body", "status"), CALLS)
def test_slow_engine_work_never_runs_on_the_event_loop(
    slow_calls: list[tuple[str, threading.Thread]], url: str, body: dict[str, Any], status: int
) -> None:
    app = create_app(database_url="sqlite://")
    rules.engine._CACHE.clear()  # so that the first request compiles (the app compiled its catalog at start)
    loop_threads: list[threading.Thread] = []

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        loop_threads.append(threading.current_thread())  # an ASGI call runs on the event loop's thread
        await app(scope, receive, send)

    with TestClient(recording) as client:
        assert client.post(url, json=body).status_code == status
        assert client.post(url, json=body).status_code == status  # again, compiled: the quick path may apply
    assert loop_threads and "compile" in {name for name, _ in slow_calls}
    assert [name for name, thread in slow_calls if any(thread is loop for loop in loop_threads)] == []
    if body is not CALLS[0][1]:
        assert len({name for name, _ in slow_calls}) >= 2  # solver or propagation work happened, off the loop

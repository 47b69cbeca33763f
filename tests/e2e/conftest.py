"""A live elkund server (and worker) in their own processes, and a webhook receiver to talk to."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

ELKUND = str(Path(sys.executable).with_name("elkund"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def database_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def process_env(engine: Engine, **extra: str) -> dict[str, str]:
    return os.environ | {
        "ELKUND_ENV": "test",
        "ELKUND_DATABASE_URL": database_url(engine),
        "ELKUND_SECRET_KEY": "e2e-secret-key-of-enough-length",
        "ELKUND_WORKER_POLL_SECONDS": "0.1",
        **extra,
    }


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An ESCO's webhook endpoint: records every delivery; can be told to fail or stall."""

    url: str
    deliveries: queue.Queue[Delivery] = field(default_factory=queue.Queue)
    answers: list[int] = field(default_factory=list)  # statuses to answer first, then 200
    stall_seconds: float = 0.0

    def next(self, timeout: float = 20.0) -> Delivery:
        return self.deliveries.get(timeout=timeout)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    port = free_port()
    state = Receiver(url=f"http://127.0.0.1:{port}/hooks/elkund")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            state.deliveries.put(Delivery({k.lower(): v for k, v in self.headers.items()}, body))
            if state.stall_seconds:
                time.sleep(state.stall_seconds)
            self.send_response(state.answers.pop(0) if state.answers else 200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]


@pytest.fixture
def live_server(engine: Engine, committed: object) -> Iterator[LiveServer]:
    """``elkund serve`` on the test database, with its worker inside, as a newcomer runs it."""
    port = free_port()
    env = process_env(engine, ELKUND_WORKER_IN_PROCESS="true")
    process = subprocess.Popen(
        [ELKUND, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield LiveServer(url, process)
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stderr:
            process.stderr.close()


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("server did not start in 30 s")

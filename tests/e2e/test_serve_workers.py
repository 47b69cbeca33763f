"""``elkund serve --workers N``: several server processes share the port and the database."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import Engine

from tests.e2e.conftest import ELKUND, free_port, process_env, wait_until_up


def test_two_worker_processes_answer_api_calls(engine: Engine, committed: object) -> None:
    port = free_port()
    process = subprocess.Popen(
        [ELKUND, "serve", "--port", str(port), "--workers", "2"],
        env=process_env(engine, ELKUND_WORKER_IN_PROCESS="false"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        token = {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"}
        with ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(lambda _: httpx.post(f"{url}/api/v1/oauth/token", data=token), range(16))
            )
        # Every process reads the database and answers in the API's error shape.
        assert {(a.status_code, a.json()["error"]) for a in answers} == {(401, "invalid_client")}
        assert httpx.get(f"{url}/health").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stderr:
            process.stderr.close()

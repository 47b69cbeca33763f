"""One database session per request: committed before the answer, rolled back on any error, its
connection always given back; a reading request opens it without a trip to a worker thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.api import deps
from elkund.api.app import create_app
from elkund.api.deps import DbSession
from elkund.core.db import session_scope
from elkund.core.settings import Settings
from elkund.customers.models import Customer
from tests.factories import fake_personnummer, make_customer

NUMBER = fake_personnummer("19850101", 930)


def _app(engine: Engine) -> FastAPI:
    settings = Settings(
        env="test", database_url="sqlite://", secret_key="x" * 32, worker_in_process=False
    )
    app = create_app(settings, engine=engine)

    @app.get("/test/kunder")
    def count(session: DbSession) -> int:
        return int(session.scalar(select(func.count()).select_from(Customer)) or 0)

    @app.post("/test/kunder")
    def add(session: DbSession) -> None:
        make_customer(session, identity_number=NUMBER)

    @app.post("/test/kunder/fel")
    def add_then_fail(session: DbSession) -> None:
        make_customer(session, identity_number=NUMBER)
        session.flush()
        raise RuntimeError("after the write")

    return app


@pytest.fixture
def client(engine: Engine, committed: sessionmaker[Session]) -> Iterator[TestClient]:
    with TestClient(_app(engine), raise_server_exceptions=False) as test_client:
        yield test_client


def _stored(committed: sessionmaker[Session]) -> int:
    with session_scope(committed) as session:
        query = select(func.count()).where(Customer.identity_number == NUMBER)
        return int(session.scalar(query) or 0)


def test_a_write_is_committed_before_the_answer(
    client: TestClient, committed: sessionmaker[Session], engine: Engine
) -> None:
    assert client.post("/test/kunder").status_code == 200
    assert _stored(committed) == 1
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_an_error_rolls_the_write_back_and_gives_the_connection_back(
    client: TestClient, committed: sessionmaker[Session], engine: Engine
) -> None:
    response = client.post("/test/kunder/fel")
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert _stored(committed) == 0
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_only_a_writing_request_opens_its_session_in_a_thread(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a reading session is no I/O (it connects at its first statement); a writing one
    takes SQLite's write lock at once, which may wait."""
    opened_in_thread: list[str] = []

    async def recorded(function: object, *args: object) -> object:
        opened_in_thread.append(getattr(function, "__qualname__", ""))
        return await run_in_threadpool(function, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(deps, "run_in_threadpool", recorded)
    assert client.get("/test/kunder").json() == 0
    assert opened_in_thread == []
    assert client.post("/test/kunder").status_code == 200
    assert opened_in_thread == ["_GeneratorContextManager.__enter__"]
    assert client.get("/test/kunder").json() == 1

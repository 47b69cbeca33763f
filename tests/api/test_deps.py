"""One database session per request: committed before the answer, rolled back on any error, its
connection always given back (also when the client leaves); a reading request opens it on the
event loop, a writing one in a worker thread."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest
from anyio.from_thread import start_blocking_portal
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

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

    @app.get("/test/langsam")
    def slow(session: DbSession) -> int:
        session.execute(select(1))  # holds a connection while the client gives up
        time.sleep(0.3)
        return 1

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
def app(engine: Engine, committed: sessionmaker[Session]) -> FastAPI:
    return _app(engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _stored(committed: sessionmaker[Session]) -> int:
    with session_scope(committed) as session:
        query = select(func.count()).where(Customer.identity_number == NUMBER)
        return int(session.scalar(query) or 0)


def _checked_out(engine: Engine) -> int:
    return int(engine.pool.checkedout())  # type: ignore[attr-defined]


def test_a_write_is_committed_and_its_connection_given_back(
    client: TestClient, committed: sessionmaker[Session], engine: Engine
) -> None:
    assert client.post("/test/kunder").status_code == 200
    assert _stored(committed) == 1
    assert _checked_out(engine) == 0


def test_a_commit_that_fails_is_a_500_not_a_success(
    client: TestClient, committed: sessionmaker[Session], engine: Engine
) -> None:
    """The commit happens before the answer is sent: a client never hears that something was
    stored that then failed to commit."""

    def refuse(*_: object) -> None:
        raise RuntimeError("the disk is full")

    event.listen(engine, "commit", refuse)
    try:
        response = client.post("/test/kunder")
    finally:
        event.remove(engine, "commit", refuse)
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert _stored(committed) == 0
    assert _checked_out(engine) == 0


def test_an_error_rolls_the_write_back_and_gives_the_connection_back(
    client: TestClient, committed: sessionmaker[Session], engine: Engine
) -> None:
    response = client.post("/test/kunder/fel")
    assert response.status_code == 500
    assert response.json()["error"] == "internal_error"
    assert _stored(committed) == 0
    assert _checked_out(engine) == 0


def test_a_client_that_leaves_mid_request_still_gives_the_connection_back(
    app: FastAPI, engine: Engine
) -> None:
    async def leave_early() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://elkund") as client:
            with anyio.move_on_after(0.05) as waited:
                await client.get("/test/langsam")
            assert waited.cancelled_caught

    with start_blocking_portal() as portal:  # its own event loop: another may run in this thread
        portal.call(leave_early)
    assert _checked_out(engine) == 0


def test_only_a_writing_request_opens_its_session_in_a_worker_thread(
    app: FastAPI, client: TestClient
) -> None:
    """Opening a reading session is no I/O (it connects at its first statement); a writing one
    takes SQLite's write lock at once, which may wait."""
    on_event_loop: list[bool] = []
    factory = app.state.session_factory

    def recorded(**kwargs: Any) -> Session:
        try:
            asyncio.get_running_loop()
            on_event_loop.append(True)
        except RuntimeError:
            on_event_loop.append(False)
        session: Session = factory(**kwargs)
        return session

    app.state.session_factory = recorded
    assert client.get("/test/kunder").json() == 0
    assert client.post("/test/kunder").status_code == 200
    assert client.get("/test/kunder").json() == 1
    assert on_event_loop == [True, False, True]

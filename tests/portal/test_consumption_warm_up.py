"""Each server process prepares the Förbrukning page before its first request: its templates from
a sample and its statements with keys that find nothing, so no customer's data is read or cached;
a database that cannot be reached does not stop the start."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker
from structlog.testing import capture_logs

from elkund.api.app import create_app
from elkund.core.db import session_scope
from elkund.core.jobs.worker import run_until_idle
from elkund.core.localtime import local_date, utcnow
from elkund.core.settings import Settings
from elkund.grid import repository as grid_repository
from elkund.jobs_runner import HANDLERS
from elkund.metering.formats import FileFormat
from elkund.metering.service import ingest_file
from elkund.portal import consumption, fragment_store
from elkund.portal.auth.pages import templates
from elkund.portal.auth.service import start_person_session
from elkund.portal.auth.settings import AuthSettings
from tests.factories import fake_personnummer, make_customer, make_installation
from tests.integration.helpers import day_file

NAMES = (
    "base.html",
    "consumption/page.html",
    "consumption/_parts.html",  # imported by the page when it renders
    "consumption/_results.html",
)
SETTINGS = Settings(
    env="test", database_url="sqlite://", secret_key="x" * 32, worker_in_process=False
)


def _cached(name: str) -> bool:
    cache = templates.env.cache
    assert cache is not None
    return any(key[1] == name for key in cache)


def _spy(monkeypatch: pytest.MonkeyPatch, found: dict[str, Any], owner: object, name: str) -> None:
    function: Callable[..., Any] = getattr(owner, name)

    def recorded(*args: Any, **kwargs: Any) -> Any:
        found[name] = function(*args, **kwargs)
        return found[name]

    monkeypatch.setattr(owner, name, recorded)


def _customer_with_values(committed: sessionmaker[Session]) -> None:
    """A signed-in customer whose installation has values and stored fragments."""
    today = local_date(utcnow())
    with session_scope(committed) as session:
        me = make_customer(session, identity_number=fake_personnummer("19800101", 970))
        mine = make_installation(session, holder=me)
        start_person_session(
            session, person_number=me.identity_number, now=utcnow(), settings=AuthSettings()
        )
        gsrn = mine.gsrn
    with session_scope(committed) as session:
        data = day_file(gsrn, today - timedelta(days=3), today, wh=100)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
    assert run_until_idle(committed, HANDLERS, worker="test") > 0


def test_start_runs_a_views_statements_and_finds_no_ones_data(
    engine: Engine, committed: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    _customer_with_values(committed)
    cache = templates.env.cache
    assert cache is not None
    cache.clear()
    consumption.clear_caches()
    found: dict[str, Any] = {}
    _spy(monkeypatch, found, consumption, "session_access")
    _spy(monkeypatch, found, grid_repository, "held_with_move_in")
    _spy(monkeypatch, found, consumption, "days_version")
    _spy(monkeypatch, found, fragment_store, "load")
    with TestClient(create_app(SETTINGS, engine=engine)):
        assert all(_cached(name) for name in NAMES)
        assert found.keys() == {"session_access", "held_with_move_in", "days_version", "load"}
    assert found["session_access"] is None
    assert found["held_with_move_in"] is None
    assert set(found["days_version"]) <= {-1, 0}  # no rollup: no change, count or sum
    assert found["load"] is None
    assert len(consumption.RESULTS) == 0
    assert len(consumption.PAGES) == 0


def test_a_database_out_of_reach_does_not_stop_the_start(tmp_path: Path) -> None:
    unreachable = create_engine(f"sqlite:///{tmp_path / 'no such directory' / 'elkund.db'}")
    with capture_logs() as logs, TestClient(create_app(SETTINGS, engine=unreachable)) as client:
        assert client.get("/static/elkund.css").status_code == 200
    assert {"event": "portal_warm_up_failed", "error": "OperationalError"} in [
        {key: entry.get(key) for key in ("event", "error")} for entry in logs
    ]


def test_a_database_that_does_not_answer_delays_the_start_only_so_long(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consumption, "WARM_UP_READS_SECONDS", 0.1)
    monkeypatch.setattr(consumption, "warm_up_reads", lambda _sessions: time.sleep(3))
    began = time.monotonic()
    with capture_logs() as logs, TestClient(create_app(SETTINGS, engine=engine)) as client:
        started = time.monotonic() - began
        assert client.get("/static/elkund.css").status_code == 200
    assert started < 2
    assert "portal_warm_up_timed_out" in [entry["event"] for entry in logs]


def test_warm_up_alone_renders_both_languages_from_a_sample() -> None:
    cache = templates.env.cache
    assert cache is not None
    cache.clear()
    consumption.RESULTS.clear()
    consumption.warm_up()
    assert len(consumption.RESULTS) == 0
    assert all(_cached(name) for name in NAMES)

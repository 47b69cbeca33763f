"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is 127.0.0.1:5432 as user postgres unless ELKUND_TEST_POSTGRES_URL says otherwise. Each
test run creates its own database and drops it afterwards; each test runs in a transaction that is
rolled back. Without PostgreSQL the PostgreSQL half is skipped, except under CI=true: it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import create_db_engine, make_session_factory
from elkund.migrate import upgrade_engine
from elkund.schema import metadata

POSTGRES_URL = os.environ.get(
    "ELKUND_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    try:
        probe = create_engine(url, isolation_level="AUTOCOMMIT")
        with probe.connect() as connection:
            connection.execute(text("SELECT 1"))
        probe.dispose()
    except Exception as error:  # any failure to reach the server
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true but unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_engine(postgres_server_url: str) -> Iterator[Engine]:
    name = f"elkund_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_db_engine(
        make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    )
    upgrade_engine(engine)
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("db") / "elkund.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_engine(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    fixture = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    result: Engine = request.getfixturevalue(fixture)
    return result


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits become savepoints inside one transaction rolled back at the end."""
    with engine.connect() as connection:
        transaction = connection.begin()
        db = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield db
        finally:
            db.close()
            transaction.rollback()


@pytest.fixture
def committed(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory whose transactions really commit (workers, servers); emptied afterwards."""
    yield make_session_factory(engine)
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def cli_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[sessionmaker[Session]]:
    """A migrated SQLite file that ``elkund`` commands use (ELKUND_DATABASE_URL, ELKUND_VAR_DIR),
    with sessions on it for setting up and checking what the commands did."""
    from typer.testing import CliRunner

    from elkund.cli.main import app
    from elkund.core.settings import get_settings

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ELKUND_DATABASE_URL", url)
    monkeypatch.setenv("ELKUND_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = create_db_engine(url)
    yield make_session_factory(engine)
    engine.dispose()
    get_settings.cache_clear()

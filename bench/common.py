"""Shared plumbing: output lines, timing, and the databases the benchmarks run on."""

from __future__ import annotations

import gc
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import structlog
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import create_db_engine, make_session_factory
from elkund.migrate import upgrade_engine

POSTGRES_URL = os.environ.get(
    "ELKUND_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
METER_TABLES = ("meter_values", "meter_value_days", "meter_value_revisions")


@dataclass(frozen=True, slots=True)
class Database:
    """One migrated benchmark database: ``name`` is ``postgresql`` or ``sqlite``."""

    name: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def is_postgres(self) -> bool:
        return self.name == "postgresql"


# Output ------------------------------------------------------------------------------------------


def figure(name: str, ratio: float, goal: float) -> None:
    print(f"{name}: ratio={ratio:.3f} (goal >= {goal:g})", flush=True)


def note(line: str) -> None:
    print(f"# {line}", flush=True)


def quiet_logs() -> None:
    """Keep the app's structured logs (one line per ingest) out of the benchmark's output."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


# Timing ------------------------------------------------------------------------------------------


def timed(action: Callable[[], object]) -> float:
    """Seconds one call of ``action`` takes."""
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the benchmark's own prepared inputs out of the cyclic GC's work while timing.

    Without this, every full collection during a timed run also walks the inputs the benchmark
    holds for all variants, which a real ingest process would not have.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# Databases ---------------------------------------------------------------------------------------


def _database(name: str, engine: Engine) -> Database:
    upgrade_engine(engine)  # Alembic to head, as tests/conftest.py does
    return Database(name, engine, make_session_factory(engine))


@contextmanager
def sqlite_database() -> Iterator[Database]:
    with tempfile.TemporaryDirectory(prefix="elkund_bench_") as directory:
        engine = create_db_engine(f"sqlite:///{Path(directory) / 'elkund.db'}")
        try:
            yield _database("sqlite", engine)
        finally:
            engine.dispose()


def _server_url() -> URL | None:
    url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    probe = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with probe.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach the server
        note("postgresql unreachable: skipped")
        note(f"postgresql error: {type(error).__name__}: {str(error).strip().splitlines()[0]}")
        return None
    finally:
        probe.dispose()
    return url


@contextmanager
def postgres_database() -> Iterator[Database | None]:
    """A fresh database ``elkund_bench_<random>``, dropped afterwards even on failure."""
    server = _server_url()
    if server is None:
        yield None
        return
    name = f"elkund_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine = create_db_engine(server.set(database=name).render_as_string(hide_password=False))
        try:
            yield _database("postgresql", engine)
        finally:
            engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_meter_tables(db: Database) -> None:
    """Values, revisions and rollups gone, committed; the next run starts from an empty store."""
    with db.sessions() as session:
        if db.is_postgres:
            session.execute(text(f"TRUNCATE {', '.join(METER_TABLES)}"))
        else:
            for table in METER_TABLES:
                session.execute(text(f"DELETE FROM {table}"))
        session.commit()


def count_values(db: Database) -> int:
    with db.sessions() as session:
        return int(session.execute(text("SELECT count(*) FROM meter_values")).scalar_one())

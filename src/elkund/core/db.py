"""Engine, sessions and the declarative base.

One request or one job is one transaction: callers get a session from ``session_scope`` (or the
web layer's dependency), services only flush, and the edge commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from elkund.core.localtime import utcnow
from elkund.core.types import UtcTimestamp

WRITE_OPTION = "elkund_write"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcTimestamp()}


class TimestampedMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url, **kwargs)
    if parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg"))
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _create_sqlite_engine(url: str, **kwargs: Any) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin, so that SAVEPOINT and
        # rollback work as on PostgreSQL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A unit of work that will write takes the write lock at once: in WAL mode a deferred
        # transaction that reads first fails without waiting if someone else wrote meanwhile.
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    ``write`` says the unit will write; on SQLite it then waits for the write lock up front.
    """
    session = factory()
    if write:
        session.connection(execution_options={WRITE_OPTION: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def begin_writing(session: Session) -> None:
    """Make the rest of a read-only unit of work a writer (a GET that must record something).

    On SQLite a deferred transaction that has read cannot start writing once another connection
    has committed meanwhile: it fails at once with "database is locked", whatever the timeout.
    So the reading part ends here (it wrote nothing) and a new transaction takes the write lock
    up front. A unit that is a writer already, and every unit on PostgreSQL, goes on unchanged.
    """
    if session.in_transaction() and session.connection().get_execution_options().get(WRITE_OPTION):
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_writing() after changes: they would be committed half-way")
    if session.get_bind().dialect.name != "sqlite":
        return
    session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"

"""Bulk loading into temporary staging tables: binary COPY on PostgreSQL, executemany on SQLite.

Both run on the session's own connection, so they share its transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

import psycopg
from sqlalchemy import Column, Table, exc, insert, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from elkund.core.db import Base, is_postgres

# A unique-key clash, whether it surfaced through SQLAlchemy or straight from a driver cursor.
INTEGRITY_ERRORS = (exc.IntegrityError, sqlite3.IntegrityError, psycopg.IntegrityError)


def driver_connection(session: Session) -> Any:
    return session.connection().connection.driver_connection


def create_stage(session: Session, name: str, columns: Sequence[tuple[str, str]]) -> None:
    """A temporary table with integer-ish columns (``[(name, "int4"), ...]``), emptied for reuse."""
    postgres = is_postgres(session)
    spec = ", ".join(f"{col} {kind if postgres else 'INTEGER'}" for col, kind in columns)
    # On PostgreSQL the rows go at commit, so a pooled connection's stage never bloats.
    on_commit = " ON COMMIT DELETE ROWS" if postgres else ""
    session.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} ({spec}){on_commit}"))
    session.execute(text(f"DELETE FROM {name}"))


def load_stage(
    session: Session, name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]
) -> None:
    names = ", ".join(col for col, _ in columns)
    raw = driver_connection(session)
    if is_postgres(session):
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {name} ({names}) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.set_types([kind for _, kind in columns])
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {name} ({names}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def epoch_to_timestamp(session: Session, expression: str) -> str:
    """SQL turning an epoch-seconds expression into the dialect's stored instant."""
    return f"to_timestamp({expression})" if is_postgres(session) else expression


def timestamp_to_epoch(session: Session, expression: str) -> str:
    """SQL turning a stored instant into epoch seconds."""
    if is_postgres(session):
        return f"CAST(EXTRACT(EPOCH FROM {expression}) AS BIGINT)"
    return expression


def insert_rows(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows of ``model``'s table (each with the same keys) in the session's
    transaction.

    On PostgreSQL a COPY: SQLAlchemy's executemany would send the rows as one long multi-row
    INSERT, which the driver parses in Python again for every batch (about a third of the time
    of inserting a billing run's invoices). The values go through each column's own bind
    processing, and a column left out gets its Python default, as an INSERT would give them;
    server-side defaults (the id) are left to the server. Elsewhere one executemany INSERT.
    Pending ORM changes are not flushed first, and a COPY's errors come from the driver.
    """
    if not rows:
        return
    table = cast(Table, model.__table__)
    if not is_postgres(session):
        session.execute(insert(table), list(rows))
        return
    dialect = session.get_bind().dialect
    given = set(rows[0])
    columns = [c for c in table.columns if c.name in given or _python_default(c) is not None]
    fill = [_value_of(column, given, dialect) for column in columns]
    values = [[value(row) for value in fill] for row in rows]  # a bad value fails before COPY
    names = ", ".join(f'"{c.name}"' for c in columns)
    with (
        driver_connection(session).cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for row in values:
            copy.write_row(row)


def _python_default(column: Column[Any]) -> Any:
    """The column's default if Python gives it without the INSERT: a constant, or a function of
    nothing. A default SQL computes, or a function of the INSERT's context, is refused: give
    such a column a value in every row."""
    default = column.default
    if default is None:
        return None
    # SQLAlchemy wraps a function of nothing to take the context, and keeps it as __wrapped__
    if default.is_scalar or (
        default.is_callable and hasattr(getattr(default, "arg", None), "__wrapped__")
    ):
        return default
    raise TypeError(f"insert_rows cannot give {column.name} its default: give it a value")


def _value_of(
    column: Column[Any], given: set[str], dialect: Dialect
) -> Callable[[Mapping[str, Any]], Any]:
    """How to get the column's stored value from a row: given or defaulted, then bound as the
    dialect binds it in an INSERT."""
    process = dialect.type_descriptor(column.type).bind_processor(dialect) or _unchanged
    if column.name in given:
        name = column.name
        return lambda row: process(row[name])
    default = _python_default(column)
    if default.is_scalar:
        constant = process(default.arg)
        return lambda _row: constant
    return lambda _row: process(default.arg(None))  # a function of nothing, once per row


def _unchanged(value: Any) -> Any:
    return value

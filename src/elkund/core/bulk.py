"""Bulk loading into temporary staging tables: binary COPY on PostgreSQL, executemany on SQLite.

Both run on the session's own connection, so they share its transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg
from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from elkund.core.db import is_postgres

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

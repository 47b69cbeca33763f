"""Footprint: 13 bytes ÷ stored bytes per meter value (the table and its indexes).

Values arrive as they would in production: one batch per day holding every installation, so the
primary key (installation, start) grows in the middle, not only at its end.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bench.common import Database, count_values, empty_meter_tables, figure, note
from bench.dataset import NOW, quarter_hours, register_meters
from elkund.metering.repository import store_values

GOAL = 0.5
IDEAL_BYTES = 13
INSTALLATIONS = 20
DAYS = 60
FIRST = date(2025, 1, 1)
_SQLITE_BYTES = (
    "SELECT SUM(pgsize) FROM dbstat"
    " WHERE name = 'meter_values' OR name LIKE 'sqlite_autoindex_meter_values%'"
)


def load_daily(db: Database) -> int:
    """``DAYS`` daily batches of ``INSTALLATIONS`` installations, each committed; values stored."""
    meters = register_meters(db, INSTALLATIONS)
    for offset in range(DAYS):
        rows = quarter_hours(meters, FIRST + timedelta(days=offset), 1, seed=offset)
        with db.sessions() as session:
            store_values(session, rows, now=NOW)
            session.commit()
    return count_values(db)


def postgres_bytes(db: Database) -> int:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE meter_values"))
        heap, indexes, total = connection.execute(
            text(
                "SELECT pg_relation_size('meter_values'), pg_indexes_size('meter_values'),"
                " pg_total_relation_size('meter_values')"
            )
        ).one()
    note(f"footprint_postgresql: heap {heap} B, indexes {indexes} B, total {total} B")
    return int(total)


def _sqlite_used_bytes(db: Database) -> int:
    """Bytes of all pages in use (not on the freelist), for when dbstat is missing."""
    with db.engine.connect() as connection:
        pages = connection.execute(text("PRAGMA page_count")).scalar_one()
        free = connection.execute(text("PRAGMA freelist_count")).scalar_one()
        size = connection.execute(text("PRAGMA page_size")).scalar_one()
    return int((pages - free) * size)


def sqlite_bytes(db: Database, used_before: int) -> int:
    try:
        with db.engine.connect() as connection:
            return int(connection.execute(text(_SQLITE_BYTES)).scalar_one())
    except OperationalError:
        note("footprint_sqlite: no dbstat in this SQLite build; counted pages in use instead,")
        note("footprint_sqlite: which also counts the growth of meter_value_days")
        return _sqlite_used_bytes(db) - used_before


def run(db: Database) -> None:
    empty_meter_tables(db)
    used_before = 0 if db.is_postgres else _sqlite_used_bytes(db)
    values = load_daily(db)
    stored = postgres_bytes(db) if db.is_postgres else sqlite_bytes(db, used_before)
    per_value = stored / values
    name = f"footprint_{db.name}"
    note(f"{name}: {values} values in {DAYS} daily batches, {per_value:.1f} bytes/value")
    figure(name, IDEAL_BYTES / per_value, GOAL)
    empty_meter_tables(db)

"""Ingest: app values/s ÷ a raw bulk insert of the same rows into ``meter_values``.

The raw baseline is a binary ``COPY`` on PostgreSQL and one ``executemany`` on SQLite. The app
ingests a CSV file (parse, validate, store, with the daily rollups and their Σ Wh × day-ahead
price, ADR 0022: the zone's prices are stored first, as a grid company has them); ``#`` lines
show the same ratio for validated readings and for the storage step alone, so the gaps show
where the time goes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bench.common import (
    Database,
    count_values,
    empty_meter_tables,
    figure,
    frozen_heap,
    note,
)
from bench.dataset import NOW, quarter_hours, register_meters, to_csv
from elkund.core.bulk import driver_connection
from elkund.demo.spot_prices import demo_prices
from elkund.metering.formats import FileFormat, parse_csv
from elkund.metering.repository import store_values
from elkund.metering.service import ingest_file, ingest_readings
from elkund.metering.validation import Reading, ValidRow
from elkund.supply import price_store

GOAL = 0.6
INSTALLATIONS = 40
DAYS = 30
FIRST = date(2025, 3, 15)  # spans the spring DST change
REPEATS = 5
_COLUMNS = "installation_id, start, resolution, wh, quality, version"
_PG_TYPES = ["int4", "timestamptz", "int2", "int4", "int2", "int2"]


@dataclass(frozen=True, slots=True)
class Inputs:
    """One batch in every shape a variant starts from; preparing them is not timed."""

    rows: list[ValidRow]
    csv: bytes
    readings: list[Reading]
    raw_rows: list[tuple[Any, ...]]


Variant = Callable[[Session, Inputs], object]


def _copy(session: Session, inputs: Inputs) -> None:
    statement = f"COPY meter_values ({_COLUMNS}) FROM STDIN (FORMAT BINARY)"
    with driver_connection(session).cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(_PG_TYPES)
        for row in inputs.raw_rows:
            copy.write_row(row)


def _executemany(session: Session, inputs: Inputs) -> None:
    cursor = driver_connection(session).cursor()
    try:
        cursor.executemany(
            f"INSERT INTO meter_values ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", inputs.raw_rows
        )
    finally:
        cursor.close()


def _app_file(session: Session, inputs: Inputs) -> object:
    return ingest_file(session, data=inputs.csv, file_format=FileFormat.CSV, now=NOW)


def _app_readings(session: Session, inputs: Inputs) -> object:
    return ingest_readings(session, readings=inputs.readings, now=NOW)


def _app_store(session: Session, inputs: Inputs) -> object:
    return store_values(session, inputs.rows, now=NOW)


def _raw_rows(db: Database, rows: Sequence[ValidRow]) -> list[tuple[Any, ...]]:
    if db.is_postgres:
        return [(i, datetime.fromtimestamp(s, UTC), m, wh, q, 1) for i, s, m, wh, q in rows]
    return [(*row, 1) for row in rows]


def prepare(db: Database) -> Inputs:
    meters = register_meters(db, INSTALLATIONS)
    with db.sessions() as session:  # a grid company has the day-ahead prices before the values:
        # the app prices each day as it stores it (ADR 0022)
        end = FIRST + timedelta(days=DAYS)
        price_store.insert_new(session, demo_prices(FIRST, end, seed=3), now=NOW)
        session.commit()
    rows = quarter_hours(meters, FIRST, DAYS)
    data = to_csv(rows, meters)
    return Inputs(rows, data, parse_csv(data).readings, _raw_rows(db, rows))


def run_once(db: Database, variant: Variant, inputs: Inputs) -> float:
    """Seconds to run ``variant`` into an empty store and commit; checks every row arrived."""
    empty_meter_tables(db)
    with db.sessions() as session:
        began = time.perf_counter()
        variant(session, inputs)
        session.commit()
        elapsed = time.perf_counter() - began
    stored = count_values(db)
    if stored != len(inputs.rows):
        raise RuntimeError(f"{variant.__name__} stored {stored} of {len(inputs.rows)} values")
    return elapsed


def best_times(db: Database, variants: dict[str, Variant], inputs: Inputs) -> dict[str, float]:
    """Best of ``REPEATS`` per variant; the variants take turns so drift hits them alike."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(REPEATS):
        for name, variant in variants.items():
            times[name].append(run_once(db, variant, inputs))
    empty_meter_tables(db)
    return {name: min(values) for name, values in times.items()}


def _report(db: Database, best: dict[str, float], values: int) -> None:
    name = f"ingest_{db.name}"
    raw = best["raw"]
    note(f"{name}: {values} values, best of {REPEATS}; raw {values / raw:,.0f} values/s")
    for variant, label in (("readings", "ingest_readings"), ("store", "store_values alone")):
        rate = values / best[variant]
        note(f"{name} {label}: ratio={raw / best[variant]:.3f} ({rate:,.0f} values/s)")
    app = best["file"]
    shares = {
        "parse": app - best["readings"],
        "validate": best["readings"] - best["store"],
        "store": best["store"],
    }
    note(f"{name} app time: " + ", ".join(f"{k} {v / app:.0%}" for k, v in shares.items()))
    note(f"{name} ingest_file: {values / app:,.0f} values/s")
    figure(name, raw / app, GOAL)


def run(db: Database) -> None:
    inputs = prepare(db)
    raw: Variant = _copy if db.is_postgres else _executemany
    variants = {"raw": raw, "file": _app_file, "readings": _app_readings, "store": _app_store}
    with frozen_heap():
        best = best_times(db, variants, inputs)
    _report(db, best, len(inputs.rows))

"""History: hand-written SQL latency ÷ app latency for 3 years of quarter-hours by day/week/month.

The app (``read_series``) reads the daily rollup; the baseline is a plain GROUP BY over the raw
values of the installation, in Europe/Stockholm local time.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.orm import Session

from bench.common import Database, empty_meter_tables, figure, note, timed
from bench.dataset import NOW, quarter_hours, register_meters
from elkund.core.localtime import STOCKHOLM, local_midnight, to_epoch
from elkund.core.types import UtcTimestamp
from elkund.metering.domain import Resolution
from elkund.metering.reading import read_series
from elkund.metering.repository import store_values

GOAL = 1.0
FIRST = date(2022, 1, 1)
END = date(2025, 1, 1)
RUNS = 9
RESOLUTIONS = {Resolution.P1D: "day", Resolution.P1W: "week", Resolution.P1M: "month"}
_SQLITE_BUCKETS = {
    "day": "date({local}, 'unixepoch')",
    "week": "date({local}, 'unixepoch', '-6 days', 'weekday 1')",  # the ISO week's Monday
    "month": "date({local}, 'unixepoch', 'start of month')",
}


def load(db: Database) -> int:
    """One installation's 3 years, stored by the app so the daily rollup exists; its id."""
    empty_meter_tables(db)
    (meter,) = register_meters(db, 1)
    rows = quarter_hours([meter], FIRST, (END - FIRST).days, seed=2)
    with db.sessions() as session:
        store_values(session, rows, now=NOW)
        session.commit()
    note(f"history_{db.name}: {len(rows)} values of one installation, {FIRST} to {END}")
    return meter.id


def _utc_offsets(begin: int, end: int) -> list[tuple[int, int]]:
    """(first epoch, offset seconds) of each stretch of one Stockholm UTC offset in [begin, end)."""
    stretches: list[tuple[int, int]] = []
    for hour in range(begin, end, 3600):
        offset = datetime.fromtimestamp(hour, STOCKHOLM).utcoffset()
        assert offset is not None
        seconds = int(offset.total_seconds())
        if not stretches or stretches[-1][1] != seconds:
            stretches.append((hour, seconds))
    return stretches


def _sqlite_offset(begin: int, end: int) -> str:
    """A CASE giving Stockholm's UTC offset of ``start``; exact inside [begin, end)."""
    stretches = _utc_offsets(begin, end)
    cases = " ".join(
        f"WHEN start < {following} THEN {offset}"
        for (_, offset), (following, _) in itertools.pairwise(stretches)
    )
    return f"(CASE {cases} ELSE {stretches[-1][1]} END)"


def bucket_sql(db: Database, unit: str, first: date = FIRST, end: date = END) -> str:
    """The local ``unit`` (day, week, month) of ``start`` in SQL; on SQLite exact for the local
    dates [first, end) only."""
    if db.is_postgres:
        return f"date_trunc('{unit}', start AT TIME ZONE 'Europe/Stockholm')"
    bounds = to_epoch(local_midnight(first)), to_epoch(local_midnight(end))
    return _SQLITE_BUCKETS[unit].format(local=f"start + {_sqlite_offset(*bounds)}")


def baseline_query(db: Database, unit: str) -> TextClause:
    return text(
        f"SELECT {bucket_sql(db, unit)} AS bucket, SUM(wh) FROM meter_values"
        " WHERE installation_id = :installation_id AND start >= :start AND start < :end"
        " GROUP BY bucket ORDER BY bucket"
    ).bindparams(bindparam("start", type_=UtcTimestamp()), bindparam("end", type_=UtcTimestamp()))


def _app_call(session: Session, installation_id: int, resolution: Resolution) -> Callable[[], Any]:
    def call() -> Any:
        return read_series(
            session,
            installation_id=installation_id,
            metered=Resolution.PT15M,
            first=FIRST,
            end=END,
            resolution=resolution,
        )

    return call


def _sql_call(session: Session, db: Database, installation_id: int, unit: str) -> Callable[[], Any]:
    statement = baseline_query(db, unit)
    parameters = {
        "installation_id": installation_id,
        "start": local_midnight(FIRST),
        "end": local_midnight(END),
    }

    def call() -> Any:
        return session.execute(statement, parameters).all()

    return call


def _medians(app: Callable[[], Any], sql: Callable[[], Any]) -> tuple[float, float]:
    """Median seconds of ``RUNS`` calls each, after one warm-up, taking turns."""
    app(), sql()
    pairs = [(timed(app), timed(sql)) for _ in range(RUNS)]
    return statistics.median(a for a, _ in pairs), statistics.median(s for _, s in pairs)


def as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(value)


def check_day_totals(session: Session, db: Database, installation_id: int) -> None:
    app = _app_call(session, installation_id, Resolution.P1D)()
    app_days = {bucket.start.date(): bucket.wh for bucket in app.buckets}
    sql_days = {as_date(b): int(wh) for b, wh in _sql_call(session, db, installation_id, "day")()}
    verdict = "equal" if app_days == sql_days else "DIFFERENT"
    total = sum(app_days.values())
    note(f"history_{db.name}: app and SQL day totals {verdict} ({len(app_days)} days, {total} Wh)")


def run(db: Database) -> None:
    installation_id = load(db)
    name = f"history_{db.name}"
    if not db.is_postgres:
        note(f"{name}: SQL local dates via date(start + offset, 'unixepoch'), the offset a CASE")
        note(f"{name}: over the period's DST changes (exact for this period, not in general)")
    totals = [0.0, 0.0]
    with db.sessions() as session:
        check_day_totals(session, db, installation_id)
        for resolution, unit in RESOLUTIONS.items():
            app = _app_call(session, installation_id, resolution)
            app_s, sql_s = _medians(app, _sql_call(session, db, installation_id, unit))
            totals[0], totals[1] = totals[0] + app_s, totals[1] + sql_s
            note(f"{name} {unit}: ratio={sql_s / app_s:.3f} (median of {RUNS})")
    figure(name, totals[1] / totals[0], GOAL)
    empty_meter_tables(db)

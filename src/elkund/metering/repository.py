"""All SQL of the meter-value domain."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, bindparam, select, text
from sqlalchemy.orm import Session

from elkund.core.bulk import (
    INTEGRITY_ERRORS,
    create_stage,
    driver_connection,
    epoch_to_timestamp,
    load_stage,
    timestamp_to_epoch,
)
from elkund.core.db import is_postgres
from elkund.core.localtime import from_epoch, local_day_bounds, to_epoch
from elkund.core.types import UtcTimestamp
from elkund.grid.models import Installation
from elkund.metering.day_costs import COST_LIMIT, batch_costs, refresh_costs
from elkund.metering.localdays import day_number
from elkund.metering.rollup import Batch
from elkund.metering.validation import InstallationLimits, ValidRow

_STAGE = "meter_value_stage"
_STAGE_COLUMNS = (
    ("installation_id", "int4"),
    ("start", "int8"),
    ("resolution", "int2"),
    ("wh", "int4"),
    ("quality", "int2"),
    ("day", "int4"),
)
_DAYS = "meter_value_stage_days"
_DAYS_COLUMNS = (
    ("installation_id", "int4"),
    ("day", "int4"),
    ("day_start", "int8"),
    ("day_end", "int8"),
)
_MISSING = 2
_ESTIMATED = 1
_SAME_PRICES = "meter_value_days.prices_version = excluded.prices_version"
_PG_EPOCH = 946_684_800  # 2000-01-01T00:00:00Z, PostgreSQL's epoch for binary timestamps


@dataclass(frozen=True, slots=True)
class StoreCounts:
    inserted: int
    corrected: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class DayRollup:
    local_date: date
    wh: int
    minutes_present: int
    estimated_count: int
    missing_count: int


def installation_limits(
    session: Session, installation_ids: Iterable[str], *, fuse_factor: float
) -> dict[str, InstallationLimits]:
    wanted = set(installation_ids)
    if not wanted:
        return {}
    query = select(
        Installation.gsrn, Installation.id, Installation.resolution, Installation.fuse_amperes
    ).where(Installation.gsrn.in_(bindparam("ids", expanding=True)))
    minutes = {"PT15M": 15, "PT1H": 60}
    return {
        gsrn: InstallationLimits.for_fuse(
            id=id_, minutes=minutes[resolution], fuse_amperes=fuse, factor=fuse_factor
        )
        for gsrn, id_, resolution, fuse in session.execute(query, {"ids": sorted(wanted)})
    }


def store_values(
    session: Session, rows: Sequence[ValidRow], *, now: datetime, batch: Batch | None = None
) -> StoreCounts:
    """Merge rows into the store: new intervals inserted, changed ones versioned, same ones left be.

    Values new to the store are written straight in; otherwise rows go through a staging table so
    that comparing, versioning and upserting are set operations. ``batch`` is the same rows as
    columns, if the caller has them already.
    """
    if not rows:
        return StoreCounts(0, 0, 0)
    batch = batch or Batch.of(rows)
    if not _any_stored(session, batch):
        try:
            with session.begin_nested():
                _insert_new(session, rows)
                _add_to_days(session, batch, now)
            return StoreCounts(len(rows), 0, 0)
        except INTEGRITY_ERRORS:
            pass  # a concurrent import stored some of these first: merge instead
    create_stage(session, _STAGE, _STAGE_COLUMNS)
    load_stage(session, _STAGE, _STAGE_COLUMNS, ((*row, day_number(row[1])) for row in rows))
    unchanged = _drop_unchanged(session)
    corrected = _archive_superseded(session, now)
    _upsert_from_stage(session)
    _refresh_days_from_stage(session, now)
    return StoreCounts(len(rows) - unchanged - corrected, corrected, unchanged)


def _any_stored(session: Session, batch: Batch) -> bool:
    """Whether any value is stored in the batch's time span for its installations.

    One span for the whole batch is conservative: a yes only sends the batch down the merge path.
    """
    installations = batch.installations()
    first, last = batch.span()
    statement = text(
        "SELECT 1 FROM meter_values WHERE installation_id IN :ids"
        " AND start >= :first AND start <= :last LIMIT 1"
    ).bindparams(
        bindparam("ids", expanding=True),
        bindparam("first", type_=UtcTimestamp()),
        bindparam("last", type_=UtcTimestamp()),
    )
    for chunk in range(0, len(installations), 1000):
        parameters = {
            "ids": installations[chunk : chunk + 1000],
            "first": from_epoch(first),
            "last": from_epoch(last),
        }
        if session.execute(statement, parameters).first() is not None:
            return True
    return False


def _insert_new(session: Session, rows: Sequence[ValidRow]) -> None:
    """Write rows known to be new straight into ``meter_values``: COPY or executemany."""
    raw = driver_connection(session)
    columns = "installation_id, start, resolution, wh, quality, version"
    if not is_postgres(session):
        cursor = raw.cursor()
        try:
            cursor.executemany(
                f"INSERT INTO meter_values ({columns}) VALUES (?, ?, ?, ?, ?, 1)", rows
            )
        finally:
            cursor.close()
        return
    statement = f"COPY meter_values ({columns}) FROM STDIN (FORMAT BINARY)"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(["int4", "int8", "int2", "int4", "int2", "int2"])
        for installation_id, start, minutes, wh, quality in rows:
            # timestamptz travels in binary COPY as int8 microseconds since 2000-01-01 UTC;
            # writing that directly spares building a datetime for every value.
            copy.write_row(
                (installation_id, (start - _PG_EPOCH) * 1_000_000, minutes, wh, quality, 1)
            )


def _add_to_days(session: Session, batch: Batch, now: datetime) -> None:
    """Add new values to their days' rollups (correct only because none of them existed before),
    with their priced sums (``day_costs``): a day's two parts add up only when both were priced
    at the same version of the day's prices."""
    groups = batch.day_groups()
    costs = batch_costs(session, batch.columns, groups)
    statement = text(
        "INSERT INTO meter_value_days (installation_id, local_date, wh, minutes_present,"
        " estimated_count, missing_count, changed_at, cost, prices_version)"
        " VALUES (:installation_id, :local_date, :wh, :minutes, :estimated, :missing, :now,"
        " :cost, :prices_version)"
        " ON CONFLICT (installation_id, local_date) DO UPDATE SET"
        " wh = meter_value_days.wh + excluded.wh,"
        " minutes_present = meter_value_days.minutes_present + excluded.minutes_present,"
        " estimated_count = meter_value_days.estimated_count + excluded.estimated_count,"
        " missing_count = meter_value_days.missing_count + excluded.missing_count,"
        " changed_at = excluded.changed_at,"
        f" cost = CASE WHEN {_SAME_PRICES} AND abs(meter_value_days.cost) < {COST_LIMIT}"
        f" AND abs(excluded.cost) < {COST_LIMIT}"
        " THEN meter_value_days.cost + excluded.cost END,"
        f" prices_version = CASE WHEN {_SAME_PRICES} THEN excluded.prices_version END"
    ).bindparams(bindparam("local_date", type_=Date()), bindparam("now", type_=UtcTimestamp()))
    rows = []
    for installation_id, day, wh, minutes, estimated, missing in batch.day_sums(groups):
        cost, version = costs[installation_id, day]
        rows.append(
            {
                "installation_id": installation_id,
                "local_date": date.fromordinal(day),
                "wh": wh,
                "minutes": minutes,
                "estimated": estimated,
                "missing": missing,
                "now": now,
                "cost": cost,
                "prices_version": version,
            }
        )
    session.execute(statement, rows)


def _drop_unchanged(session: Session) -> int:
    start = epoch_to_timestamp(session, "s.start")
    result = session.execute(
        text(
            f"DELETE FROM {_STAGE} AS s WHERE EXISTS (SELECT 1 FROM meter_values m"
            f" WHERE m.installation_id = s.installation_id AND m.start = {start}"
            " AND m.wh = s.wh AND m.quality = s.quality AND m.resolution = s.resolution)"
        )
        if is_postgres(session)
        else text(
            f"DELETE FROM {_STAGE} WHERE EXISTS (SELECT 1 FROM meter_values m"
            f" WHERE m.installation_id = {_STAGE}.installation_id AND m.start = {_STAGE}.start"
            f" AND m.wh = {_STAGE}.wh AND m.quality = {_STAGE}.quality"
            f" AND m.resolution = {_STAGE}.resolution)"
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _archive_superseded(session: Session, now: datetime) -> int:
    start = epoch_to_timestamp(session, "s.start")
    statement = text(
        "INSERT INTO meter_value_revisions"
        " (installation_id, start, version, resolution, wh, quality, superseded_at)"
        " SELECT m.installation_id, m.start, m.version, m.resolution, m.wh, m.quality, :now"
        f" FROM {_STAGE} s JOIN meter_values m"
        f" ON m.installation_id = s.installation_id AND m.start = {start}"
    ).bindparams(bindparam("now", type_=UtcTimestamp()))
    return int(session.execute(statement, {"now": now}).rowcount)  # type: ignore[attr-defined]


def _upsert_from_stage(session: Session) -> None:
    start = epoch_to_timestamp(session, "start")
    session.execute(
        text(
            "INSERT INTO meter_values (installation_id, start, resolution, wh, quality, version)"
            f" SELECT installation_id, {start}, resolution, wh, quality, 1 FROM {_STAGE} WHERE true"
            " ON CONFLICT (installation_id, start) DO UPDATE SET resolution = excluded.resolution,"
            " wh = excluded.wh, quality = excluded.quality, version = meter_values.version + 1"
        )
    )


def _refresh_days_from_stage(session: Session, now: datetime) -> None:
    affected = session.execute(text(f"SELECT DISTINCT installation_id, day FROM {_STAGE}")).all()
    refresh_days(session, [(int(i), date.fromordinal(int(d))) for i, d in affected], now=now)


def refresh_days(session: Session, days: Sequence[tuple[int, date]], *, now: datetime) -> None:
    """Recompute the daily rollup of these (installation, local date) pairs from stored values,
    their priced sums included."""
    if not days:
        return
    create_stage(session, _DAYS, _DAYS_COLUMNS)
    load_stage(session, _DAYS, _DAYS_COLUMNS, (_day_row(i, d) for i, d in days))
    day_start = epoch_to_timestamp(session, "d.day_start")
    day_end = epoch_to_timestamp(session, "d.day_end")
    statement = text(
        "INSERT INTO meter_value_days (installation_id, local_date, wh, minutes_present,"
        " estimated_count, missing_count, changed_at)"
        f" SELECT d.installation_id, {_ordinal_to_date(session, 'd.day')},"
        f" SUM(CASE WHEN m.quality <> {_MISSING} THEN m.wh ELSE 0 END),"
        f" SUM(CASE WHEN m.quality <> {_MISSING} THEN m.resolution ELSE 0 END),"
        f" SUM(CASE WHEN m.quality = {_ESTIMATED} THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN m.quality = {_MISSING} THEN 1 ELSE 0 END), :now"
        f" FROM {_DAYS} d JOIN meter_values m ON m.installation_id = d.installation_id"
        f" AND m.start >= {day_start} AND m.start < {day_end}"
        " GROUP BY d.installation_id, d.day"
        " ON CONFLICT (installation_id, local_date) DO UPDATE SET wh = excluded.wh,"
        " minutes_present = excluded.minutes_present, estimated_count = excluded.estimated_count,"
        " missing_count = excluded.missing_count, changed_at = excluded.changed_at,"
        " cost = NULL, prices_version = NULL"
    ).bindparams(bindparam("now", type_=UtcTimestamp()))
    session.execute(statement, {"now": now})
    refresh_costs(session, days)


def _day_row(installation_id: int, day: date) -> tuple[int, int, int, int]:
    start, end = local_day_bounds(day)
    return (installation_id, day.toordinal(), to_epoch(start), to_epoch(end))


def _ordinal_to_date(session: Session, expression: str) -> str:
    # Proleptic Gregorian ordinal (Python's date.toordinal) to the dialect's stored date.
    if is_postgres(session):
        return f"(DATE '0001-01-01' + ({expression} - 1))"
    return f"date('0001-01-01', ({expression} - 1) || ' days')"


def fetch_values(
    session: Session, *, installation_id: int, start: datetime, end: datetime
) -> list[tuple[int, int, int, int]]:
    """Current values in [start, end): (epoch start, minutes, Wh, quality), oldest first."""
    epoch = timestamp_to_epoch(session, "start")
    statement = text(
        f"SELECT {epoch}, resolution, wh, quality FROM meter_values"
        " WHERE installation_id = :installation_id AND start >= :start AND start < :end"
        " ORDER BY start"
    ).bindparams(bindparam("start", type_=UtcTimestamp()), bindparam("end", type_=UtcTimestamp()))
    parameters = {"installation_id": installation_id, "start": start, "end": end}
    return [
        (int(s), int(m), int(w), int(q)) for s, m, w, q in session.execute(statement, parameters)
    ]


def fetch_days(
    session: Session, *, installation_id: int, first: date, end: date
) -> list[DayRollup]:
    """Daily rollups for local dates in [first, end), oldest first."""
    statement = text(
        "SELECT local_date, wh, minutes_present, estimated_count, missing_count"
        " FROM meter_value_days WHERE installation_id = :installation_id"
        " AND local_date >= :first AND local_date < :end ORDER BY local_date"
    )
    parameters = {"installation_id": installation_id, "first": first, "end": end}
    return [
        DayRollup(_as_date(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]))
        for row in session.execute(statement, parameters)
    ]


_DAYS_VERSION = text(
    "SELECT count(*), max(changed_at), sum(wh), sum(minutes_present), sum(estimated_count),"
    " sum(missing_count) FROM meter_value_days WHERE installation_id = :installation_id"
    " AND local_date >= :first AND local_date < :end"
)


def days_version(
    session: Session, *, installation_id: int, first: date, end: date
) -> tuple[int, ...]:
    """What changes whenever a value of the local dates [first, end) is stored or corrected:
    the rollups' latest change, their number and their sums (the rollup is rewritten in the same
    transaction as the values, so this is a cheap version of the values themselves)."""
    parameters = {"installation_id": installation_id, "first": first, "end": end}
    row = session.execute(_DAYS_VERSION, parameters).one()
    return tuple(_version_part(value) for value in row)


def _version_part(value: object) -> int:
    if value is None:
        return -1
    if isinstance(value, datetime):
        return int(value.timestamp() * 1_000_000)
    if isinstance(value, int | Decimal):  # sums are Decimal on PostgreSQL
        return int(value)
    raise TypeError(f"unexpected version part {value!r}")


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def fetch_revisions(
    session: Session, *, installation_id: int, start: datetime
) -> list[tuple[int, int, int]]:
    """Superseded versions of one interval: (version, Wh, quality), oldest first."""
    statement = text(
        "SELECT version, wh, quality FROM meter_value_revisions"
        " WHERE installation_id = :installation_id AND start = :start ORDER BY version"
    ).bindparams(bindparam("start", type_=UtcTimestamp()))
    rows = session.execute(statement, {"installation_id": installation_id, "start": start})
    return [(int(v), int(w), int(q)) for v, w, q in rows]

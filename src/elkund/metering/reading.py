"""The read API used by the portal and the ESCO API: values and aggregates for one installation.

Days and longer read the daily rollup, never raw values; quarter-hours and hours read raw values.
Every bucket says whether it is complete, contains estimated values, or misses some.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from elkund.core.localtime import STOCKHOLM, local_midnight, to_epoch
from elkund.metering import repository
from elkund.metering.domain import (
    AggregateQuality,
    Bucket,
    Quality,
    Resolution,
    bucket_start,
    combine_quality,
    minutes_between,
    next_bucket,
)
from elkund.metering.errors import InvalidPeriod, ResolutionTooFine


@dataclass(frozen=True, slots=True)
class MeterReading:
    start: datetime  # UTC
    resolution: Resolution
    wh: int
    quality: Quality


@dataclass(frozen=True, slots=True)
class Series:
    resolution: Resolution
    start: datetime  # local
    end: datetime
    buckets: list[Bucket]

    @property
    def total_wh(self) -> int:
        return sum(bucket.wh for bucket in self.buckets)

    @property
    def quality(self) -> AggregateQuality:
        qualities = {bucket.quality for bucket in self.buckets}
        for worst in (AggregateQuality.MISSING, AggregateQuality.ESTIMATED):
            if worst in qualities:
                return worst
        return AggregateQuality.COMPLETE


def read_values(
    session: Session, *, installation_id: int, start: datetime, end: datetime
) -> list[MeterReading]:
    """The current version of every stored value in [start, end)."""
    _check_order(start, end)
    rows = repository.fetch_values(session, installation_id=installation_id, start=start, end=end)
    return [
        MeterReading(datetime.fromtimestamp(s, UTC), Resolution.from_minutes(m), wh, Quality(q))
        for s, m, wh, q in rows
    ]


def read_series(
    session: Session,
    *,
    installation_id: int,
    metered: Resolution,
    first: date,
    end: date,
    resolution: Resolution,
) -> Series:
    """Aggregates over the local dates [first, end) at ``resolution``.

    ``metered`` is the resolution the installation's meter gives; asking for finer is an error.
    """
    if end <= first:
        raise InvalidPeriod("The period must end after it starts.")
    if resolution.is_metered:
        if resolution.minutes < metered.minutes:
            raise ResolutionTooFine(
                f"This meter gives {metered.value} values, not {resolution.value}."
            )
        buckets = list(_interval_buckets(session, installation_id, first, end, resolution.minutes))
    else:
        days = repository.fetch_days(session, installation_id=installation_id, first=first, end=end)
        buckets = list(_calendar_buckets(days, first, end, resolution))
    return Series(resolution, _local(local_midnight(first)), _local(local_midnight(end)), buckets)


def _interval_buckets(
    session: Session, installation_id: int, first: date, end: date, minutes: int
) -> Iterator[Bucket]:
    start_utc, end_utc = local_midnight(first), local_midnight(end)
    rows = repository.fetch_values(
        session, installation_id=installation_id, start=start_utc, end=end_utc
    )
    step = minutes * 60
    sums: dict[int, list[int]] = {}
    for epoch, value_minutes, wh, quality in rows:
        acc = sums.setdefault(epoch - epoch % step, [0, 0, 0])
        if quality != Quality.MISSING:
            acc[0] += wh
            acc[1] += value_minutes
        acc[2] += quality == Quality.ESTIMATED
    for epoch in range(to_epoch(start_utc), to_epoch(end_utc), step):
        wh, present, estimated = sums.get(epoch, (0, 0, 0))
        grade = combine_quality(
            expected_minutes=minutes, minutes_present=present, estimated=estimated
        )
        start = datetime.fromtimestamp(epoch, STOCKHOLM)
        yield Bucket(start, datetime.fromtimestamp(epoch + step, STOCKHOLM), wh, grade)


def _calendar_buckets(
    days: list[repository.DayRollup], first: date, end: date, resolution: Resolution
) -> Iterator[Bucket]:
    by_date = {day.local_date: day for day in days}
    start = bucket_start(first, resolution)
    while start < end:
        stop = next_bucket(start, resolution)
        lo, hi = max(start, first), min(stop, end)
        inside = [by_date[d] for d in _dates(lo, hi) if d in by_date]
        quality = combine_quality(
            expected_minutes=minutes_between(lo, hi),
            minutes_present=sum(day.minutes_present for day in inside),
            estimated=sum(day.estimated_count for day in inside),
        )
        wh = sum(day.wh for day in inside)
        yield Bucket(_local(local_midnight(lo)), _local(local_midnight(hi)), wh, quality)
        start = stop


def _dates(first: date, end: date) -> Iterator[date]:
    for ordinal in range(first.toordinal(), end.toordinal()):
        yield date.fromordinal(ordinal)


def _local(instant: datetime) -> datetime:
    return instant.astimezone(STOCKHOLM)


def _check_order(start: datetime, end: datetime) -> None:
    if end <= start:
        raise InvalidPeriod("The period must end after it starts.")

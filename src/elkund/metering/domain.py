"""Pure meter-value logic: resolutions, quality codes and local-time buckets. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import IntEnum, StrEnum

from elkund.core.localtime import local_midnight


class Quality(IntEnum):
    MEASURED = 0
    ESTIMATED = 1
    MISSING = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Quality:
        return cls[label.strip().upper()]


class Resolution(StrEnum):
    """ISO 8601 durations; the first two are what meters give, the rest are aggregates."""

    PT15M = "PT15M"
    PT1H = "PT1H"
    P1D = "P1D"
    P1W = "P1W"
    P1M = "P1M"
    P1Y = "P1Y"

    @property
    def is_metered(self) -> bool:
        return self in (Resolution.PT15M, Resolution.PT1H)

    @property
    def minutes(self) -> int:
        """Minutes of a metered resolution."""
        return METERED_MINUTES[self]

    @classmethod
    def from_minutes(cls, minutes: int) -> Resolution:
        return {15: cls.PT15M, 60: cls.PT1H}[minutes]


METERED_MINUTES = {Resolution.PT15M: 15, Resolution.PT1H: 60}


class AggregateQuality(StrEnum):
    COMPLETE = "complete"
    ESTIMATED = "contains_estimated"
    MISSING = "missing"


def combine_quality(
    *, expected_minutes: int, minutes_present: int, estimated: int
) -> AggregateQuality:
    if minutes_present < expected_minutes:
        return AggregateQuality.MISSING
    if estimated:
        return AggregateQuality.ESTIMATED
    return AggregateQuality.COMPLETE


def bucket_start(day: date, resolution: Resolution) -> date:
    """The first local date of the P1D/P1W/P1M/P1Y bucket that ``day`` belongs to."""
    if resolution is Resolution.P1D:
        return day
    if resolution is Resolution.P1W:
        return day - timedelta(days=day.isoweekday() - 1)
    if resolution is Resolution.P1M:
        return day.replace(day=1)
    if resolution is Resolution.P1Y:
        return day.replace(month=1, day=1)
    raise ValueError(f"{resolution} is not a calendar resolution")


def next_bucket(start: date, resolution: Resolution) -> date:
    if resolution is Resolution.P1D:
        return start + timedelta(days=1)
    if resolution is Resolution.P1W:
        return start + timedelta(days=7)
    if resolution is Resolution.P1M:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    if resolution is Resolution.P1Y:
        return start.replace(year=start.year + 1)
    raise ValueError(f"{resolution} is not a calendar resolution")


def minutes_between(first: date, end: date) -> int:
    """Minutes from local midnight of ``first`` to local midnight of ``end`` (DST included)."""
    return int((local_midnight(end) - local_midnight(first)).total_seconds()) // 60


def is_aligned(start: datetime, minutes: int) -> bool:
    """Whether an interval start sits on the resolution's grid (Swedish offsets are whole hours)."""
    return start.second == 0 and start.microsecond == 0 and start.minute % minutes == 0


@dataclass(frozen=True, slots=True)
class Bucket:
    """One aggregated interval of a series, in local time."""

    start: datetime  # aware, Europe/Stockholm
    end: datetime
    wh: int
    quality: AggregateQuality

    @property
    def kwh(self) -> float:
        return self.wh / 1000

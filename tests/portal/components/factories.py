"""Series built directly from ``metering.reading.Series``/``Bucket``, without a database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from elkund.core.localtime import STOCKHOLM, local_midnight
from elkund.metering.domain import AggregateQuality, Bucket, Resolution, next_bucket
from elkund.metering.reading import Series

COMPLETE = AggregateQuality.COMPLETE
ESTIMATED = AggregateQuality.ESTIMATED
MISSING = AggregateQuality.MISSING


def hourly_series(
    day: date, wh: Sequence[int], qualities: Sequence[AggregateQuality] | None = None
) -> Series:
    """``len(wh)`` hours from local midnight of ``day``, stepping in UTC (DST days included)."""
    start = local_midnight(day)
    buckets = [
        Bucket(
            (start + timedelta(hours=index)).astimezone(STOCKHOLM),
            (start + timedelta(hours=index + 1)).astimezone(STOCKHOLM),
            value,
            qualities[index] if qualities else COMPLETE,
        )
        for index, value in enumerate(wh)
    ]
    end = start + timedelta(hours=len(wh))
    return Series(Resolution.PT1H, start.astimezone(STOCKHOLM), end.astimezone(STOCKHOLM), buckets)


def calendar_series(
    first: date,
    wh: Sequence[int],
    qualities: Sequence[AggregateQuality] | None = None,
    *,
    resolution: Resolution = Resolution.P1D,
) -> Series:
    """``len(wh)`` whole calendar buckets from ``first`` (which must start one)."""
    buckets = []
    start = first
    for index, value in enumerate(wh):
        stop = next_bucket(start, resolution)
        buckets.append(
            Bucket(
                local_midnight(start).astimezone(STOCKHOLM),
                local_midnight(stop).astimezone(STOCKHOLM),
                value,
                qualities[index] if qualities else COMPLETE,
            )
        )
        start = stop
    return Series(
        resolution,
        local_midnight(first).astimezone(STOCKHOLM),
        local_midnight(start).astimezone(STOCKHOLM),
        buckets,
    )

"""Local (Europe/Stockholm) time, used only at the edges; storage is UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=16_384)  # pure, and history views ask for the same days again and again
def local_midnight(day: date) -> datetime:
    """The UTC instant at which ``day`` starts in Stockholm."""
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """UTC start and end of a local day: 23, 24 or 25 hours apart."""
    return local_midnight(day), local_midnight(day + timedelta(days=1))


def local_date(instant: datetime) -> date:
    return instant.astimezone(STOCKHOLM).date()


def day_minutes(day: date) -> int:
    start, end = local_day_bounds(day)
    return int((end - start).total_seconds()) // 60


def to_epoch(instant: datetime) -> int:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: every instant must carry a time zone")
    return int(instant.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)

"""Building meter-value files for tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from elkund.core.localtime import local_day_bounds

NOW = datetime(2026, 1, 1, tzinfo=UTC)
HEADER = "installation_id,start,resolution,energy_wh,quality"


def quarter_hours(first: date, end: date) -> list[datetime]:
    """Every UTC quarter-hour start of the local days [first, end)."""
    start, _ = local_day_bounds(first)
    stop, _ = local_day_bounds(end)
    steps = int((stop - start).total_seconds()) // 900
    return [start + timedelta(minutes=15 * i) for i in range(steps)]


def csv_file(rows: Iterable[tuple[str, str, str, object, str]], header: str = HEADER) -> bytes:
    lines = [header, *(",".join(str(field) for field in row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def day_file(gsrn: str, first: date, end: date, wh: int = 100, quality: str = "measured") -> bytes:
    return csv_file((gsrn, iso(t), "PT15M", wh, quality) for t in quarter_hours(first, end))

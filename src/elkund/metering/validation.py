"""Row-by-row validation of incoming meter values. Pure: the caller supplies installations and now.

Each bad row becomes a ``Rejection`` with its line and a stable code; good rows become compact
tuples ready for bulk storage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from elkund.metering.domain import Quality
from elkund.metering.errors import RejectCode

# (installation id, interval start as epoch seconds, minutes, Wh, quality)
ValidRow = tuple[int, int, int, int, int]

# What the formats accept, strictly: no "+7", no "1_000", no offsets like +00:75.
_ISO_START = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:[0-5]\d)$"
)
_WHOLE = re.compile(r"^-?[0-9]+$")
_DECIMAL = re.compile(r"^(-?)([0-9]+)(?:[.,]([0-9]{1,3}))?$")
EARLIEST_YEAR = 2000  # no remote-read meter values exist from before; older dates are typos

_RESOLUTION_MINUTES = {"PT15M": 15, "PT1H": 60, "PT60M": 60}
_QUALITIES = {q.label: int(q) for q in Quality}
# Three-phase 400 V: power in W per ampere of main fuse.
_WATTS_PER_AMPERE = 692.8


class Reading(NamedTuple):
    """One row as it arrived, before validation. ``energy`` is Wh or kWh as ``unit`` says.

    A named tuple, not a dataclass: files have millions of rows and tuples are cheapest to make.
    """

    line: int
    installation_id: str
    start: str
    resolution: str
    energy: str | int | float
    quality: str = "measured"
    unit: str = "wh"


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class InstallationLimits:
    id: int
    minutes: int  # the resolution the meter gives
    max_wh_per_hour: int  # above this an interval's energy is implausible

    @classmethod
    def for_fuse(
        cls, *, id: int, minutes: int, fuse_amperes: int, factor: float
    ) -> InstallationLimits:
        return cls(
            id=id, minutes=minutes, max_wh_per_hour=int(fuse_amperes * _WATTS_PER_AMPERE * factor)
        )


class RowRejected(Exception):
    def __init__(self, code: str, detail: str) -> None:
        self.code, self.detail = code, detail


def validate_readings(
    readings: Iterable[Reading],
    installations: Mapping[str, InstallationLimits],
    *,
    now: datetime,
) -> tuple[list[ValidRow], list[Rejection]]:
    """Split readings into storable rows and rejections; for a repeated interval, keep the first.

    The loop first tries a fast check that accepts the common, clean row (cached start times, Wh
    as plain digits); anything else goes through ``check_reading``, which says what is wrong.
    """
    now_epoch = int(now.timestamp())
    starts: dict[str, int] = {}
    good: list[ValidRow] = []
    rejected: list[Rejection] = []
    first_line: dict[tuple[int, int], int] = {}
    for reading in readings:
        line, gsrn, start_text, resolution, energy, quality_text, unit = reading
        limits = installations.get(gsrn)
        start = starts.get(start_text)
        minutes = _RESOLUTION_MINUTES.get(resolution)
        quality = _QUALITIES.get(quality_text)
        if (
            limits is None
            or start is None
            or minutes != limits.minutes
            or quality is None
            or unit != "wh"
            or not isinstance(energy, str)
            or not energy.isdecimal()
            or start % (minutes * 60)
            or start + minutes * 60 > now_epoch
            or (wh := int(energy)) * 60 > limits.max_wh_per_hour * minutes
        ):
            try:
                row = check_reading(reading, installations, now_epoch, starts)
            except RowRejected as reject:
                rejected.append(Rejection(line, reject.code, reject.detail))
                continue
        else:
            row = (limits.id, start, minutes, wh, quality)
        seen = first_line.setdefault((row[0], row[1]), line)
        if seen != line:
            detail = f"The same installation and interval as line {seen}."
            rejected.append(Rejection(line, RejectCode.DUPLICATE_IN_FILE, detail))
            continue
        good.append(row)
    return good, rejected


def check_reading(
    reading: Reading,
    installations: Mapping[str, InstallationLimits],
    now: int,
    starts: dict[str, int],
) -> ValidRow:
    """Every rule for one reading: its storable row, or ``RowRejected`` with code and detail.

    ``starts`` caches parsed start times across calls (files repeat them per installation).
    """
    _line, gsrn, start_text, resolution, energy, quality_text, unit = reading
    limits = installations.get(gsrn)
    if limits is None:
        raise _unknown_installation(gsrn)
    minutes = _RESOLUTION_MINUTES.get(resolution)
    if minutes is None:
        raise RowRejected(RejectCode.INVALID_RESOLUTION, "Resolution must be PT15M or PT1H.")
    if minutes != limits.minutes:
        detail = f"The meter of this installation gives {limits.minutes}-minute values."
        raise RowRejected(RejectCode.RESOLUTION_MISMATCH, detail)
    start = starts.get(start_text)
    if start is None:
        start = starts[start_text] = _parse_start(start_text)
    if start % (minutes * 60):
        raise RowRejected(
            RejectCode.MISALIGNED_START, f"Start is not on a {minutes}-minute boundary."
        )
    if start + minutes * 60 > now:
        raise RowRejected(RejectCode.FUTURE_INTERVAL, "The interval has not ended yet.")
    wh = _parse_energy(energy, unit)
    if wh < 0:
        raise RowRejected(RejectCode.NEGATIVE_VALUE, "Energy cannot be negative.")
    if wh * 60 > limits.max_wh_per_hour * minutes:
        limit = limits.max_wh_per_hour * minutes // 60
        detail = f"{wh} Wh in {minutes} minutes is more than the main fuse allows ({limit} Wh)."
        raise RowRejected(RejectCode.IMPLAUSIBLE_VALUE, detail)
    quality = _QUALITIES.get(quality_text.strip().lower())
    if quality is None:
        raise RowRejected(
            RejectCode.INVALID_QUALITY, "Quality must be measured, estimated or missing."
        )
    return (limits.id, start, minutes, wh, quality)


def _unknown_installation(installation_id: str) -> RowRejected:
    from elkund.grid.gsrn import InvalidInstallationId, parse_installation_id

    try:
        parse_installation_id(installation_id)
    except InvalidInstallationId as error:
        return RowRejected(RejectCode.INVALID_INSTALLATION_ID, error.detail)
    return RowRejected(
        RejectCode.UNKNOWN_INSTALLATION, "No installation with this ID in this grid."
    )


def _parse_start(text: str) -> int:
    if not _ISO_START.match(text):
        raise RowRejected(
            RejectCode.INVALID_TIMESTAMP,
            "Start must be ISO 8601 with an offset, e.g. 2025-01-01T00:00:00+01:00 or …Z.",
        )
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise RowRejected(
            RejectCode.INVALID_TIMESTAMP, "Start is not a real date and time."
        ) from None
    if start.year < EARLIEST_YEAR:
        raise RowRejected(RejectCode.INVALID_TIMESTAMP, f"Start is before {EARLIEST_YEAR}.")
    if start.microsecond:
        raise RowRejected(RejectCode.MISALIGNED_START, "Start has fractions of a second.")
    return int(start.timestamp())


def _parse_energy(value: str | int | float, unit: str) -> int:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RowRejected(RejectCode.INVALID_VALUE, "Energy must be a number.")
    if unit == "kwh":
        return _kwh_to_wh(value)
    if isinstance(value, float) and not value.is_integer():
        raise RowRejected(RejectCode.INVALID_VALUE, "Energy in Wh must be a whole number.")
    if isinstance(value, str) and not _WHOLE.match(value.strip()):
        raise RowRejected(RejectCode.INVALID_VALUE, "Energy in Wh must be a whole number.")
    return int(value)


def _kwh_to_wh(value: str | int | float) -> int:
    if isinstance(value, int | float):
        wh = round(value * 1000)
        if abs(value * 1000 - wh) > 1e-6:
            raise RowRejected(RejectCode.INVALID_VALUE, "Energy in kWh has at most 3 decimals.")
        return wh
    match = _DECIMAL.match(value.strip())
    if not match:
        raise RowRejected(
            RejectCode.INVALID_VALUE, "Energy in kWh is a number with at most 3 decimals."
        )
    sign, whole, fraction = match.groups()
    wh = int(whole) * 1000 + int((fraction or "").ljust(3, "0"))
    return -wh if sign else wh

"""Pure rules of third-party access: what a request may ask for. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from elkund.grid.models import Direction
from elkund.metering.domain import Resolution


class DataType(StrEnum):
    CONSUMPTION = "consumption"
    PRODUCTION = "production"


# Resolutions an ESCO may ask for, finest first.
REQUESTABLE = (Resolution.PT15M, Resolution.PT1H, Resolution.P1D, Resolution.P1M)
_RANK = {resolution: rank for rank, resolution in enumerate(REQUESTABLE)}


@dataclass(frozen=True, slots=True)
class Limits:
    today: date  # local (Europe/Stockholm)
    max_history_years: int
    max_consent_years: int


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str
    detail: str


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def check_period(*, history_from: date, valid_until: date, limits: Limits) -> Refusal | None:
    earliest = years_before(limits.today, limits.max_history_years)
    latest = years_before(limits.today, -limits.max_consent_years)
    if history_from < earliest:
        return Refusal(
            "history_too_early", f"History can start on {earliest.isoformat()} at the earliest."
        )
    if history_from > limits.today:
        return Refusal("history_in_future", "History cannot start in the future.")
    if valid_until <= limits.today:
        return Refusal("valid_until_in_past", "The consent must end after today.")
    if valid_until > latest:
        return Refusal(
            "valid_until_too_far", f"A consent can last until {latest.isoformat()} at the latest."
        )
    return None


def check_data(
    *, resolution: Resolution, data_types: list[DataType], metered: Resolution, direction: str
) -> Refusal | None:
    if is_finer(resolution, metered):
        return Refusal(
            "resolution_too_fine", f"This meter gives {metered.value} values at the finest."
        )
    available = DataType.PRODUCTION if direction == Direction.PRODUCTION else DataType.CONSUMPTION
    if any(kind != available for kind in data_types):
        return Refusal(
            "data_type_not_available", f"This installation has {available.value} data only."
        )
    return None


def is_finer(resolution: Resolution, than: Resolution) -> bool:
    return _RANK[resolution] < _RANK[than]

"""Demo day-ahead prices for SE1–SE4: a deterministic profile that looks like the Nordic market.

Hourly prices until 30 September 2025, quarter-hour prices from 1 October 2025 (when the day-ahead
market went over to 15-minute products). Levels: the north (SE1, SE2) cheap, the south (SE3, SE4)
dearer and more volatile; winter peaks; a morning and an evening peak each weekday; windy days
with low and, now and then, negative prices. Prices are EUR/MWh with 2 decimals, converted with a
daily SEK/EUR rate of 4 decimals, exactly, as an import of the exchange's prices would be.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt

from elkund.core.localtime import STOCKHOLM, local_midnight, to_epoch
from elkund.supply.price_store import RawPrice

QUARTER_HOURS_FROM = date(2025, 10, 1)
# Mean price (EUR/MWh), seasonal swing and daily-shape amplitude per zone.
_ZONES = {
    "SE1": (32.0, 0.45, 0.10),
    "SE2": (34.0, 0.45, 0.12),
    "SE3": (50.0, 0.55, 0.30),
    "SE4": (66.0, 0.60, 0.38),
}
_FLOOR = -60.0  # EUR/MWh
_SOURCE_FACTOR = 100_000  # EUR cents to EUR/MWh × 10^7
_RATE_FACTOR = 100  # SEK/EUR × 10^4 to × 10^6

Floats = npt.NDArray[np.float64]


def demo_prices(first_day: date, end_day: date, *, seed: int) -> list[RawPrice]:
    """Every zone's prices for the local days [first_day, end_day], ready for bulk insert."""
    starts, minutes = _timeline(first_day, end_day)
    days = ((starts - to_epoch(local_midnight(first_day))) // 86_400).astype(np.int64)
    ndays = int(days.max()) + 1
    rng = np.random.Generator(np.random.PCG64(seed))
    common = _smooth(rng.normal(0.0, 0.35, ndays), 0.7)  # weather shared by every zone
    wind = np.clip(_smooth(rng.normal(0.0, 1.0, ndays), 0.5), 0.0, 2.5)
    rate = np.round((11.2 + 0.35 * np.sin(np.arange(ndays) / 60.0) + rng.normal(0, 0.03, ndays)), 4)
    rate_units = np.rint(rate * 10_000).astype(np.int64)[days]
    hours, weekday, season = _calendar(starts)
    rows: list[RawPrice] = []
    for zone, (mean, swing, shape_amp) in _ZONES.items():
        own = _smooth(rng.normal(0.0, 0.2, ndays), 0.6)
        calm = np.exp(common[days] + own[days] - 0.3 * wind[days])
        level = mean * (1 + swing * season) * calm
        shape = 1 + shape_amp * _daily_shape(hours) * np.where(weekday >= 5, 0.5, 1.0)
        noise = np.exp(rng.normal(0.0, 0.06, len(starts)))
        eur = level * shape * noise - 4.0 * wind[days] ** 2
        # Negative prices happen on windy, low-demand hours, but stay modest.
        cents = np.rint(np.maximum(eur, _FLOOR) * 100).astype(np.int64)
        rows.extend(_rows(zone, starts, minutes, cents, rate_units))
    return rows


def _timeline(
    first_day: date, end_day: date
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """UTC epoch starts and lengths (minutes): hours before the switch, quarter-hours after."""
    start = to_epoch(local_midnight(first_day))
    end = to_epoch(local_midnight(end_day + timedelta(days=1)))
    switch = min(max(to_epoch(local_midnight(QUARTER_HOURS_FROM)), start), end)
    hourly = np.arange(start, switch, 3600, dtype=np.int64)
    quarters = np.arange(switch, end, 900, dtype=np.int64)
    minutes = np.concatenate([np.full(len(hourly), 60), np.full(len(quarters), 15)])
    return np.concatenate([hourly, quarters]), minutes.astype(np.int64)


def _calendar(starts: npt.NDArray[np.int64]) -> tuple[Floats, npt.NDArray[np.int64], Floats]:
    """Local hour of day (fractional), weekday (0 = Monday) and a season term peaking in January."""
    hours_utc, back = np.unique(starts // 3600, return_inverse=True)
    offsets = np.array([_utc_offset(int(h) * 3600) for h in hours_utc], dtype=np.int64)
    local = starts + offsets[back]
    hours = (local % 86_400) / 3600.0
    weekday = ((local // 86_400) + 3) % 7  # 1970-01-01 was a Thursday
    day_of_year = (local % 31_556_952) / 86_400.0
    season = np.cos(2 * np.pi * (day_of_year - 15) / 365.2425)
    return hours, weekday, season


def _utc_offset(epoch: int) -> int:
    offset = datetime.fromtimestamp(epoch, UTC).astimezone(STOCKHOLM).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _daily_shape(hours: Floats) -> Floats:
    morning = np.exp(-(((hours - 8.0) / 1.6) ** 2))
    evening = 1.3 * np.exp(-(((hours - 18.5) / 2.0) ** 2))
    night = 0.8 * np.exp(-(((hours - 3.5) / 2.5) ** 2))
    result: Floats = morning + evening - night
    return result


def _smooth(values: Floats, keep: float) -> Floats:
    """An AR(1) filter: today's weather is much like yesterday's."""
    out = np.empty_like(values)
    previous = 0.0
    for index, value in enumerate(values):
        previous = keep * previous + (1 - keep) * value * 2.0
        out[index] = previous
    return out


def _rows(
    zone: str,
    starts: npt.NDArray[np.int64],
    minutes: npt.NDArray[np.int64],
    cents: npt.NDArray[np.int64],
    rate_units: npt.NDArray[np.int64],
) -> list[RawPrice]:
    ore = (cents * rate_units).tolist()  # c/100 EUR/MWh × r/10^4 SEK/EUR / 10 = c·r / 10^7 öre/kWh
    source = (cents * _SOURCE_FACTOR).tolist()
    rates = (rate_units * _RATE_FACTOR).tolist()
    resolutions = ["PT15M" if m == 15 else "PT60M" for m in minutes.tolist()]
    return [
        (zone, start, resolution, price, src, "EUR", rate)
        for start, resolution, price, src, rate in zip(
            starts.tolist(), resolutions, ore, source, rates, strict=True
        )
    ]

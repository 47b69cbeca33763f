"""Synthetic load and solar profiles for demo installations. Pure numpy, no I/O.

A profile is a product of smooth shapes (season, time of day, weekday) and random noise, scaled so
that a typical year sums to the profile's annual energy. Every function works on whole arrays; the
only Python loops run over days, events or offset changes, never over values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from elkund.core.localtime import STOCKHOLM, from_epoch, local_midnight, to_epoch
from elkund.grid.models import BiddingZone
from elkund.metering.domain import Quality

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_DAY = 86_400
_WEEK = 7 * _DAY
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_HOURS_PER_YEAR = 8766.0
# Three-phase 400 V: √3 · 400 V of power per ampere of main fuse.
WATTS_PER_AMPERE = 692.8
# Below this outdoor temperature (°C) a Swedish home needs heating.
_HEATING_LIMIT_C = 15.0
_FROST_GUARD_C = 5.0


class LoadKind(StrEnum):
    APARTMENT = "apartment"
    HOUSE = "house"
    ELECTRIC_HEATING = "electric_heating"
    COTTAGE = "cottage"
    OFFICE = "office"
    SHOP = "shop"
    SOLAR = "solar"


@dataclass(frozen=True, slots=True)
class Shape:
    heating_share: float  # part of the annual energy that follows heating degree-days
    noise: float  # σ of the lognormal noise of one interval
    day_noise: float  # σ of the lognormal noise shared by one day


# Typical annual energy (kWh) in a normal year in Stockholm's climate (SE3): produced for SOLAR (an
# ~8 kWp roof), consumed for the rest. Colder zones need more heating, warmer ones less.
TYPICAL_KWH: dict[LoadKind, float] = {
    LoadKind.APARTMENT: 2_000,
    LoadKind.HOUSE: 5_000,
    LoadKind.ELECTRIC_HEATING: 20_000,
    LoadKind.COTTAGE: 2_500,
    LoadKind.OFFICE: 45_000,
    LoadKind.SHOP: 70_000,
    LoadKind.SOLAR: 7_000,
}

SHAPES: dict[LoadKind, Shape] = {
    LoadKind.APARTMENT: Shape(heating_share=0.0, noise=0.35, day_noise=0.15),
    LoadKind.HOUSE: Shape(heating_share=0.15, noise=0.35, day_noise=0.12),
    LoadKind.ELECTRIC_HEATING: Shape(heating_share=0.7, noise=0.25, day_noise=0.08),
    LoadKind.COTTAGE: Shape(heating_share=0.35, noise=0.35, day_noise=0.15),
    LoadKind.OFFICE: Shape(heating_share=0.2, noise=0.08, day_noise=0.05),
    LoadKind.SHOP: Shape(heating_share=0.1, noise=0.08, day_noise=0.05),
    LoadKind.SOLAR: Shape(heating_share=0.0, noise=0.12, day_noise=0.0),
}


@dataclass(frozen=True, slots=True)
class Climate:
    mean_c: float  # annual mean temperature
    swing_c: float  # half the difference between July and January
    latitude: float
    longitude: float


# Rough climate of a typical town in each zone (Luleå, Sundsvall, Stockholm, Malmö).
CLIMATES: dict[BiddingZone, Climate] = {
    BiddingZone.SE1: Climate(mean_c=2.5, swing_c=13.0, latitude=65.6, longitude=22.1),
    BiddingZone.SE2: Climate(mean_c=4.5, swing_c=11.0, latitude=62.4, longitude=17.3),
    BiddingZone.SE3: Climate(mean_c=8.0, swing_c=9.75, latitude=59.3, longitude=18.0),
    BiddingZone.SE4: Climate(mean_c=9.0, swing_c=8.5, latitude=55.6, longitude=13.0),
}


@dataclass(frozen=True, slots=True)
class Timeline:
    """The intervals of a window of local days, and where each falls in Stockholm time."""

    starts: IntArray  # UTC epoch seconds of each interval start
    minutes: int
    day: IntArray  # local day within the window, 0 = the first
    hour: FloatArray  # local clock hour at the middle of the interval, 0–24
    utc_hour: FloatArray  # UTC hour at the middle of the interval, for the sun
    day_of_year: IntArray  # 0 = 1 January, of the local date
    weekday: IntArray  # 0 = Monday, of the local date
    days: int  # local days in the window


@dataclass(frozen=True, slots=True)
class Weather:
    """Daily weather of one bidding zone, shared by all its installations."""

    temperature: FloatArray  # °C, per local day of the window
    clearness: FloatArray  # 0 (overcast) – 1 (clear sky), per local day


@dataclass(frozen=True, slots=True)
class Series:
    """Meter values ready to store: absent intervals are left out."""

    starts: IntArray
    wh: IntArray
    quality: IntArray


def build_timeline(first: date, end: date, minutes: int) -> Timeline:
    """Intervals of ``minutes`` from local midnight of ``first`` to local midnight of ``end``."""
    start, stop = to_epoch(local_midnight(first)), to_epoch(local_midnight(end))
    starts = np.arange(start, stop, minutes * 60, dtype=np.int64)
    middles = starts + minutes * 30
    local = middles + utc_offsets(middles)
    local_days = local // _DAY
    dates = local_days.astype("datetime64[D]")
    return Timeline(
        starts=starts,
        minutes=minutes,
        day=local_days - (first.toordinal() - _EPOCH_ORDINAL),
        hour=(local % _DAY) / 3600.0,
        utc_hour=(middles % _DAY) / 3600.0,
        day_of_year=(dates - dates.astype("datetime64[Y]")).astype(np.int64),
        weekday=(local_days + 3) % 7,  # 1 January 1970 was a Thursday
        days=(end - first).days,
    )


def utc_offsets(epochs: IntArray) -> IntArray:
    """Stockholm's UTC offset in seconds at each instant."""
    if epochs.size == 0:
        return np.zeros(0, dtype=np.int64)
    instants, offsets = _offset_changes(int(epochs.min()), int(epochs.max()) + 1)
    return offsets[np.searchsorted(instants, epochs, side="right") - 1]


def _offset_at(epoch: int) -> int:
    offset = from_epoch(epoch).astimezone(STOCKHOLM).utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


def _offset_changes(start: int, end: int) -> tuple[IntArray, IntArray]:
    # Weekly probes see every change (Stockholm changes twice a year); bisection finds the instant.
    instants, offsets = [start], [_offset_at(start)]
    for before, after in pairwise([*range(start, end, _WEEK), end]):
        if _offset_at(after) != offsets[-1]:
            instants.append(_first_change(before, after, offsets[-1]))
            offsets.append(_offset_at(instants[-1]))
    return np.array(instants, dtype=np.int64), np.array(offsets, dtype=np.int64)


def _first_change(low: int, high: int, offset: int) -> int:
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_at(middle) == offset:
            low = middle
        else:
            high = middle
    return high


def climate_normal(zone: BiddingZone, day_of_year: IntArray) -> FloatArray:
    """The normal temperature of each day of the year, coldest around 20 January."""
    climate = CLIMATES[zone]
    season: FloatArray = np.cos(2 * math.pi * (day_of_year - 20) / 365.25)
    return climate.mean_c - climate.swing_c * season


def simulate_weather(
    zone: BiddingZone, first: date, days: int, rng: np.random.Generator
) -> Weather:
    """Daily temperature with cold and warm spells that last days, and daily cloudiness."""
    ordinals = np.arange(days, dtype=np.int64) + (first.toordinal() - _EPOCH_ORDINAL)
    dates = ordinals.astype("datetime64[D]")
    day_of_year = (dates - dates.astype("datetime64[Y]")).astype(np.int64)
    anomaly = _persistent_noise(rng, days, persistence=0.8, sigma=3.5)
    return Weather(
        temperature=climate_normal(zone, day_of_year) + anomaly,
        clearness=rng.beta(2.0, 1.5, days),
    )


def normal_weather(zone: BiddingZone, timeline: Timeline) -> Weather:
    """Weather without spells: the climate normal and average cloudiness."""
    first_of_day = np.searchsorted(timeline.day, np.arange(timeline.days))
    day_of_year = timeline.day_of_year[np.minimum(first_of_day, timeline.day.size - 1)]
    return Weather(
        temperature=climate_normal(zone, day_of_year),
        clearness=np.full(timeline.days, 2.0 / 3.5),  # the mean of Beta(2, 1.5)
    )


def _persistent_noise(
    rng: np.random.Generator, days: int, *, persistence: float, sigma: float
) -> FloatArray:
    # AR(1) as a convolution with its decaying kernel, scaled to a stationary σ.
    kernel = persistence ** np.arange(40)
    white = rng.normal(0.0, 1.0, days + kernel.size - 1)
    series = np.convolve(white, kernel, mode="valid")[:days]
    return series * sigma * math.sqrt(1 - persistence**2)


def consumption_watts(
    kind: LoadKind,
    zone: BiddingZone,
    annual_kwh: float,
    timeline: Timeline,
    weather: Weather,
    rng: np.random.Generator,
    *,
    smooth: bool = False,
) -> FloatArray:
    """Average power (W) in each interval; ``smooth`` leaves out the noise (a profile estimate).

    ``annual_kwh`` is the energy of a normal year in SE3; heating follows the zone's degree-days,
    so the same house uses more in Luleå and less in Malmö.
    """
    shape = SHAPES[kind]
    base, heat = _components(kind, timeline, weather.temperature[timeline.day])
    base_mean = _reference_means(kind, zone)[0]
    heat_mean = _reference_means(kind, BiddingZone.SE3)[1]
    relative = (1 - shape.heating_share) * base / base_mean
    if shape.heating_share:
        relative = relative + shape.heating_share * heat / heat_mean
    if not smooth:
        relative = relative * _noise(rng, timeline, shape)
    return annual_kwh * 1000 / _HOURS_PER_YEAR * relative


def solar_watts(
    zone: BiddingZone,
    annual_kwh: float,
    timeline: Timeline,
    weather: Weather,
    rng: np.random.Generator,
) -> FloatArray:
    """Average power (W) fed in by a solar roof: none at night, most around noon and in summer."""
    passing_clouds = rng.normal(0.0, SHAPES[LoadKind.SOLAR].noise, timeline.starts.size)
    cloud = np.clip(weather.clearness[timeline.day] + passing_clouds, 0.0, 1.0)
    relative = _clear_sky(zone, timeline) * _cloud_factor(cloud)
    mean_watts = annual_kwh * 1000 / _HOURS_PER_YEAR
    return mean_watts * relative / _reference_means(LoadKind.SOLAR, zone)[0]


def _clear_sky(zone: BiddingZone, timeline: Timeline) -> FloatArray:
    climate = CLIMATES[zone]
    declination = math.radians(23.44) * np.sin(2 * math.pi * (284 + timeline.day_of_year + 1) / 365)
    solar_hour = timeline.utc_hour + climate.longitude / 15
    hour_angle = np.radians(15 * (solar_hour - 12))
    latitude = math.radians(climate.latitude)
    overhead = math.sin(latitude) * np.sin(declination)
    sideways = math.cos(latitude) * np.cos(declination) * np.cos(hour_angle)
    sine = overhead + sideways  # the sine of the sun's elevation
    # Low sun passes more air: output falls faster than the sine of the elevation.
    result: FloatArray = np.maximum(sine, 0.0) ** 1.25
    return result


def _cloud_factor(clearness: FloatArray) -> FloatArray:
    # Overcast skies still give diffuse light, about a quarter of a clear sky's.
    return 0.25 + 0.75 * clearness


def energy_wh(watts: FloatArray, minutes: int, *, fuse_amperes: int) -> IntArray:
    """Integer Wh per interval, never above what the main fuse lets through."""
    capped = np.clip(watts, 0.0, fuse_amperes * WATTS_PER_AMPERE)
    return np.rint(capped * minutes / 60).astype(np.int64)


def _components(
    kind: LoadKind, timeline: Timeline, temperature: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The everyday-use and heating shapes of a kind, before scaling."""
    if kind is LoadKind.SOLAR:
        raise ValueError("Solar is produced, not consumed: use solar_watts")
    degree_days = np.maximum(_HEATING_LIMIT_C - temperature, 0.0)
    heating = degree_days * _heating_hours(timeline.hour)
    if kind is LoadKind.OFFICE:
        return 0.3 + _office_activity(timeline), heating
    if kind is LoadKind.SHOP:
        return 0.45 + _shop_activity(timeline), heating
    home = _home_activity(timeline) * _lighting_season(timeline.day_of_year)
    if kind is LoadKind.COTTAGE:
        occupied = _cottage_occupied(timeline)
        frost_guard = 0.3 * np.maximum(_FROST_GUARD_C - temperature, 0.0)
        return 0.1 + occupied * home, np.where(occupied, heating, frost_guard)
    return home, heating


def _bump(hour: FloatArray, centre: FloatArray | float, width: float) -> FloatArray:
    """A bell around ``centre`` o'clock, wrapping round midnight."""
    distance = (hour - centre + 12) % 24 - 12
    result: FloatArray = np.exp(-0.5 * (distance / width) ** 2)
    return result


def _window(hour: FloatArray, opens: FloatArray | float, closes: FloatArray | float) -> FloatArray:
    """About 1 between ``opens`` and ``closes`` o'clock, with half-hour ramps."""
    rise = 1 / (1 + np.exp(-(hour - opens) * 4))
    fall = 1 / (1 + np.exp((hour - closes) * 4))
    result: FloatArray = rise * fall
    return result


def _home_activity(timeline: Timeline) -> FloatArray:
    # Mornings and evenings on weekdays; a later morning and a busy day at weekends.
    weekend = timeline.weekday >= 5
    morning = np.where(weekend, 9.0, 7.0)
    day_time = np.where(weekend, 0.35, 0.05) * _bump(timeline.hour, 13.0, 3.0)
    return (
        0.3
        + 0.6 * _bump(timeline.hour, morning, 1.2)
        + 1.0 * _bump(timeline.hour, 19.0, 2.0)
        + day_time
    )


def _lighting_season(day_of_year: IntArray) -> FloatArray:
    # Dark winters: more lighting and indoor life around the winter solstice.
    season: FloatArray = np.cos(2 * math.pi * (day_of_year - 355) / 365.25)
    return 1 + 0.15 * season


def _heating_hours(hour: FloatArray) -> FloatArray:
    # Heating works hardest in the cold small hours and the morning.
    return 1 + 0.15 * np.cos(2 * math.pi * (hour - 5) / 24)


def _office_activity(timeline: Timeline) -> FloatArray:
    workday = timeline.weekday < 5
    # Most of Sweden takes its summer holiday in July.
    holiday = (timeline.day_of_year >= 188) & (timeline.day_of_year < 216)
    level = np.where(holiday, 0.4, 1.0) * workday
    return level * _window(timeline.hour, 7.0, 17.5)


def _shop_activity(timeline: Timeline) -> FloatArray:
    weekday = timeline.weekday
    opens = np.select([weekday < 5, weekday == 5], [9.5, 10.0], 11.0)
    closes = np.select([weekday < 5, weekday == 5], [19.0, 16.0], 16.0)
    level = np.where(weekday == 6, 0.7, 1.0)
    return level * _window(timeline.hour, opens, closes)


def _cottage_occupied(timeline: Timeline) -> BoolArray:
    day = timeline.day_of_year
    summer = (day >= 172) & (day < 227)  # midsummer to mid-August
    season_weekend = (day >= 100) & (day < 280) & (timeline.weekday >= 4)
    christmas = (day >= 357) | (day < 3)
    occupied: BoolArray = summer | season_weekend | christmas
    return occupied


def _noise(rng: np.random.Generator, timeline: Timeline, shape: Shape) -> FloatArray:
    """Lognormal noise with mean 1: appliances switching, plus busy and quiet days."""
    interval = rng.normal(0.0, shape.noise, timeline.starts.size)
    daily = rng.normal(0.0, shape.day_noise, timeline.days)[timeline.day]
    variance = shape.noise**2 + shape.day_noise**2
    result: FloatArray = np.exp(interval + daily - variance / 2)
    return result


@cache
def _reference_means(kind: LoadKind, zone: BiddingZone) -> tuple[float, float]:
    """Mean everyday and heating shape over a normal year, for scaling to the annual energy."""
    timeline = build_timeline(date(2025, 1, 1), date(2026, 1, 1), 15)
    if kind is LoadKind.SOLAR:
        normal = normal_weather(zone, timeline)
        sky = _clear_sky(zone, timeline) * _cloud_factor(normal.clearness[timeline.day])
        return float(sky.mean()), 1.0
    temperature = normal_weather(zone, timeline).temperature[timeline.day]
    base, heat = _components(kind, timeline, temperature)
    return float(base.mean()), float(heat.mean()) or 1.0


def with_gaps(
    rng: np.random.Generator,
    timeline: Timeline,
    wh: IntArray,
    *,
    all_estimated: bool = False,
    open_days: int | None = None,
) -> Series:
    """Meter values with a few estimated stretches, missing values and intervals never delivered.

    ``all_estimated`` marks every value estimated, as for a meter that is read by hand.
    ``open_days``, when given, keeps missing and undelivered values only in the last so many days:
    the grid company replaces older gaps with estimates, as it must before values are settled
    and invoiced, so only the newest days show what a real meter feed looks like.
    """
    if all_estimated:
        return Series(timeline.starts, wh, np.full(wh.size, int(Quality.ESTIMATED)))
    wh = wh.copy()
    quality = np.full(wh.size, int(Quality.MEASURED))
    present = np.ones(wh.size, dtype=np.bool_)
    per_hour = 60 // timeline.minutes
    settled = 0 if open_days is None else max(0, wh.size - open_days * 24 * per_hour)
    for first, length in _events(rng, timeline, rate=1.0, hours=(2, 24)):
        _estimate(wh, quality, slice(first, first + length * per_hour))
    for first, length in _events(rng, timeline, rate=0.7, hours=(1, 6)):
        span = slice(first, first + length * per_hour)
        if first < settled:
            _estimate(wh, quality, span)
        else:
            wh[span], quality[span] = 0, int(Quality.MISSING)
    for first, length in _events(rng, timeline, rate=0.4, hours=(2, 12)):
        span = slice(first, first + length * per_hour)
        if first < settled:
            _estimate(wh, quality, span)
        else:
            present[span] = False
    return Series(timeline.starts[present], wh[present], quality[present])


def _estimate(wh: IntArray, quality: IntArray, span: slice) -> None:
    """A flat estimate over the gap: the stretch's mean, marked estimated."""
    wh[span] = round(float(wh[span].mean()))
    quality[span] = int(Quality.ESTIMATED)


def _events(
    rng: np.random.Generator, timeline: Timeline, *, rate: float, hours: tuple[int, int]
) -> list[tuple[int, int]]:
    """Random (first interval, length in hours) of events that happen ``rate`` times a year."""
    count = int(rng.poisson(rate * timeline.days / 365.25))
    if count == 0 or timeline.starts.size == 0:
        return []
    firsts = rng.integers(0, timeline.starts.size, count)
    lengths = rng.integers(hours[0], hours[1] + 1, count)
    return [(int(f), int(n)) for f, n in zip(firsts, lengths, strict=True)]

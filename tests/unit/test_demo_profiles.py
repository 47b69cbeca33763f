"""Demo load profiles: realistic yearly energy, seasons, days and the sun; local time done right."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from elkund.core.localtime import STOCKHOLM, day_minutes
from elkund.demo.profiles import (
    TYPICAL_KWH,
    WATTS_PER_AMPERE,
    LoadKind,
    Timeline,
    Weather,
    build_timeline,
    consumption_watts,
    energy_wh,
    simulate_weather,
    solar_watts,
    utc_offsets,
    with_gaps,
)
from elkund.grid.models import BiddingZone
from elkund.metering.domain import Quality

YEAR = (date(2025, 1, 1), date(2026, 1, 1))
CONSUMING = [kind for kind in LoadKind if kind is not LoadKind.SOLAR]


def rng(seed: int = 7) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


def year_of(minutes: int = 15) -> Timeline:
    return build_timeline(*YEAR, minutes)


def weather_of(zone: BiddingZone, timeline: Timeline, seed: int = 7) -> Weather:
    return simulate_weather(zone, YEAR[0], timeline.days, rng(seed))


def kwh(kind: LoadKind, zone: BiddingZone, timeline: Timeline, seed: int = 7) -> np.ndarray:
    weather = weather_of(zone, timeline, seed)
    if kind is LoadKind.SOLAR:
        watts = solar_watts(zone, TYPICAL_KWH[kind], timeline, weather, rng(seed))
    else:
        watts = consumption_watts(kind, zone, TYPICAL_KWH[kind], timeline, weather, rng(seed))
    return energy_wh(watts, timeline.minutes, fuse_amperes=63) / 1000


def months(timeline: Timeline, first: int, last: int) -> np.ndarray:
    """Mask of intervals whose local date falls in months ``first``..``last`` (1-based)."""
    dates = np.datetime64("2025-01-01") + timeline.day
    month = dates.astype("datetime64[M]").astype(int) % 12 + 1
    return (month >= first) & (month <= last)


@pytest.mark.parametrize("kind", list(LoadKind))
def test_a_year_of_each_profile_is_within_15_percent_of_its_target(kind: LoadKind) -> None:
    timeline = year_of()
    total = kwh(kind, BiddingZone.SE3, timeline).sum()
    assert total == pytest.approx(TYPICAL_KWH[kind], rel=0.15)


@pytest.mark.parametrize("zone", list(BiddingZone))
def test_targets_hold_for_apartments_and_solar_in_every_zone(zone: BiddingZone) -> None:
    timeline = year_of()
    for kind in (LoadKind.APARTMENT, LoadKind.SOLAR):
        assert kwh(kind, zone, timeline).sum() == pytest.approx(TYPICAL_KWH[kind], rel=0.15)


def test_hourly_meters_see_the_same_year() -> None:
    total = kwh(LoadKind.HOUSE, BiddingZone.SE3, year_of(60)).sum()
    assert total == pytest.approx(TYPICAL_KWH[LoadKind.HOUSE], rel=0.15)


@pytest.mark.parametrize("kind", [LoadKind.HOUSE, LoadKind.ELECTRIC_HEATING, LoadKind.OFFICE])
def test_heated_buildings_use_more_in_winter_than_in_summer(kind: LoadKind) -> None:
    timeline = year_of()
    energy = kwh(kind, BiddingZone.SE3, timeline)
    winter = energy[months(timeline, 1, 2)].sum()
    summer = energy[months(timeline, 6, 7)].sum()
    assert winter > 1.3 * summer


def test_electric_heating_has_a_strong_winter_peak() -> None:
    timeline = year_of()
    energy = kwh(LoadKind.ELECTRIC_HEATING, BiddingZone.SE3, timeline)
    assert energy[months(timeline, 1, 1)].sum() > 3 * energy[months(timeline, 7, 7)].sum()


def test_the_north_needs_more_heating_than_the_south() -> None:
    timeline = year_of()
    north = kwh(LoadKind.ELECTRIC_HEATING, BiddingZone.SE1, timeline).sum()
    south = kwh(LoadKind.ELECTRIC_HEATING, BiddingZone.SE4, timeline).sum()
    assert north > 1.3 * south


def test_a_summer_cottage_is_used_most_in_summer() -> None:
    timeline = year_of()
    energy = kwh(LoadKind.COTTAGE, BiddingZone.SE3, timeline)
    assert energy[months(timeline, 7, 7)].sum() > energy[months(timeline, 3, 3)].sum()


def mean_by_hour(energy: np.ndarray, timeline: Timeline, mask: np.ndarray) -> np.ndarray:
    hours = timeline.hour.astype(int)
    return np.array([energy[mask & (hours == h)].mean() for h in range(24)])


def test_homes_peak_in_the_evening_and_rest_at_night() -> None:
    timeline = year_of()
    energy = kwh(LoadKind.APARTMENT, BiddingZone.SE3, timeline)
    by_hour = mean_by_hour(energy, timeline, timeline.weekday < 5)
    assert 17 <= int(by_hour.argmax()) <= 21
    assert by_hour[3] < 0.5 * by_hour.max()
    assert by_hour[7] > by_hour[3]  # the morning peak


def test_offices_work_office_hours_on_weekdays() -> None:
    timeline = year_of()
    energy = kwh(LoadKind.OFFICE, BiddingZone.SE3, timeline)
    weekday = mean_by_hour(energy, timeline, timeline.weekday < 5)
    weekend = mean_by_hour(energy, timeline, timeline.weekday >= 5)
    assert weekday[10] > 2 * weekday[2]
    assert weekday[10] > 2 * weekend[10]


@pytest.mark.parametrize("zone", list(BiddingZone))
def test_solar_is_zero_at_night(zone: BiddingZone) -> None:
    timeline = year_of()
    energy = kwh(LoadKind.SOLAR, zone, timeline)
    night = (timeline.hour < 1) | (timeline.hour >= 23.5)
    winter_evening = months(timeline, 11, 1) & ((timeline.hour < 7) | (timeline.hour >= 17))
    assert energy[night].sum() == pytest.approx(0, abs=0.5)
    assert energy[winter_evening].sum() == 0


def test_solar_is_summer_heavy_and_peaks_around_local_noon() -> None:
    timeline = year_of()
    energy = kwh(LoadKind.SOLAR, BiddingZone.SE3, timeline)
    assert energy[months(timeline, 5, 7)].sum() > 5 * energy[months(timeline, 11, 1)].sum()
    summer = months(timeline, 6, 7)
    assert 12 <= int(mean_by_hour(energy, timeline, summer).argmax()) <= 13  # daylight saving
    winter = months(timeline, 12, 12)
    assert 11 <= int(mean_by_hour(energy, timeline, winter).argmax()) <= 12


def test_cloudy_days_give_less_sun() -> None:
    timeline = year_of()
    weather = weather_of(BiddingZone.SE3, timeline)
    watts = solar_watts(BiddingZone.SE3, 7000, timeline, weather, rng())
    daily = np.bincount(timeline.day, weights=watts)
    june = slice(151, 181)
    clear, cloudy = np.argmax(weather.clearness[june]), np.argmin(weather.clearness[june])
    assert daily[june][clear] > 1.5 * daily[june][cloudy]


def test_energy_is_whole_wh_and_never_above_the_fuse() -> None:
    watts = np.array([-5.0, 0.4, 1000.0, 1e9])
    wh = energy_wh(watts, 15, fuse_amperes=16)
    assert wh.dtype == np.int64
    assert wh.tolist() == [0, 0, 250, round(16 * WATTS_PER_AMPERE / 4)]


def test_the_same_seed_gives_the_same_values() -> None:
    timeline = build_timeline(date(2025, 1, 1), date(2025, 1, 8), 15)
    first = kwh(LoadKind.HOUSE, BiddingZone.SE2, timeline, seed=3)
    again = kwh(LoadKind.HOUSE, BiddingZone.SE2, timeline, seed=3)
    other = kwh(LoadKind.HOUSE, BiddingZone.SE2, timeline, seed=4)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize(
    ("day", "quarter_hours"),
    [(date(2025, 3, 30), 92), (date(2025, 10, 26), 100), (date(2025, 6, 1), 96)],
)
def test_a_timeline_follows_local_days(day: date, quarter_hours: int) -> None:
    timeline = build_timeline(day, day + timedelta(days=1), 15)
    assert timeline.starts.size == quarter_hours == day_minutes(day) // 15
    assert set(timeline.day.tolist()) == {0}
    expected = [
        datetime.fromtimestamp(int(s) + 450, UTC).astimezone(STOCKHOLM) for s in timeline.starts
    ]
    seconds = np.rint(timeline.hour * 3600).astype(int).tolist()
    assert seconds == [t.hour * 3600 + t.minute * 60 + t.second for t in expected]
    assert set(timeline.weekday.tolist()) == {day.weekday()}
    assert set(timeline.day_of_year.tolist()) == {day.timetuple().tm_yday - 1}


def test_utc_offsets_match_the_time_zone_database_every_hour() -> None:
    start = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    hours = np.arange(start, start + 3 * 366 * 86400, 3600, dtype=np.int64)
    expected = [
        datetime.fromtimestamp(int(h), UTC).astimezone(STOCKHOLM).utcoffset().total_seconds()  # type: ignore[union-attr]
        for h in hours
    ]
    assert utc_offsets(hours).tolist() == expected


def test_gaps_are_few_estimated_missing_and_absent_values() -> None:
    timeline = build_timeline(date(2023, 1, 1), date(2026, 1, 1), 15)
    wh = np.full(timeline.starts.size, 100, dtype=np.int64)
    series = with_gaps(rng(11), timeline, wh)
    quality = series.quality
    assert set(quality.tolist()) == {Quality.MEASURED, Quality.ESTIMATED, Quality.MISSING}
    assert np.all(series.wh[quality == Quality.MISSING] == 0)
    assert np.all(series.wh[quality != Quality.MISSING] == 100)
    assert 0 < timeline.starts.size - series.starts.size < 0.01 * timeline.starts.size
    assert np.mean(quality != Quality.MEASURED) < 0.01
    assert np.all(np.diff(series.starts) > 0)


def test_a_meter_read_by_hand_gives_only_estimated_values() -> None:
    timeline = build_timeline(date(2025, 1, 1), date(2025, 3, 1), 60)
    wh = np.arange(timeline.starts.size, dtype=np.int64)
    series = with_gaps(rng(), timeline, wh, all_estimated=True)
    assert np.array_equal(series.wh, wh)
    assert set(series.quality.tolist()) == {Quality.ESTIMATED}


@pytest.mark.parametrize("kind", CONSUMING)
def test_smooth_profiles_have_no_noise(kind: LoadKind) -> None:
    timeline = build_timeline(date(2025, 2, 3), date(2025, 2, 10), 60)
    weather = weather_of(BiddingZone.SE3, timeline)
    once = consumption_watts(kind, BiddingZone.SE3, 1000, timeline, weather, rng(1), smooth=True)
    again = consumption_watts(kind, BiddingZone.SE3, 1000, timeline, weather, rng(2), smooth=True)
    assert np.array_equal(once, again)


def test_gaps_older_than_the_open_days_are_estimated_so_months_can_be_invoiced() -> None:
    timeline = build_timeline(date(2023, 1, 1), date(2026, 1, 1), 15)
    wh = np.full(timeline.starts.size, 100, dtype=np.int64)
    open_days = 60
    series = with_gaps(rng(11), timeline, wh, open_days=open_days)
    settled = timeline.starts[-1] - open_days * 86400
    old = series.starts <= settled
    assert Quality.MISSING not in series.quality[old].tolist()
    assert np.array_equal(series.starts[old], timeline.starts[timeline.starts <= settled])
    assert Quality.ESTIMATED in series.quality[old].tolist()
    # The same events as without open days: only their outcome differs.
    raw = with_gaps(rng(11), timeline, wh)
    assert np.array_equal(
        series.quality == Quality.MEASURED,
        np.isin(series.starts, raw.starts[raw.quality == Quality.MEASURED]),
    )

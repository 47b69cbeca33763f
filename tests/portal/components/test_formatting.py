from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from jinja2 import Environment

from elkund.core.localtime import STOCKHOLM
from elkund.metering.domain import Resolution
from elkund.portal.components.formatting import (
    format_change,
    format_date,
    format_datetime,
    format_kwh,
    format_number,
    format_period,
    format_sek,
    install_filters,
)
from elkund.portal.components.i18n import Lang

NB = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("wh", "sv", "en"),
    [
        (1_234_567, f"1{NB}234,567{NB}kWh", f"1,234.567{NB}kWh"),
        (0, f"0,000{NB}kWh", f"0.000{NB}kWh"),
        (5, f"0,005{NB}kWh", f"0.005{NB}kWh"),
        (1_000_000_000, f"1{NB}000{NB}000,000{NB}kWh", f"1,000,000.000{NB}kWh"),
    ],
)
def test_format_kwh(wh: int, sv: str, en: str) -> None:
    assert format_kwh(wh, "sv") == sv
    assert format_kwh(wh, "en") == en


def test_format_kwh_without_unit() -> None:
    assert format_kwh(1_234_567, "sv", unit=False) == f"1{NB}234,567"


@pytest.mark.parametrize(
    ("amount", "sv", "en"),
    [
        ("1234.5", f"1{NB}234,50{NB}kr", f"SEK{NB}1,234.50"),
        ("0", f"0,00{NB}kr", f"SEK{NB}0.00"),
        ("0.005", f"0,01{NB}kr", f"SEK{NB}0.01"),
    ],
)
def test_format_sek(amount: str, sv: str, en: str) -> None:
    assert format_sek(Decimal(amount), "sv") == sv
    assert format_sek(Decimal(amount), "en") == en


def test_format_change() -> None:
    assert format_change(Decimal("12.345"), "sv") == f"+12,3{NB}%"
    assert format_change(Decimal("-4"), "en") == "-4.0%"
    assert format_change(Decimal("1234.5"), "sv") == f"+1{NB}234,5{NB}%"


def test_format_date() -> None:
    assert format_date(date(2025, 3, 30), "sv") == "30 mars 2025"
    assert format_date(date(2025, 3, 30), "en") == "30 March 2025"
    # 23:30 UTC on 29 March is already 30 March in Stockholm.
    assert format_date(datetime(2025, 3, 29, 23, 30, tzinfo=UTC), "sv") == "30 mars 2025"


def test_format_datetime_on_the_spring_dst_day() -> None:
    assert format_datetime(datetime(2025, 3, 30, 0, tzinfo=UTC), "sv") == "30 mars 2025 kl. 01:00"
    assert format_datetime(datetime(2025, 3, 30, 1, tzinfo=UTC), "sv") == "30 mars 2025 kl. 03:00"
    assert format_datetime(datetime(2025, 3, 30, 1, tzinfo=UTC), "en") == "30 March 2025, 03:00"


def test_format_datetime_on_the_autumn_dst_day_shows_the_offset_of_the_repeated_hour() -> None:
    def sv(hour: int) -> str:
        return format_datetime(datetime(2025, 10, 26, hour, tzinfo=UTC), "sv")

    assert sv(0) == "26 oktober 2025 kl. 02:00 (UTC+02:00)"
    assert sv(1) == "26 oktober 2025 kl. 02:00 (UTC+01:00)"
    assert sv(2) == "26 oktober 2025 kl. 03:00"
    assert (
        format_datetime(datetime(2025, 10, 26, 1, 30, tzinfo=UTC), "en")
        == "26 October 2025, 02:30 (UTC+01:00)"
    )


def test_format_datetime_accepts_local_instants_and_refuses_naive_ones() -> None:
    local = datetime(2025, 7, 1, 12, tzinfo=STOCKHOLM)
    assert format_datetime(local, "sv") == "1 juli 2025 kl. 12:00"
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2025, 7, 1, 12), "sv")  # noqa: DTZ001


def _local(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("start", "end", "resolution", "sv", "en"),
    [
        (
            datetime(2025, 3, 30, 1, tzinfo=UTC),
            datetime(2025, 3, 30, 2, tzinfo=UTC),
            Resolution.PT1H,
            "30 mars 2025 kl. 03:00",
            "30 March 2025, 03:00",
        ),
        (
            datetime(2025, 10, 26, 1, 15, tzinfo=UTC),
            datetime(2025, 10, 26, 1, 30, tzinfo=UTC),
            Resolution.PT15M,
            "26 oktober 2025 kl. 02:15 (UTC+01:00)",
            "26 October 2025, 02:15 (UTC+01:00)",
        ),
        (_local(2025, 3, 30), _local(2025, 3, 31), Resolution.P1D, "30 mars 2025", "30 March 2025"),
        (_local(2025, 3, 24), _local(2025, 3, 31), Resolution.P1W, "vecka 13 2025", "week 13 2025"),
        (_local(2024, 12, 30), _local(2025, 1, 6), Resolution.P1W, "vecka 1 2025", "week 1 2025"),
        (_local(2025, 3, 1), _local(2025, 4, 1), Resolution.P1M, "mars 2025", "March 2025"),
        (_local(2025, 1, 1), _local(2026, 1, 1), Resolution.P1Y, "2025", "2025"),
        (
            _local(2025, 3, 26),
            _local(2025, 3, 31),
            Resolution.P1W,
            "26–30 mars 2025",
            "26–30 Mar 2025",
        ),
        (
            _local(2025, 3, 10),
            _local(2025, 4, 1),
            Resolution.P1M,
            "10–31 mars 2025",
            "10–31 Mar 2025",
        ),
    ],
)
def test_format_period(
    start: datetime, end: datetime, resolution: Resolution, sv: str, en: str
) -> None:
    assert format_period(start, end, resolution, "sv") == sv
    assert format_period(start, end, resolution, "en") == en


def test_format_period_takes_utc_bounds_of_calendar_buckets() -> None:
    # March 2025 in UTC: from 28 Feb 23:00 to 31 Mar 22:00.
    start, end = datetime(2025, 2, 28, 23, tzinfo=UTC), datetime(2025, 3, 31, 22, tzinfo=UTC)
    assert format_period(start, end, Resolution.P1M, "sv") == "mars 2025"


def test_install_filters_uses_the_template_language() -> None:
    env = Environment(autoescape=True)
    install_filters(env)
    template = env.from_string(
        "{{ 'consumption'|t }}: {{ wh|kwh }}, {{ cost|sek }}, {{ day|date }}, {{ at|datetime }},"
        " {{ at|period(end, resolution) }}, {{ t('download') }}"
    )
    values = {
        "wh": 1500,
        "cost": Decimal("12.5"),
        "day": date(2025, 3, 30),
        "at": datetime(2025, 3, 30, 1, tzinfo=UTC),
        "end": datetime(2025, 3, 30, 2, tzinfo=UTC),
        "resolution": Resolution.PT1H,
    }
    assert template.render(values) == (
        f"Förbrukning: 1,500{NB}kWh, 12,50{NB}kr, 30 mars 2025, 30 mars 2025 kl. 03:00,"
        " 30 mars 2025 kl. 03:00, Ladda ner"
    )
    assert template.render(values | {"lang": "en"}) == (
        f"Consumption: 1.500{NB}kWh, SEK{NB}12.50, 30 March 2025, 30 March 2025, 03:00,"
        " 30 March 2025, 03:00, Download"
    )
    assert env.from_string("{{ 1500|kwh(lang='en') }}").render(lang="sv") == f"1.500{NB}kWh"
    assert env.from_string("{{ 'log'|t }}").render(lang="de") == "Logg"


def test_format_number_writes_what_babel_writes() -> None:
    """The fast formatter must give Babel's text, signs, rounding and separators included."""
    rng = random.Random(7)
    values: list[Decimal] = [Decimal(v) for v in ("0", "-0.0004", "0.0005", "0.0015", "-1", "999")]
    values += [
        Decimal(rng.randrange(-(10**12), 10**12)).scaleb(-rng.randrange(0, 7)) for _ in range(500)
    ]
    for value in values:
        languages: tuple[tuple[Lang, str], ...] = (("sv", "sv_SE"), ("en", "en_GB"))
        for lang, locale in languages:
            for decimals in (0, 1, 2, 3):
                pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
                expected = format_decimal(value, format=pattern, locale=locale)
                assert format_number(value, lang, decimals=decimals) == expected, (value, lang)

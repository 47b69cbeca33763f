"""Aggregation in local time: DST days, ISO weeks, months, years, and the quality of each bucket."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from elkund.core.localtime import STOCKHOLM
from elkund.grid.models import Installation
from elkund.metering.domain import AggregateQuality, Resolution
from elkund.metering.errors import InvalidPeriod, ResolutionTooFine
from elkund.metering.formats import FileFormat
from elkund.metering.reading import Series, read_series
from elkund.metering.service import ingest_file
from tests.factories import make_customer, make_installation
from tests.integration.helpers import NOW, csv_file, day_file, iso, quarter_hours


@pytest.fixture
def installation(session: Session) -> Installation:
    return make_installation(session, holder=make_customer(session))


def load(session: Session, data: bytes) -> None:
    report = ingest_file(session, data=data, file_format=FileFormat.CSV, now=NOW)
    assert report.rejected == []


def series(
    session: Session, installation: Installation, first: date, end: date, resolution: Resolution
) -> Series:
    return read_series(
        session,
        installation_id=installation.id,
        metered=Resolution(installation.resolution),
        first=first,
        end=end,
        resolution=resolution,
    )


@pytest.mark.parametrize(
    ("day", "quarters", "hours"),
    [(date(2025, 3, 30), 92, 23), (date(2025, 6, 1), 96, 24), (date(2025, 10, 26), 100, 25)],
)
def test_dst_days_have_92_or_100_quarter_hours_and_23_or_25_hours(
    session: Session, installation: Installation, day: date, quarters: int, hours: int
) -> None:
    load(session, day_file(installation.gsrn, day, date.fromordinal(day.toordinal() + 1), wh=10))
    quarter = series(
        session, installation, day, date.fromordinal(day.toordinal() + 1), Resolution.PT15M
    )
    hourly = series(
        session, installation, day, date.fromordinal(day.toordinal() + 1), Resolution.PT1H
    )
    daily = series(
        session, installation, day, date.fromordinal(day.toordinal() + 1), Resolution.P1D
    )
    assert len(quarter.buckets) == quarters
    assert len(hourly.buckets) == hours
    assert {b.wh for b in hourly.buckets} == {40}
    assert [(b.wh, b.quality) for b in daily.buckets] == [
        (quarters * 10, AggregateQuality.COMPLETE)
    ]
    assert hourly.quality is AggregateQuality.COMPLETE


def test_autumn_dst_day_repeats_the_local_hour_two_to_three(
    session: Session, installation: Installation
) -> None:
    load(session, day_file(installation.gsrn, date(2025, 10, 26), date(2025, 10, 27)))
    hourly = series(session, installation, date(2025, 10, 26), date(2025, 10, 27), Resolution.PT1H)
    starts = [b.start for b in hourly.buckets[1:5]]
    assert [s.isoformat() for s in starts] == [
        "2025-10-26T01:00:00+02:00",
        "2025-10-26T02:00:00+02:00",
        "2025-10-26T02:00:00+01:00",
        "2025-10-26T03:00:00+01:00",
    ]


def test_spring_dst_day_skips_the_local_hour_two_to_three(
    session: Session, installation: Installation
) -> None:
    load(session, day_file(installation.gsrn, date(2025, 3, 30), date(2025, 3, 31)))
    hourly = series(session, installation, date(2025, 3, 30), date(2025, 3, 31), Resolution.PT1H)
    assert [b.start.hour for b in hourly.buckets[:4]] == [0, 1, 3, 4]


def test_weeks_are_iso_weeks_and_months_calendar_months_in_local_time(
    session: Session, installation: Installation
) -> None:
    # 2025-03-24 (Monday, week 13) to 2025-04-07: March has one 23-hour day.
    load(session, day_file(installation.gsrn, date(2025, 3, 24), date(2025, 4, 7), wh=1))
    weekly = series(session, installation, date(2025, 3, 24), date(2025, 4, 7), Resolution.P1W)
    assert [(b.start.date(), b.wh) for b in weekly.buckets] == [
        (date(2025, 3, 24), 7 * 96 - 4),
        (date(2025, 3, 31), 7 * 96),
    ]
    monthly = series(session, installation, date(2025, 3, 24), date(2025, 4, 7), Resolution.P1M)
    assert [(b.start, b.end, b.wh) for b in monthly.buckets] == [
        (
            datetime(2025, 3, 24, tzinfo=STOCKHOLM),
            datetime(2025, 4, 1, tzinfo=STOCKHOLM),
            8 * 96 - 4,
        ),
        (datetime(2025, 4, 1, tzinfo=STOCKHOLM), datetime(2025, 4, 7, tzinfo=STOCKHOLM), 6 * 96),
    ]
    assert all(b.quality is AggregateQuality.COMPLETE for b in monthly.buckets)


def test_year_bucket_is_clipped_to_the_period_and_reports_missing_days(
    session: Session, installation: Installation
) -> None:
    load(session, day_file(installation.gsrn, date(2025, 1, 1), date(2025, 1, 3), wh=2))
    yearly = series(session, installation, date(2025, 1, 1), date(2025, 1, 4), Resolution.P1Y)
    assert [(b.wh, b.quality) for b in yearly.buckets] == [(2 * 96 * 2, AggregateQuality.MISSING)]


def test_bucket_quality_complete_estimated_and_missing(
    session: Session, installation: Installation
) -> None:
    day = date(2025, 6, 1)
    rows = [
        (installation.gsrn, iso(t), "PT15M", 100, "measured")
        for t in quarter_hours(day, date(2025, 6, 2))
    ]
    rows[4] = (*rows[4][:4], "estimated")  # 01:00-01:15 local
    rows[8] = (*rows[8][:3], 0, "missing")  # 02:00-02:15: the meter says missing
    del rows[12]  # 03:00-03:15: never arrived
    load(session, csv_file(rows))
    hourly = series(session, installation, day, date(2025, 6, 2), Resolution.PT1H)
    assert [b.quality for b in hourly.buckets[:5]] == [
        AggregateQuality.COMPLETE,
        AggregateQuality.ESTIMATED,
        AggregateQuality.MISSING,
        AggregateQuality.MISSING,
        AggregateQuality.COMPLETE,
    ]
    assert [b.wh for b in hourly.buckets[:5]] == [400, 400, 300, 300, 400]
    daily = series(session, installation, day, date(2025, 6, 2), Resolution.P1D)
    assert [(b.wh, b.quality) for b in daily.buckets] == [(94 * 100, AggregateQuality.MISSING)]


def test_quarter_hours_cannot_be_read_from_an_hourly_meter(session: Session) -> None:
    hourly_meter = make_installation(session, resolution=Resolution.PT1H)
    with pytest.raises(ResolutionTooFine) as caught:
        series(session, hourly_meter, date(2025, 6, 1), date(2025, 6, 2), Resolution.PT15M)
    assert caught.value.code == "resolution_too_fine"


def test_empty_period_is_refused(session: Session, installation: Installation) -> None:
    with pytest.raises(InvalidPeriod):
        series(session, installation, date(2025, 6, 2), date(2025, 6, 2), Resolution.P1D)


def test_sqlite_and_postgresql_give_identical_series(
    sqlite_engine: Engine, postgres_engine: Engine
) -> None:
    results = []
    for engine in (sqlite_engine, postgres_engine):
        with engine.connect() as connection, connection.begin() as transaction:
            session = Session(bind=connection, join_transaction_mode="create_savepoint")
            installation = make_installation(session)
            rows = [
                (
                    installation.gsrn,
                    iso(t),
                    "PT15M",
                    (i * 37) % 500,
                    "estimated" if i % 97 == 0 else "measured",
                )
                for i, t in enumerate(quarter_hours(date(2025, 3, 1), date(2025, 11, 1)))
                if i % 1001 != 5
            ]
            load(session, csv_file(rows))
            results.append(
                [
                    [
                        (b.start, b.end, b.wh, b.quality)
                        for b in series(
                            session, installation, date(2025, 3, 1), date(2025, 11, 1), r
                        ).buckets
                    ]
                    for r in Resolution
                ]
            )
            session.close()
            transaction.rollback()
    assert results[0] == results[1]
    assert len(results[0][0]) == 245 * 96  # PT15M over 245 days, two DST switches cancel out

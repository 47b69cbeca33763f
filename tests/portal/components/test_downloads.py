from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from elkund.metering.domain import Quality, Resolution
from elkund.metering.reading import MeterReading
from elkund.portal.components.downloads import csv_bytes, filename, xlsx_bytes
from tests.portal.components.factories import (
    COMPLETE,
    ESTIMATED,
    MISSING,
    calendar_series,
    hourly_series,
)


def _csv(*lines: str) -> bytes:
    """What Excel expects: a UTF-8 byte order mark and CRLF line ends."""
    return b"\xef\xbb\xbf" + "".join(line + "\r\n" for line in lines).encode()


def _wall(text: str) -> datetime:
    """A naive local wall-clock time, as Excel stores it."""
    return datetime.fromisoformat(text)


# The first four hours of the autumn DST day: 02:00 happens twice.
AUTUMN = hourly_series(
    date(2025, 10, 26), [1234, 0, 1_500_250, 7], [COMPLETE, MISSING, ESTIMATED, COMPLETE]
)


def test_swedish_csv_exact_bytes() -> None:
    assert csv_bytes(AUTUMN, "sv") == _csv(
        "Från;Till;kWh;Kvalitet",
        "2025-10-26T00:00+02:00;2025-10-26T01:00+02:00;1,234;komplett",
        "2025-10-26T01:00+02:00;2025-10-26T02:00+02:00;0,000;saknas",
        "2025-10-26T02:00+02:00;2025-10-26T02:00+01:00;1500,250;innehåller uppskattade värden",
        "2025-10-26T02:00+01:00;2025-10-26T03:00+01:00;0,007;komplett",
    )


def test_english_csv_uses_commas_and_decimal_points() -> None:
    assert csv_bytes(AUTUMN, "en") == _csv(
        "From,To,kWh,Quality",
        "2025-10-26T00:00+02:00,2025-10-26T01:00+02:00,1.234,complete",
        "2025-10-26T01:00+02:00,2025-10-26T02:00+02:00,0.000,missing",
        "2025-10-26T02:00+02:00,2025-10-26T02:00+01:00,1500.250,contains estimated values",
        "2025-10-26T02:00+01:00,2025-10-26T03:00+01:00,0.007,complete",
    )


READINGS = [
    MeterReading(datetime(2025, 3, 30, 0, 45, tzinfo=UTC), Resolution.PT15M, 250, Quality.MEASURED),
    MeterReading(datetime(2025, 3, 30, 1, 0, tzinfo=UTC), Resolution.PT15M, 300, Quality.ESTIMATED),
    MeterReading(datetime(2025, 3, 30, 1, 15, tzinfo=UTC), Resolution.PT15M, 0, Quality.MISSING),
]


def test_csv_of_stored_values_leaves_missing_values_empty() -> None:
    assert csv_bytes(READINGS, "sv") == _csv(
        "Från;Till;kWh;Kvalitet",
        "2025-03-30T01:45+01:00;2025-03-30T03:00+02:00;0,250;uppmätt",
        "2025-03-30T03:00+02:00;2025-03-30T03:15+02:00;0,300;uppskattat",
        "2025-03-30T03:15+02:00;2025-03-30T03:30+02:00;;saknas",
    )


def test_xlsx_reads_back_with_the_same_numbers() -> None:
    workbook = load_workbook(io.BytesIO(xlsx_bytes(AUTUMN, "sv")))
    sheet = workbook.active
    assert sheet is not None
    assert sheet.title == "Mätvärden"
    assert sheet.freeze_panes == "A2"
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows == [
        ("Från", "Till", "kWh", "Kvalitet", "UTC-förskjutning"),
        (_wall("2025-10-26T00:00"), _wall("2025-10-26T01:00"), 1.234, "komplett", "+02:00"),
        (_wall("2025-10-26T01:00"), _wall("2025-10-26T02:00"), 0.0, "saknas", "+02:00"),
        (
            _wall("2025-10-26T02:00"),
            _wall("2025-10-26T02:00"),
            1500.25,
            "innehåller uppskattade värden",
            "+02:00",
        ),
        (_wall("2025-10-26T02:00"), _wall("2025-10-26T03:00"), 0.007, "komplett", "+01:00"),
    ]
    assert all(cell.font.b for cell in sheet[1])
    assert {sheet.cell(row, 3).number_format for row in range(2, 6)} == {"0.000"}
    assert {sheet.cell(row, 1).number_format for row in range(2, 6)} == {"yyyy-mm-dd hh:mm"}


def test_xlsx_of_stored_values_in_english() -> None:
    workbook = load_workbook(io.BytesIO(xlsx_bytes(READINGS, "en")))
    sheet = workbook.active
    assert sheet is not None
    assert sheet.title == "Meter values"
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows[0] == ("From", "To", "kWh", "Quality", "UTC offset")
    assert rows[1:] == [
        (_wall("2025-03-30T01:45"), _wall("2025-03-30T03:00"), 0.25, "measured", "+01:00"),
        (_wall("2025-03-30T03:00"), _wall("2025-03-30T03:15"), 0.3, "estimated", "+02:00"),
        (_wall("2025-03-30T03:15"), _wall("2025-03-30T03:30"), None, "missing", "+02:00"),
    ]


def test_monthly_series_downloads() -> None:
    series = calendar_series(date(2025, 1, 1), [310_000, 280_500], resolution=Resolution.P1M)
    assert csv_bytes(series, "sv") == _csv(
        "Från;Till;kWh;Kvalitet",
        "2025-01-01T00:00+01:00;2025-02-01T00:00+01:00;310,000;komplett",
        "2025-02-01T00:00+01:00;2025-03-01T00:00+01:00;280,500;komplett",
    )


def test_filename() -> None:
    name = filename(735999100000000018, date(2025, 3, 1), date(2025, 4, 1), Resolution.PT1H, "csv")
    assert name == "matvarden-735999100000000018-2025-03-01-2025-03-31-PT1H.csv"
    assert (
        filename("../a b", date(2025, 1, 1), date(2025, 1, 2), Resolution.P1D, "xlsx")
        == "matvarden-a-b-2025-01-01-2025-01-01-P1D.xlsx"
    )
    with pytest.raises(ValueError, match="unknown file type"):
        filename(1, date(2025, 1, 1), date(2025, 1, 2), Resolution.P1D, "exe")

"""Meter-value ingest: every validation rule, partial and atomic storage, re-import, corrections."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elkund.grid.gsrn import make_installation_id
from elkund.grid.models import Installation
from elkund.metering import repository
from elkund.metering.domain import Quality, Resolution
from elkund.metering.errors import MalformedFile
from elkund.metering.formats import FileFormat
from elkund.metering.models import MeterValue, MeterValueDay, MeterValueRevision
from elkund.metering.reading import read_values
from elkund.metering.service import IngestReport, ingest_file
from tests.factories import make_customer, make_installation
from tests.integration.helpers import NOW, csv_file, day_file

GOOD_START = "2025-06-01T10:00:00Z"


@pytest.fixture
def installation(session: Session) -> Installation:
    # 20 A main fuse: at most 20 * 692.8 W * 1.5 = 20784 Wh per hour, 5196 Wh per quarter-hour.
    return make_installation(session, holder=make_customer(session), fuse_amperes=20)


def ingest(
    session: Session, data: bytes, *, atomic: bool = False, fmt: FileFormat = FileFormat.CSV
) -> IngestReport:
    return ingest_file(session, data=data, file_format=fmt, atomic=atomic, now=NOW)


def stored_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(MeterValue)) or 0)


def test_good_rows_are_stored_as_integer_wh_in_utc(
    session: Session, installation: Installation
) -> None:
    data = csv_file([(installation.gsrn, "2025-06-01T12:00:00+02:00", "PT15M", 250, "measured")])
    report = ingest(session, data)
    assert (report.received, report.inserted, report.rejected) == (1, 1, [])
    values = read_values(
        session,
        installation_id=installation.id,
        start=datetime(2025, 6, 1, tzinfo=UTC),
        end=datetime(2025, 6, 2, tzinfo=UTC),
    )
    assert [(v.start, v.wh, v.quality) for v in values] == [
        (datetime(2025, 6, 1, 10, 0, tzinfo=UTC), 250, Quality.MEASURED)
    ]


BAD_ROWS = [
    pytest.param(
        "unknown",
        GOOD_START,
        "PT15M",
        "100",
        "measured",
        "unknown_installation",
        id="unknown-installation",
    ),
    pytest.param(
        "735999000000000014",
        GOOD_START,
        "PT15M",
        "100",
        "measured",
        "invalid_installation_id",
        id="bad-check-digit",
    ),
    pytest.param(
        "INSTALLATION",
        "2025-13-01T00:00:00Z",
        "PT15M",
        "100",
        "measured",
        "invalid_timestamp",
        id="bad-timestamp",
    ),
    pytest.param(
        "INSTALLATION",
        "2025-06-01T10:00:00",
        "PT15M",
        "100",
        "measured",
        "invalid_timestamp",
        id="no-offset",
    ),
    pytest.param(
        "INSTALLATION",
        "2025-06-01T10:07:00Z",
        "PT15M",
        "100",
        "measured",
        "misaligned_start",
        id="misaligned",
    ),
    pytest.param(
        "INSTALLATION",
        GOOD_START,
        "PT5M",
        "100",
        "measured",
        "invalid_resolution",
        id="bad-resolution",
    ),
    pytest.param(
        "INSTALLATION",
        GOOD_START,
        "PT1H",
        "100",
        "measured",
        "resolution_mismatch",
        id="resolution-mismatch",
    ),
    pytest.param(
        "INSTALLATION",
        "2025-12-31T23:50:00Z",
        "PT15M",
        "100",
        "measured",
        "misaligned_start",
        id="misaligned-late",
    ),
    pytest.param(
        "INSTALLATION",
        "2026-01-01T00:00:00Z",
        "PT15M",
        "100",
        "measured",
        "future_interval",
        id="not-yet-ended",
    ),
    pytest.param(
        "INSTALLATION", GOOD_START, "PT15M", "-5", "measured", "negative_value", id="negative"
    ),
    pytest.param(
        "INSTALLATION", GOOD_START, "PT15M", "5197", "measured", "implausible_value", id="absurd"
    ),
    pytest.param(
        "INSTALLATION", GOOD_START, "PT15M", "1.5", "measured", "invalid_value", id="fractional-wh"
    ),
    pytest.param(
        "INSTALLATION", GOOD_START, "PT15M", "lots", "measured", "invalid_value", id="not-a-number"
    ),
    pytest.param(
        "INSTALLATION", GOOD_START, "PT15M", "100", "guessed", "invalid_quality", id="bad-quality"
    ),
    pytest.param(
        "INSTALLATION", GOOD_START, "PT15M", "+7", "measured", "invalid_value", id="plus-sign"
    ),
    pytest.param(
        "INSTALLATION", GOOD_START, "PT15M", "1_000", "measured", "invalid_value", id="underscore"
    ),
    pytest.param(
        "INSTALLATION",
        "2025-06-01T10:00:00+00:75",
        "PT15M",
        "1",
        "measured",
        "invalid_timestamp",
        id="bad-offset",
    ),
    pytest.param(
        "INSTALLATION",
        "2025-06-01T10:00:00.5Z",
        "PT15M",
        "1",
        "measured",
        "misaligned_start",
        id="fraction",
    ),
    pytest.param(
        "INSTALLATION",
        "1999-06-01T10:00:00Z",
        "PT15M",
        "1",
        "measured",
        "invalid_timestamp",
        id="before-2000",
    ),
]


@pytest.mark.parametrize(("gsrn", "start", "resolution", "wh", "quality", "code"), BAD_ROWS)
def test_each_bad_row_is_rejected_with_line_and_code_while_good_rows_are_stored(
    session: Session,
    installation: Installation,
    gsrn: str,
    start: str,
    resolution: str,
    wh: str,
    quality: str,
    code: str,
) -> None:
    gsrn = installation.gsrn if gsrn == "INSTALLATION" else gsrn
    if gsrn == "unknown":
        gsrn = make_installation_id(99_999_999)
    data = csv_file(
        [
            (installation.gsrn, "2025-06-01T09:00:00Z", "PT15M", 100, "measured"),
            (gsrn, start, resolution, wh, quality),
            (installation.gsrn, "2025-06-01T09:15:00Z", "PT15M", 100, "measured"),
        ]
    )
    report = ingest(session, data)
    assert [(r.line, r.code) for r in report.rejected] == [(3, code)]
    assert report.inserted == 2
    assert stored_count(session) == 2


def test_the_largest_plausible_value_is_accepted(
    session: Session, installation: Installation
) -> None:
    report = ingest(session, csv_file([(installation.gsrn, GOOD_START, "PT15M", 5196, "measured")]))
    assert report.rejected == []


def test_row_with_wrong_number_of_fields_is_malformed(
    session: Session, installation: Installation
) -> None:
    header = "installation_id,start,resolution,energy_wh"
    data = f"{header}\n{installation.gsrn},{GOOD_START},PT15M\n".encode()
    report = ingest(session, data)
    assert [(r.line, r.code, r.detail) for r in report.rejected] == [
        (2, "malformed_row", "Expected 4 fields, found 3.")
    ]


def test_atomic_import_stores_nothing_when_any_row_is_bad(
    session: Session, installation: Installation
) -> None:
    data = csv_file(
        [
            (installation.gsrn, "2025-06-01T09:00:00Z", "PT15M", 100, "measured"),
            (installation.gsrn, "2025-06-01T09:15:00Z", "PT15M", -1, "measured"),
        ]
    )
    report = ingest(session, data, atomic=True)
    assert report.stored is False
    assert [(r.line, r.code) for r in report.rejected] == [(3, "negative_value")]
    assert (report.inserted, stored_count(session)) == (0, 0)
    assert session.scalar(select(func.count()).select_from(MeterValueDay)) == 0


def test_duplicate_interval_in_one_file_keeps_the_first(
    session: Session, installation: Installation
) -> None:
    data = csv_file(
        [
            (installation.gsrn, "2025-06-01T09:00:00Z", "PT15M", 100, "measured"),
            (installation.gsrn, "2025-06-01T11:00:00+02:00", "PT15M", 999, "measured"),
        ]
    )
    report = ingest(session, data)
    assert [(r.line, r.code, r.detail) for r in report.rejected] == [
        (3, "duplicate_in_file", "The same installation and interval as line 2.")
    ]
    assert session.scalars(select(MeterValue.wh)).all() == [100]


def test_reimporting_the_same_file_changes_nothing(
    session: Session, installation: Installation
) -> None:
    data = day_file(installation.gsrn, date(2025, 6, 1), date(2025, 6, 3))
    first = ingest(session, data)
    changed_at = session.scalars(select(MeterValueDay.changed_at)).all()
    second = ingest_file(
        session, data=data, file_format=FileFormat.CSV, now=datetime(2026, 2, 1, tzinfo=UTC)
    )
    assert (first.inserted, first.unchanged) == (192, 0)
    assert (second.inserted, second.corrected, second.unchanged) == (0, 0, 192)
    assert stored_count(session) == 192
    assert session.scalar(select(func.count()).select_from(MeterValueRevision)) == 0
    assert session.scalars(select(MeterValueDay.changed_at)).all() == changed_at
    assert set(session.scalars(select(MeterValue.version))) == {1}


def test_correction_is_a_new_version_latest_wins_and_rollup_follows(
    session: Session, installation: Installation
) -> None:
    ingest(session, day_file(installation.gsrn, date(2025, 6, 1), date(2025, 6, 2), wh=100))
    correction = csv_file([(installation.gsrn, "2025-06-01T10:00:00Z", "PT15M", 160, "estimated")])
    report = ingest_file(
        session, data=correction, file_format=FileFormat.CSV, now=datetime(2026, 2, 1, tzinfo=UTC)
    )
    assert (report.inserted, report.corrected, report.unchanged) == (0, 1, 0)
    current = session.scalars(
        select(MeterValue).where(MeterValue.start == datetime(2025, 6, 1, 10, tzinfo=UTC))
    ).one()
    assert (current.wh, current.quality, current.version) == (160, Quality.ESTIMATED, 2)
    history = repository.fetch_revisions(
        session, installation_id=installation.id, start=datetime(2025, 6, 1, 10, tzinfo=UTC)
    )
    assert history == [(1, 100, Quality.MEASURED)]
    day = session.get(MeterValueDay, (installation.id, date(2025, 6, 1)))
    assert day is not None
    assert (day.wh, day.estimated_count, day.changed_at) == (
        96 * 100 + 60,
        1,
        datetime(2026, 2, 1, tzinfo=UTC),
    )


def test_second_correction_keeps_every_earlier_version(
    session: Session, installation: Installation
) -> None:
    for wh in (100, 120, 130):
        ingest(session, csv_file([(installation.gsrn, GOOD_START, "PT15M", wh, "measured")]))
    start = datetime(2025, 6, 1, 10, tzinfo=UTC)
    history = repository.fetch_revisions(session, installation_id=installation.id, start=start)
    assert history == [(1, 100, 0), (2, 120, 0)]
    assert session.scalars(select(MeterValue.version)).all() == [3]


def test_json_format_reports_item_positions(session: Session, installation: Installation) -> None:
    data = (
        b'{"meter_values": ['
        b'{"installation_id": "%s", "start": "2025-06-01T10:00:00Z", "resolution": "PT15M",'
        b' "energy_kwh": 0.25, "quality": "estimated"},'
        b'{"installation_id": "%s", "start": "2025-06-01T10:15:00Z", "resolution": "PT15M"},'
        b'"not an object"]}'
    ) % (installation.gsrn.encode(), installation.gsrn.encode())
    report = ingest(session, data, fmt=FileFormat.JSON)
    assert [(r.line, r.code) for r in report.rejected] == [
        (2, "malformed_row"),
        (3, "malformed_row"),
    ]
    assert session.scalars(select(MeterValue.wh)).all() == [250]


def test_kwh_column_with_decimal_comma_and_semicolons(
    session: Session, installation: Installation
) -> None:
    data = (
        "installation_id;start;resolution;energy_kwh;quality\n"
        f"{installation.gsrn};2025-06-01T10:00:00Z;PT15M;1,234;measured\n"
        f"{installation.gsrn};2025-06-01T10:15:00Z;PT15M;0,0005;measured\n"
    ).encode()
    report = ingest(session, data)
    assert [(r.line, r.code) for r in report.rejected] == [(3, "invalid_value")]
    assert session.scalars(select(MeterValue.wh)).all() == [1234]


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"gsrn,when,kwh\n1,2,3\n", FileFormat.CSV, "header must name"),
        (b"\xff\xfe\x00", FileFormat.CSV, "not UTF-8"),
        (b"{not json", FileFormat.JSON, "not valid JSON"),
        (b'{"values": []}', FileFormat.JSON, '"meter_values"'),
    ],
)
def test_malformed_file_is_refused_whole(
    session: Session, installation: Installation, data: bytes, fmt: FileFormat, message: str
) -> None:
    with pytest.raises(MalformedFile, match=message) as caught:
        ingest(session, data, fmt=fmt)
    assert (caught.value.code, caught.value.status) == ("malformed_file", 400)
    assert stored_count(session) == 0


def test_batch_mixing_new_same_and_changed_values_is_counted_exactly(
    session: Session, installation: Installation
) -> None:
    ingest(session, day_file(installation.gsrn, date(2025, 6, 1), date(2025, 6, 2), wh=100))
    mixed = [
        (installation.gsrn, "2025-06-01T10:00:00Z", "PT15M", 100, "measured"),  # same
        (installation.gsrn, "2025-06-01T10:15:00Z", "PT15M", 101, "measured"),  # corrected
        (installation.gsrn, "2025-06-02T10:00:00Z", "PT15M", 5, "measured"),  # new
    ]
    report = ingest(session, csv_file(mixed))
    assert (report.inserted, report.corrected, report.unchanged) == (1, 1, 1)
    days = {d.local_date: d.wh for d in session.scalars(select(MeterValueDay))}
    assert days == {date(2025, 6, 1): 96 * 100 + 1, date(2025, 6, 2): 5}


def test_a_day_filled_by_two_imports_has_the_whole_days_rollup(
    session: Session, installation: Installation
) -> None:
    first_half = [
        (installation.gsrn, f"2025-06-01T{h:02d}:00:00+02:00", "PT1H", 10, "measured")
        for h in range(12)
    ]
    hourly = make_installation(session, resolution=Resolution.PT1H)
    first_half = [(hourly.gsrn, *row[1:]) for row in first_half]
    second_half = [
        (hourly.gsrn, f"2025-06-01T{h:02d}:00:00+02:00", "PT1H", 20, "estimated")
        for h in range(12, 24)
    ]
    ingest(session, csv_file(first_half))
    ingest(session, csv_file(second_half))
    day = session.get(MeterValueDay, (hourly.id, date(2025, 6, 1)))
    assert day is not None
    assert (day.wh, day.minutes_present, day.estimated_count) == (12 * 10 + 12 * 20, 24 * 60, 12)


def test_new_values_stored_concurrently_by_someone_else_fall_back_to_merging(
    session: Session, installation: Installation, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = day_file(installation.gsrn, date(2025, 6, 1), date(2025, 6, 2))
    ingest(session, data)
    # As if another import committed the same values between our check and our write.
    monkeypatch.setattr(repository, "_any_stored", lambda _session, _rows: False)
    report = ingest(session, data)
    assert (report.inserted, report.unchanged) == (0, 96)
    assert stored_count(session) == 96


def test_file_with_only_a_header_stores_nothing_and_says_so(
    session: Session, installation: Installation
) -> None:
    report = ingest(session, b"installation_id,start,resolution,energy_wh\n")
    assert (report.received, report.inserted, report.rejected) == (0, 0, [])


def test_a_giant_field_is_a_malformed_row_not_a_crash(
    session: Session, installation: Installation
) -> None:
    rows = [(installation.gsrn, GOOD_START, "PT15M", "9" * 200_000, "measured")]
    report = ingest(session, csv_file(rows))
    assert [(r.line, r.code) for r in report.rejected] == [(2, "malformed_row")]

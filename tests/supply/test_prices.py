"""Day-ahead price import (docs/day-ahead-prices.md): CSV and JSON, EUR→SEK exactly, per-row
rejections with line numbers, idempotent re-import; and the prices covering a period."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from elkund.core.settings import get_settings
from elkund.supply.errors import MalformedPriceFile
from elkund.supply.models import DayAheadPrice
from elkund.supply.price_formats import PriceFormat
from elkund.supply.prices import import_prices, price_series

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
CSV = b"""zone,start,resolution,price,unit,sek_per_eur
SE3,2026-03-01T00:00:00+01:00,PT15M,55.23,EUR/MWh,11.4567
SE3,2026-03-01T00:15:00+01:00,PT15M,-1.50,EUR/MWh,11.4567
SE4,2026-03-01T00:00:00+01:00,PT60M,0.8125,SEK/kWh,
"""


def _import(session: Session, data: bytes, fmt: PriceFormat = PriceFormat.CSV) -> dict[str, object]:
    return import_prices(session, data=data, file_format=fmt, now=NOW).as_dict()


def _stored(session: Session) -> list[tuple[str, datetime, str, Decimal, str, Decimal | None]]:
    rows = session.execute(
        select(
            DayAheadPrice.zone,
            DayAheadPrice.start,
            DayAheadPrice.resolution,
            DayAheadPrice.price_ore_per_kwh,
            DayAheadPrice.currency,
            DayAheadPrice.sek_per_eur,
        ).order_by(DayAheadPrice.zone, DayAheadPrice.start)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_csv_import_converts_eur_per_mwh_to_ore_per_kwh_exactly(session: Session) -> None:
    report = _import(session, CSV)
    assert report == {"received": 3, "inserted": 3, "updated": 0, "unchanged": 0, "rejected": []}
    assert _stored(session) == [
        # 55.23 EUR/MWh × 11.4567 SEK/EUR = 632.753541 SEK/MWh = 63.2753541 öre/kWh
        ("SE3", datetime(2026, 2, 28, 23, tzinfo=UTC), "PT15M", Decimal("63.2753541"), "EUR",
         Decimal("11.4567")),
        ("SE3", datetime(2026, 2, 28, 23, 15, tzinfo=UTC), "PT15M", Decimal("-1.718505"), "EUR",
         Decimal("11.4567")),
        ("SE4", datetime(2026, 2, 28, 23, tzinfo=UTC), "PT60M", Decimal("81.25"), "SEK", None),
    ]  # fmt: skip
    source = session.scalars(select(DayAheadPrice.source_price).order_by(DayAheadPrice.zone))
    assert next(iter(source)) == Decimal("55.23")


def test_json_import_same_layout_with_numbers_or_strings(session: Session) -> None:
    document = {
        "prices": [
            {"zone": "SE1", "start": "2026-03-01T12:00:00Z", "resolution": "PT1H",
             "price": 12.5, "unit": "EUR/MWh", "sek_per_eur": "11.2"},
            {"zone": "SE2", "start": "2026-03-01T12:00:00Z", "resolution": "PT15M",
             "price": "0.12345", "unit": "SEK/kWh"},
        ]
    }  # fmt: skip
    report = _import(session, orjson.dumps(document), PriceFormat.JSON)
    assert (report["inserted"], report["rejected"]) == (2, [])
    stored = _stored(session)
    assert stored[0][2:4] == ("PT60M", Decimal("14"))  # PT1H is read as PT60M
    assert stored[1][3] == Decimal("12.345")


def test_reimport_is_idempotent_and_counts_changed_values(session: Session) -> None:
    _import(session, CSV)
    again = _import(session, CSV)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 3)
    corrected = CSV.replace(b"55.23,EUR/MWh", b"56.00,EUR/MWh")
    changed = _import(session, corrected)
    assert (changed["inserted"], changed["updated"], changed["unchanged"]) == (0, 1, 2)
    assert _stored(session)[0][3] == Decimal("64.15752")  # 56 × 11.4567 / 10
    assert len(_stored(session)) == 3


@pytest.mark.parametrize(
    ("row", "code"),
    [
        (b"SE5,2026-03-01T00:00:00+01:00,PT15M,1,EUR/MWh,11", "invalid_zone"),
        (b"SE3,2026-03-01T00:00:00,PT15M,1,EUR/MWh,11", "invalid_timestamp"),
        (b"SE3,1 mars,PT15M,1,EUR/MWh,11", "invalid_timestamp"),
        (b"SE3,2026-03-01T00:00:00+01:00,PT30M,1,EUR/MWh,11", "invalid_resolution"),
        (b"SE3,2026-03-01T00:10:00+01:00,PT15M,1,EUR/MWh,11", "misaligned_start"),
        (b"SE3,2026-03-01T00:15:00+01:00,PT60M,1,EUR/MWh,11", "misaligned_start"),
        (b"SE3,2026-03-04T00:00:00+01:00,PT15M,1,EUR/MWh,11", "too_far_ahead"),
        (b"SE3,2026-03-01T00:00:00+01:00,PT15M,abc,EUR/MWh,11", "invalid_price"),
        (b"SE3,2026-03-01T00:00:00+01:00,PT15M,1,EUR/kWh,11", "invalid_unit"),
        (b"SE3,2026-03-01T00:00:00+01:00,PT15M,1,EUR/MWh,", "missing_exchange_rate"),
        (b"SE3,2026-03-01T00:00:00+01:00,PT15M,1,EUR/MWh,1145.67", "invalid_exchange_rate"),
        (b"SE3,2026-03-01T00:00:00+01:00,PT15M,1,SEK/kWh,11", "invalid_exchange_rate"),
        (b"SE3,2026-03-01T00:00:00+01:00,PT15M,1.123456789,EUR/MWh,11", "too_many_decimals"),
        (b"SE3,2026-03-01T00:00:00+01:00,PT15M,50000,EUR/MWh,11", "implausible_price"),
        (b"SE3,2026-03-01T00:00:00+01:00,PT15M,1,EUR/MWh", "malformed_row"),
    ],
)
def test_bad_rows_are_rejected_with_their_line_and_code(
    session: Session, row: bytes, code: str
) -> None:
    data = CSV + row + b"\n"
    report = _import(session, data)
    rejected: list[dict[str, object]] = report["rejected"]  # type: ignore[assignment]
    assert [(r["line"], r["error"]) for r in rejected] == [(5, code)]
    assert rejected[0]["detail"]
    assert report["inserted"] == 3  # the good rows are stored all the same


def test_duplicate_interval_in_a_file_keeps_the_first(session: Session) -> None:
    data = CSV + b"SE3,2026-02-28T23:00:00Z,PT15M,99,EUR/MWh,11\n"
    report = _import(session, data)
    assert [(r["line"], r["error"]) for r in report["rejected"]] == [(5, "duplicate_in_file")]  # type: ignore[attr-defined]
    assert _stored(session)[0][3] == Decimal("63.2753541")


def test_json_rejections_are_numbered_by_position(session: Session) -> None:
    document = {"prices": [
        {"zone": "SE3", "start": "2026-03-01T00:00:00Z", "resolution": "PT15M", "price": "1",
         "unit": "SEK/kWh"},
        "not an object",
        {"zone": "SE3", "start": "2026-03-01T00:00:00Z", "resolution": "PT15M", "unit": "SEK/kWh"},
    ]}  # fmt: skip
    report = _import(session, orjson.dumps(document), PriceFormat.JSON)
    assert [(r["line"], r["error"]) for r in report["rejected"]] == [  # type: ignore[attr-defined]
        (2, "malformed_row"),
        (3, "invalid_price"),
    ]


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (b"zone,start,price\nSE3,x,1\n", PriceFormat.CSV),
        (b"\xff\xfe", PriceFormat.CSV),
        (b"{not json", PriceFormat.JSON),
        (b'{"values": []}', PriceFormat.JSON),
    ],
)
def test_a_malformed_file_is_refused_whole(session: Session, data: bytes, fmt: PriceFormat) -> None:
    with pytest.raises(MalformedPriceFile) as error:
        import_prices(session, data=data, file_format=fmt, now=NOW)
    assert error.value.code == "malformed_file"


def test_price_series_covers_the_period_and_prefers_quarter_hours(session: Session) -> None:
    start = datetime(2026, 2, 28, 22, tzinfo=UTC)
    lines = ["zone,start,resolution,price,unit"]
    for hour in range(3):  # hourly prices 22:00–01:00 UTC
        at = start + timedelta(hours=hour)
        lines.append(f"SE3,{at.isoformat()},PT60M,0.{hour + 1}0,SEK/kWh")
    for quarter in range(4):  # quarter-hours for 23:00–24:00 UTC
        at = start + timedelta(hours=1, minutes=15 * quarter)
        lines.append(f"SE3,{at.isoformat()},PT15M,0.2{quarter},SEK/kWh")
    lines.append(f"SE4,{start.isoformat()},PT60M,9,SEK/kWh")
    _import(session, ("\n".join(lines) + "\n").encode())
    series = price_series(session, "SE3", start + timedelta(minutes=30), start + timedelta(hours=2))
    assert [(p.start - start, p.resolution, p.ore_per_kwh) for p in series] == [
        (timedelta(0), "PT60M", Decimal("10")),  # begun before the period: covers its start
        (timedelta(hours=1), "PT15M", Decimal("20")),
        (timedelta(hours=1, minutes=15), "PT15M", Decimal("21")),
        (timedelta(hours=1, minutes=30), "PT15M", Decimal("22")),
        (timedelta(hours=1, minutes=45), "PT15M", Decimal("23")),
    ]
    assert series[0].end == start + timedelta(hours=1)
    assert price_series(session, "SE1", start, start + timedelta(hours=3)) == []


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("ELKUND_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    get_settings.cache_clear()
    yield str(tmp_path)
    get_settings.cache_clear()


def test_cli_prices_import(cli_database: str) -> None:
    """``elkund prices import FILE --json``: the report, and exit 1 when rows were rejected."""
    from elkund.cli.main import app

    path = Path(cli_database) / "prices.csv"
    path.write_bytes(CSV + b"SE9,2026-03-01T00:00:00Z,PT15M,1,SEK/kWh,\n")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["prices", "import", str(path), "--json"])
    assert result.exit_code == 1, result.output
    report = orjson.loads(result.output.strip().splitlines()[-1])
    assert (report["inserted"], report["rejected"][0]["line"]) == (3, 5)
    again = runner.invoke(app, ["prices", "import", str(path), "--format", "csv"])
    assert "0 new, 0 updated, 3 unchanged, 1 rejected" in again.output
    missing = runner.invoke(app, ["prices", "import", str(Path(cli_database) / "nope.csv")])
    assert missing.exit_code == 2
    assert "file_not_found" in missing.output

"""The bulk CSV route must give exactly what the row-by-row route gives, for any input."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from elkund.grid.gsrn import make_installation_id
from elkund.metering.fastcsv import scan, validate_scan
from elkund.metering.formats import parse_csv
from elkund.metering.validation import InstallationLimits, Rejection, ValidRow, validate_readings

NOW = datetime(2026, 1, 1, tzinfo=UTC)
QUARTER = make_installation_id(1)
HOURLY = make_installation_id(2)
UNKNOWN = make_installation_id(3)
LIMITS = {
    QUARTER: InstallationLimits(id=1, minutes=15, max_wh_per_hour=20_000),
    HOURLY: InstallationLimits(id=2, minutes=60, max_wh_per_hour=20_000),
}
STARTS = [
    "2025-06-01T10:00:00+00:75",
    "1999-12-31T23:00:00Z",
    "2025-06-01T10:15+02:00",
    "2025-06-01T10:00:00.9+00:00",
    "2025-06-01T10:00:00Z",
    "2025-06-01T12:15:00+02:00",
    "2025-03-30T01:45:00+01:00",
    "2025-10-26T02:00:00+01:00",
    "2025-10-26T02:00:00+02:00",
    "2024-02-29T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2025-04-31T00:00:00Z",
    "2025-13-01T00:00:00Z",
    "2025-06-01T24:00:00Z",
    "2025-06-01T10:07:00Z",
    "2025-06-01T10:00:00",
    "2025-06-01T10:00:00z",
    "2025-06-01T10:00:00.000Z",
    "2025-06-01T10:00:00+0100",
    "2025-12-31T23:45:00Z",
    "2026-01-01T00:00:00Z",
    "1969-12-31T23:00:00Z",
    "2025-06-01",
    "",
    "garbage",
    "2025-06-01T10:00:00-05:30",
    "2025-06-01T10:00:00+14:00",
]
ENERGY = [
    "1_000",
    "0",
    "00012",
    "417",
    "5000",
    "5001",
    "-5",
    "1.5",
    "abc",
    "",
    "99999999999",
    "1e3",
    "+7",
]
RESOLUTION = ["PT15M", "PT1H", "PT60M", "PT5M", "", "pt15m"]
QUALITY = ["measured", "estimated", "missing", "MEASURED", "guess", ""]
GSRN = [QUARTER, QUARTER, HOURLY, UNKNOWN, "735999000000000014", "73599900000000001", "x"]


def pick(rng: random.Random, usual: list[str], anything: list[str]) -> str:
    """Mostly a usual value, so that many rows are good; otherwise any value at all."""
    return rng.choice(usual if rng.random() < 0.7 else anything)


def random_file(rng: random.Random, lines: int, *, crlf: bool, semicolon: bool) -> bytes:
    delimiter = ";" if semicolon else ","
    body = ["installation_id,start,resolution,energy_wh,quality".replace(",", delimiter)]
    for _ in range(lines):
        roll = rng.random()
        if roll < 0.05 and len(body) > 1:
            body.append(rng.choice(body[1:]))  # a duplicate of an earlier line
        elif roll < 0.08:
            body.append(rng.choice(["", "only,three,fields", f"{QUARTER},x,y,z,w,extra"]))
        else:
            fields = [
                pick(rng, [QUARTER, HOURLY], GSRN),
                pick(rng, STARTS[4:7], STARTS),
                pick(rng, ["PT15M", "PT1H"], RESOLUTION),
                pick(rng, ["417", "0"], ENERGY),
                pick(rng, ["measured", "estimated"], QUALITY),
            ]
            body.append(delimiter.join(fields))
    newline = "\r\n" if crlf else "\n"
    return (newline.join(body) + newline).encode()


def slow_route(data: bytes) -> tuple[list[ValidRow], list[Rejection]]:
    parsed = parse_csv(data)
    good, rejected = validate_readings(parsed.readings, LIMITS, now=NOW)
    return good, [*parsed.rejections, *rejected]


def fast_route(data: bytes) -> tuple[list[ValidRow], list[Rejection]]:
    scanned = scan(data)
    assert scanned is not None
    good, batch, rejected = validate_scan(scanned, LIMITS, now=NOW, lookup=lambda ids: {})
    assert batch.columns.T.tolist() == [list(row) for row in good]
    return good, rejected


@pytest.mark.parametrize("seed", range(40))
def test_bulk_route_equals_row_by_row_route(seed: int) -> None:
    rng = random.Random(seed)
    data = random_file(rng, 300, crlf=seed % 3 == 0, semicolon=seed % 4 == 0)
    slow_good, slow_rejected = slow_route(data)
    fast_good, fast_rejected = fast_route(data)
    assert sorted(fast_good) == sorted(slow_good)
    assert sorted(fast_rejected, key=lambda r: r.line) == sorted(
        slow_rejected, key=lambda r: r.line
    )
    assert slow_good  # the generator does produce good rows too


def test_clean_file_is_decoded_without_the_row_path() -> None:
    header = "installation_id,start,resolution,energy_wh,quality"
    data = f"{header}\n{QUARTER},2025-06-01T12:15:00+02:00,PT15M,417,estimated\n".encode()
    scanned = scan(data)
    assert scanned is not None
    lines, columns, leftover = scanned.validate(LIMITS, now=int(NOW.timestamp()))
    assert (lines.tolist(), columns.T.tolist(), leftover) == (
        [2],
        [[1, int(datetime(2025, 6, 1, 10, 15, tzinfo=UTC).timestamp()), 15, 417, 1]],
        [],
    )


@pytest.mark.parametrize(
    "data",
    [
        b'installation_id,start,resolution,energy_wh\n"735999000000000013",2025-06-01T10:00:00Z,PT15M,1\n',
        b"installation_id,start,resolution,energy_kwh\n735999000000000013,2025-06-01T10:00:00Z,PT15M,1\n",
        "installation_id,start,resolution,energy_wh\n735999000000000013,2025-06-01T10:00:00Z,PT15M,١\n".encode(),
        b"installation_id,start,resolution,energy_wh\r735999000000000013,2025-06-01T10:00:00Z,PT15M,1\r",
        b"",
    ],
    ids=["quoted", "kwh", "non-ascii", "bare-carriage-returns", "empty"],
)
def test_files_that_are_not_plain_take_the_usual_route(data: bytes) -> None:
    assert scan(data) is None

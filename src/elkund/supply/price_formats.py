"""Day-ahead price files (docs/day-ahead-prices.md): parsing CSV and JSON, and checking each row.

Pure: no I/O. Every bad row becomes a ``Rejection`` with its line (CSV: the line in the file, the
header being 1; JSON: the item's position, from 1) and a stable code; good rows become exact
``ValidPrice`` values in öre/kWh.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import orjson

from elkund.core.localtime import local_date, local_midnight
from elkund.metering.validation import Rejection
from elkund.supply.errors import MalformedPriceFile
from elkund.supply.errors import PriceRejectCode as Code
from elkund.supply.models import SPOT_SCALE

REQUIRED_COLUMNS = ("zone", "start", "resolution", "price", "unit")
RATE_COLUMN = "sek_per_eur"
ZONES = frozenset({"SE1", "SE2", "SE3", "SE4"})
RESOLUTIONS = {"PT15M": "PT15M", "PT60M": "PT60M", "PT1H": "PT60M"}
UNITS = {"eur/mwh": "EUR", "sek/kwh": "SEK"}
RATE_SCALE = 6
# Far beyond any price the Nordic day-ahead market has cleared at (its harmonised limits are a few
# thousand EUR/MWh either way): a value outside is a unit or decimal-point mistake.
MIN_ORE, MAX_ORE = Decimal(-2000), Decimal(10000)
MIN_RATE, MAX_RATE = Decimal(5), Decimal(25)  # SEK per EUR
DAYS_AHEAD = 2  # day-ahead prices exist for tomorrow at the latest


class PriceFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class PriceRow:
    """One row as it arrived."""

    line: int
    zone: str
    start: str
    resolution: str
    price: str
    unit: str
    sek_per_eur: str | None = None


@dataclass(frozen=True, slots=True)
class ValidPrice:
    zone: str
    start: datetime  # UTC
    resolution: str  # PT15M or PT60M
    price_ore_per_kwh: Decimal
    source_price: Decimal  # in the source unit
    currency: str  # EUR (per MWh) or SEK (per kWh)
    sek_per_eur: Decimal | None

    @property
    def key(self) -> tuple[str, datetime, str]:
        return self.zone, self.start, self.resolution


class _Rejected(Exception):
    def __init__(self, code: str, detail: str) -> None:
        self.code, self.detail = code, detail


def guess_format(filename: str) -> PriceFormat:
    return PriceFormat.JSON if filename.lower().endswith(".json") else PriceFormat.CSV


def parse(data: bytes, file_format: PriceFormat) -> tuple[list[PriceRow], list[Rejection]]:
    return parse_json(data) if file_format is PriceFormat.JSON else parse_csv(data)


def parse_csv(data: bytes) -> tuple[list[PriceRow], list[Rejection]]:
    """Comma- or semicolon-separated UTF-8 with a header row naming the columns."""
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        wanted = ", ".join([*REQUIRED_COLUMNS, f"[{RATE_COLUMN}]"])
        raise MalformedPriceFile(f"The header must name the columns {wanted}.")
    index = {
        name: header.index(name) for name in (*REQUIRED_COLUMNS, RATE_COLUMN) if name in header
    }
    rows: list[PriceRow] = []
    rejections: list[Rejection] = []
    try:
        for fields in reader:
            line = reader.line_num
            if not any(field.strip() for field in fields):
                continue
            if len(fields) != len(header):
                detail = f"Expected {len(header)} fields, found {len(fields)}."
                rejections.append(Rejection(line, Code.MALFORMED_ROW, detail))
                continue
            rows.append(_csv_row(line, [field.strip() for field in fields], index))
    except csv.Error as error:
        raise MalformedPriceFile(f"Unreadable CSV at line {reader.line_num}: {error}") from None
    return rows, rejections


def _csv_row(line: int, fields: list[str], index: dict[str, int]) -> PriceRow:
    zone, start, resolution, price, unit = (fields[index[name]] for name in REQUIRED_COLUMNS)
    rate = fields[index[RATE_COLUMN]] if RATE_COLUMN in index else ""
    return PriceRow(line, zone, start, resolution, price, unit, rate or None)


def parse_json(data: bytes) -> tuple[list[PriceRow], list[Rejection]]:
    """``{"prices": [{...}, ...]}``; a rejection's line is the item's position, from 1."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise MalformedPriceFile(f"The file is not valid JSON: {error}") from None
    items = document.get("prices") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise MalformedPriceFile('The JSON document must be an object with a list "prices".')
    rows: list[PriceRow] = []
    rejections: list[Rejection] = []
    for position, item in enumerate(items, start=1):
        row = _json_row(position, item)
        if isinstance(row, Rejection):
            rejections.append(row)
        else:
            rows.append(row)
    return rows, rejections


def _json_row(position: int, item: Any) -> PriceRow | Rejection:
    texts = ("zone", "start", "resolution", "unit")
    if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in texts):
        detail = "Each price is an object with zone, start, resolution, unit as strings and price."
        return Rejection(position, Code.MALFORMED_ROW, detail)
    price, rate = _json_number(item.get("price")), _json_number(item.get(RATE_COLUMN))
    if price is None:
        return Rejection(position, Code.INVALID_PRICE, "price must be a number or a string.")
    return PriceRow(
        position, item["zone"], item["start"], item["resolution"], price, item["unit"], rate
    )


def _json_number(value: Any) -> str | None:
    # A JSON number is read by its shortest decimal form (55.23, not 55.229999…); strings are exact.
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return repr(value)
    return value if isinstance(value, str) else None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedPriceFile("The file is not UTF-8 text.") from None


def validate(
    rows: Iterable[PriceRow], *, now: datetime
) -> tuple[list[ValidPrice], list[Rejection]]:
    """Check every row; the first of two rows for the same zone, start and resolution wins."""
    horizon = local_midnight(local_date(now) + timedelta(days=DAYS_AHEAD))
    good: dict[tuple[str, datetime, str], ValidPrice] = {}
    rejected: list[Rejection] = []
    for row in rows:
        try:
            price = validate_row(row, horizon=horizon)
            if price.key in good:
                raise _Rejected(Code.DUPLICATE_IN_FILE, "An earlier row has the same interval.")
        except _Rejected as error:
            rejected.append(Rejection(row.line, error.code, error.detail))
            continue
        good[price.key] = price
    return list(good.values()), rejected


def validate_row(row: PriceRow, *, horizon: datetime) -> ValidPrice:
    zone = row.zone.strip().upper()
    if zone not in ZONES:
        raise _Rejected(Code.INVALID_ZONE, "zone must be SE1, SE2, SE3 or SE4.")
    resolution = RESOLUTIONS.get(row.resolution.strip().upper())
    if resolution is None:
        raise _Rejected(Code.INVALID_RESOLUTION, "resolution must be PT15M or PT60M.")
    start = _start(row.start, resolution, horizon)
    currency = UNITS.get(row.unit.strip().lower())
    if currency is None:
        raise _Rejected(Code.INVALID_UNIT, "unit must be EUR/MWh or SEK/kWh.")
    source = _decimal(row.price, Code.INVALID_PRICE, "price")
    rate = _rate(row.sek_per_eur, currency)
    ore = source * rate / 10 if rate is not None else source * 100
    if not MIN_ORE <= ore <= MAX_ORE:
        raise _Rejected(Code.IMPLAUSIBLE_PRICE, f"{ore} öre/kWh is not a plausible spot price.")
    _fits(source, SPOT_SCALE, "price")
    _fits(ore, SPOT_SCALE, "the price in öre/kWh")
    return ValidPrice(zone, start, resolution, ore, source, currency, rate)


def _start(text: str, resolution: str, horizon: datetime) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in text:
        raise _Rejected(Code.INVALID_TIMESTAMP, "start must be ISO 8601 with a UTC offset.")
    start = parsed.astimezone(UTC)
    minutes = 15 if resolution == "PT15M" else 60
    if start.microsecond or int(start.timestamp()) % (minutes * 60):
        raise _Rejected(Code.MISALIGNED_START, f"start is not on a {resolution} boundary.")
    if start >= horizon:
        raise _Rejected(Code.TOO_FAR_AHEAD, "Day-ahead prices exist up to tomorrow at the latest.")
    return start


def _rate(text: str | None, currency: str) -> Decimal | None:
    if currency == "SEK":
        if text is not None:
            raise _Rejected(Code.INVALID_EXCHANGE_RATE, "A SEK/kWh price has no exchange rate.")
        return None
    if text is None:
        raise _Rejected(Code.MISSING_EXCHANGE_RATE, "A EUR/MWh price needs sek_per_eur.")
    rate = _decimal(text, Code.INVALID_EXCHANGE_RATE, "sek_per_eur")
    if not MIN_RATE <= rate <= MAX_RATE or rate != rate.quantize(Decimal(1).scaleb(-RATE_SCALE)):
        detail = f"sek_per_eur: {MIN_RATE}–{MAX_RATE} with at most {RATE_SCALE} decimals."
        raise _Rejected(Code.INVALID_EXCHANGE_RATE, detail)
    return rate


def _decimal(text: str, code: str, name: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", ".", 1))
    except InvalidOperation:
        raise _Rejected(code, f"{name} is not a number.") from None
    if not value.is_finite():
        raise _Rejected(code, f"{name} is not a number.")
    return value


def _fits(value: Decimal, scale: int, name: str) -> None:
    if value != value.quantize(Decimal(1).scaleb(-scale)):
        raise _Rejected(Code.TOO_MANY_DECIMALS, f"{name} has more than {scale} decimals.")

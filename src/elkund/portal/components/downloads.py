"""Ladda ner: a customer's historical meter values as CSV or Excel (TPA-11, EU-1; always free).

Both files take either an aggregated ``Series`` or the stored values from ``read_values``. Times
are local (Europe/Stockholm). The CSV writes them in ISO 8601 with their UTC offset; Excel cannot
hold an offset, so the workbook has it in a column of its own, which tells apart the two 02:00
hours of the last Sunday in October. A missing stored value has an empty kWh cell rather than 0.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from elkund.metering.domain import Quality
from elkund.metering.reading import MeterReading, Series
from elkund.portal.components.formatting import kwh_of, to_local, utc_offset
from elkund.portal.components.i18n import Lang, translate

CSV_MEDIA_TYPE: Final = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS: Final = ("csv", "xlsx")

_DELIMITER: Final[dict[Lang, str]] = {"sv": ";", "en": ","}
_VALUE_QUALITY_KEY: Final = {
    Quality.MEASURED: "value_measured",
    Quality.ESTIMATED: "value_estimated",
    Quality.MISSING: "value_missing",
}

Values = Series | Sequence[MeterReading]


@dataclass(frozen=True, slots=True)
class _Line:
    start: datetime  # local
    end: datetime
    wh: int | None
    quality: str


def csv_bytes(values: Values, lang: Lang) -> bytes:
    """UTF-8 with a BOM so Excel opens it; Swedish: ``;`` and decimal comma, English: ``,`` and
    decimal point. Columns Från;Till;kWh;Kvalitet (From,To,kWh,Quality)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=_DELIMITER[lang], lineterminator="\r\n")
    writer.writerow(_header(lang)[:4])
    for line in _lines(values, lang):
        writer.writerow(
            [
                line.start.isoformat(timespec="minutes"),
                line.end.isoformat(timespec="minutes"),
                _csv_kwh(line.wh, lang),
                line.quality,
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(values: Values, lang: Lang) -> bytes:
    """A workbook with one sheet: a frozen header row, local times as Excel datetimes, kWh as
    numbers shown with three decimals, the quality word and the UTC offset of the start."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = translate("meter_values", lang)
    sheet.append(_header(lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row, line in enumerate(_lines(values, lang), start=2):
        kwh = float(kwh_of(line.wh)) if line.wh is not None else None
        sheet.append(
            [_naive(line.start), _naive(line.end), kwh, line.quality, utc_offset(line.start)]
        )
        sheet.cell(row, 1).number_format = "yyyy-mm-dd hh:mm"
        sheet.cell(row, 2).number_format = "yyyy-mm-dd hh:mm"
        sheet.cell(row, 3).number_format = "0.000"
    for column, width in enumerate((18, 18, 12, 30, 18), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(installation_id: int | str, start: date, end: date, resolution: str, ext: str) -> str:
    """``matvarden-735999100000000018-2025-03-01-2025-03-31-PT1H.csv`` for local dates
    ``[start, end)``: the name shows the last day included, and only safe characters."""
    if ext not in EXTENSIONS:
        raise ValueError(f"unknown file type {ext!r}")
    last = end - timedelta(days=1)
    ident = re.sub(r"[^A-Za-z0-9]+", "-", str(installation_id)).strip("-")
    res = re.sub(r"[^A-Za-z0-9]+", "", str(resolution))
    return f"matvarden-{ident}-{start.isoformat()}-{last.isoformat()}-{res}.{ext}"


def _header(lang: Lang) -> list[str]:
    return [translate(key, lang) for key in ("from", "to", "kwh", "quality", "utc_offset")]


def _lines(values: Values, lang: Lang) -> Iterator[_Line]:
    if isinstance(values, Series):
        for bucket in values.buckets:
            word = translate(f"quality_{bucket.quality.value}", lang)
            yield _Line(to_local(bucket.start), to_local(bucket.end), bucket.wh, word)
        return
    for reading in values:
        start = to_local(reading.start)
        end = to_local(reading.start + timedelta(minutes=reading.resolution.minutes))
        wh = None if reading.quality is Quality.MISSING else reading.wh
        yield _Line(start, end, wh, translate(_VALUE_QUALITY_KEY[reading.quality], lang))


def _csv_kwh(wh: int | None, lang: Lang) -> str:
    if wh is None:
        return ""
    text = format(kwh_of(wh).quantize(Decimal("0.001")), "f")
    return text.replace(".", ",") if lang == "sv" else text


def _naive(local: datetime) -> datetime:
    """Excel has no time zones: the local wall-clock time."""
    return local.replace(tzinfo=None)

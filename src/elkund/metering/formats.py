"""The documented import formats (docs/meter-value-formats.md): CSV and JSON.

Parsing only checks shape; everything about meaning is ``validation``'s job.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from typing import Any

import orjson

from elkund.metering.errors import MalformedFile, RejectCode
from elkund.metering.validation import Reading, Rejection

REQUIRED_COLUMNS = ("installation_id", "start", "resolution")
ENERGY_COLUMNS = {"energy_wh": "wh", "energy_kwh": "kwh"}


class FileFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(slots=True)
class ParsedFile:
    readings: list[Reading] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def parse(data: bytes, file_format: FileFormat) -> ParsedFile:
    if file_format is FileFormat.CSV:
        return parse_csv(data)
    return parse_json(data)


def guess_format(filename: str) -> FileFormat:
    return FileFormat.JSON if filename.lower().endswith(".json") else FileFormat.CSV


def parse_csv(data: bytes) -> ParsedFile:
    """Comma- or semicolon-separated, UTF-8, a header row naming the columns."""
    text = _decode(data)
    lines = text.splitlines()
    first_line = lines[0] if lines else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = [
        name.strip().lower() for name in next(csv.reader([first_line], delimiter=delimiter), [])
    ]
    index, unit = columns_of(header)
    numbered = list(enumerate(lines[1:], start=2))
    # Plain files (no quoting, no padding) are split directly: several times faster than csv.
    if '"' not in text and " " not in text and "\t" not in text:
        rows = (line.split(delimiter) for _, line in numbered)
        return _read_rows(rows, index, unit, width=len(header), strip=False)
    return parse_lines(numbered, delimiter=delimiter, index=index, unit=unit, width=len(header))


def parse_lines(
    lines: list[tuple[int, str]], *, delimiter: str, index: dict[str, int], unit: str, width: int
) -> ParsedFile:
    """Parse numbered lines of a CSV file whose header is known, one line at a time.

    A line the csv module cannot read (a runaway quote, a field of megabytes) is a malformed row,
    not the end of the file.
    """
    parsed = ParsedFile()
    for line, text in lines:
        try:
            fields = next(csv.reader([text], delimiter=delimiter), [])
        except csv.Error as error:
            parsed.rejections.append(
                Rejection(line, RejectCode.MALFORMED_ROW, f"Unreadable: {error}.")
            )
            continue
        part = _read_rows(iter([fields]), index, unit, width=width, strip=True)
        parsed.readings += [reading._replace(line=line) for reading in part.readings]
        parsed.rejections += [Rejection(line, r.code, r.detail) for r in part.rejections]
    return parsed


def _read_rows(
    rows: Iterator[list[str]], index: dict[str, int], unit: str, *, width: int, strip: bool
) -> ParsedFile:
    names = ["installation_id", "start", "resolution", "energy", "quality"]
    pick = itemgetter(*(index[name] for name in names if name in index))
    tail = (unit,) if "quality" in index else ("measured", unit)
    readings: list[Reading] = []
    rejections: list[Rejection] = []
    for line, row in enumerate(rows, start=2):
        if len(row) != width:
            if row and (len(row) > 1 or row[0].strip()):
                detail = f"Expected {width} fields, found {len(row)}."
                rejections.append(Rejection(line, RejectCode.MALFORMED_ROW, detail))
            continue
        if strip:
            row = [field.strip() for field in row]
        readings.append(Reading(line, *pick(row), *tail))
    return ParsedFile(readings, rejections)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedFile("The file is not UTF-8 text.") from None


def columns_of(header: list[str]) -> tuple[dict[str, int], str]:
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    energy = [name for name in ENERGY_COLUMNS if name in header]
    if missing or len(energy) != 1:
        wanted = ", ".join([*REQUIRED_COLUMNS, "energy_wh or energy_kwh", "[quality]"])
        raise MalformedFile(f"The header must name the columns {wanted}.")
    index = {name: header.index(name) for name in (*REQUIRED_COLUMNS, "quality") if name in header}
    index["energy"] = header.index(energy[0])
    return index, ENERGY_COLUMNS[energy[0]]


def parse_json(data: bytes) -> ParsedFile:
    """``{"meter_values": [{...}, ...]}``; a rejection's line is the item's position, from 1."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise MalformedFile(f"The file is not valid JSON: {error}") from None
    items = document.get("meter_values") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise MalformedFile('The JSON document must be an object with a list "meter_values".')
    parsed = ParsedFile()
    for position, item in enumerate(items, start=1):
        reading = _json_reading(position, item)
        if isinstance(reading, Rejection):
            parsed.rejections.append(reading)
        else:
            parsed.readings.append(reading)
    return parsed


def _json_reading(position: int, item: Any) -> Reading | Rejection:
    if not isinstance(item, dict):
        return Rejection(position, RejectCode.MALFORMED_ROW, "Each meter value must be an object.")
    energy = [name for name in ENERGY_COLUMNS if name in item]
    fields = (item.get(name) for name in REQUIRED_COLUMNS)
    if len(energy) != 1 or not all(isinstance(value, str) for value in fields):
        detail = (
            "Needs installation_id, start and resolution as strings, and energy_wh or energy_kwh."
        )
        return Rejection(position, RejectCode.MALFORMED_ROW, detail)
    quality = item.get("quality", "measured")
    if not isinstance(quality, str):
        return Rejection(position, RejectCode.INVALID_QUALITY, "Quality must be a string.")
    return Reading(
        line=position,
        installation_id=item["installation_id"],
        start=item["start"],
        resolution=item["resolution"],
        energy=item[energy[0]],
        quality=quality,
        unit=ENERGY_COLUMNS[energy[0]],
    )

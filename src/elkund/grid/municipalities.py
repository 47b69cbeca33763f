"""Sweden's 290 municipalities (SCB codes): data/municipalities.csv, CC0, sjbrg/swedish-geodata."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class Municipality:
    code: str
    name: str
    county_code: str


@cache
def municipalities() -> dict[str, Municipality]:
    text = files("elkund.grid").joinpath("data/municipalities.csv").read_text(encoding="utf-8")
    return {
        row["municipality_code"]: Municipality(
            row["municipality_code"], row["municipality_name_short"], row["county_code"]
        )
        for row in csv.DictReader(text.splitlines())
    }

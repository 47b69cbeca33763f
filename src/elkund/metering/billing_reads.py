"""Read-only sums of stored meter values for the billing run (ADR 0018), all computed in SQL.

A billing run needs, per installation and month, how many values there are and whether they tile
the month (SUP-7), their Σ Wh and, for a spot-priced product, Σ Wh × price; a version of the
values to notice corrections on a re-run; and the daily usage for the invoice's chart (SUP-10).
Bringing every value into Python for that cost more than the whole set-based baseline, so the
sums come from one ``GROUP BY`` over ``meter_values`` and the days from ``meter_value_days``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from elkund.core.bulk import create_stage, load_stage
from elkund.core.db import is_postgres
from elkund.core.localtime import from_epoch

_WINDOWS = "billing_window_stage"
_PRICES = "billing_price_stage"
_MISSING = 2
# Prices are split as hi × 2^31 + lo, 0 ≤ lo < 2^31, so that no product with a Wh (int4)
# leaves int64 in either database (SQLite would silently turn it into a float).
PRICE_SPLIT = 31


@dataclass(frozen=True, slots=True)
class Window:
    """Values of one installation in [lo, hi) (epoch s), metered in ``minutes``; ``zone`` is
    the index of its price grid, or -1 for no prices (a fixed price)."""

    key: int
    installation_id: int
    lo: int
    hi: int
    minutes: int
    zone: int


@dataclass(frozen=True, slots=True)
class PriceSlot:
    """The price of a value of ``minutes`` starting at ``start`` (epoch s) in a zone: Wh × this
    gives its share of Σ Wh × 4·öre/kWh·10^7."""

    zone: int
    minutes: int
    start: int
    price: int


@dataclass(frozen=True, slots=True)
class WindowSums:
    count: int
    first: int  # epoch s of the earliest start
    last: int  # epoch s of the latest start
    wh: int
    versions: int  # Σ version: grows with every correction (values are never deleted)
    not_measured: int  # values estimated or missing
    refused: int  # values missing or negative: ``rate`` refuses them
    odd: int  # values not at the window's resolution or off its grid
    unpriced: int  # values with Wh but no price (priced windows)
    cost: int  # Σ Wh × price (priced windows)


def window_sums(
    session: Session, windows: Sequence[Window], prices: Sequence[PriceSlot]
) -> dict[int, WindowSums]:
    """The sums of each window with values, by key, in one query."""
    if not windows:
        return {}
    postgres = is_postgres(session)
    instant = from_epoch if postgres else (lambda s: s)
    time_kind = "timestamptz" if postgres else "int8"
    window_columns = (
        ("key", "int4"),
        ("installation_id", "int4"),
        ("lo", time_kind),
        ("hi", time_kind),
        ("minutes", "int4"),
        ("zone", "int4"),
    )
    create_stage(session, _WINDOWS, window_columns)
    load_stage(
        session,
        _WINDOWS,
        window_columns,
        [
            (w.key, w.installation_id, instant(w.lo), instant(w.hi), w.minutes, w.zone)
            for w in windows
        ],
    )
    price_columns = (
        ("zone", "int4"),
        ("minutes", "int4"),
        ("start", time_kind),
        ("hi", "int8"),
        ("lo", "int8"),
    )
    create_stage(session, _PRICES, price_columns)
    load_stage(session, _PRICES, price_columns, [_price_row(p, instant) for p in prices])
    if postgres:  # a temporary table has no statistics: the planner would hash the values
        session.execute(text(f"ANALYZE {_WINDOWS}, {_PRICES}"))
    else:  # SQLite looks each value's price up: by an index, not a scan
        session.execute(
            text(f"CREATE INDEX IF NOT EXISTS {_PRICES}_at ON {_PRICES} (zone, minutes, start)")
        )
    try:
        with session.begin_nested():
            rows = session.execute(text(_query(session))).all()
    except exc.OperationalError as error:
        if "integer overflow" not in str(error):
            raise
        return {}  # a sum beyond SQLite's int64: every window is left to rate's Decimals
    return {int(row[0]): _sums(row) for row in rows}


def _price_row(price: PriceSlot, instant: Any) -> tuple[object, ...]:
    hi, lo = price.price >> PRICE_SPLIT, price.price & ((1 << PRICE_SPLIT) - 1)
    return (price.zone, price.minutes, instant(price.start), hi, lo)


def _query(session: Session) -> str:
    """Fixed-price windows and priced ones apart: only the priced values look up a price."""
    if is_postgres(session):  # date_part's float8 is exact for whole seconds, EXTRACT is numeric
        epoch, first, last = (
            "CAST(date_part('epoch', m.start) AS int8)",
            "CAST(date_part('epoch', min(m.start)) AS int8)",
            "CAST(date_part('epoch', max(m.start)) AS int8)",
        )
        group = "w.key"
    else:  # a window a row: grouping by it follows the scan, with no sorting b-tree
        epoch, first, last, group = "m.start", "min(m.start)", "max(m.start)", "w.rowid"
    common = (
        f"SELECT w.key, count(*), {first}, {last}, sum(m.wh), sum(m.version),"
        " count(*) FILTER (WHERE m.quality <> 0),"
        f" count(*) FILTER (WHERE m.quality = {_MISSING} OR m.wh < 0),"
        f" count(*) FILTER (WHERE m.resolution <> w.minutes OR {epoch} % (w.minutes * 60) <> 0),"
    )
    values = (
        f" FROM {_WINDOWS} w JOIN meter_values m ON m.installation_id = w.installation_id"
        " AND m.start >= w.lo AND m.start < w.hi"
    )
    fixed = f"{common} 0, 0, 0{values} WHERE w.zone < 0 GROUP BY {group}"
    priced = (
        f"{common} count(*) FILTER (WHERE m.wh <> 0 AND p.hi IS NULL),"
        f" sum(m.wh * p.hi), sum(m.wh * p.lo){values}"
        f" LEFT JOIN {_PRICES} p ON p.zone = w.zone AND p.minutes = m.resolution"
        f" AND p.start = m.start WHERE w.zone >= 0 GROUP BY {group}"
    )
    return f"{fixed} UNION ALL {priced}"


def _sums(row: Sequence[Any]) -> WindowSums:
    n = [_exact(value) for value in row[1:10]]
    cost = (_exact(row[10]) << PRICE_SPLIT) + _exact(row[11])
    return WindowSums(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], cost)


def _exact(value: object) -> int:
    """An integer sum as int (0 for none); PostgreSQL's are ``Decimal`` (exact), a float would
    not be."""
    if value is None:
        return 0
    if isinstance(value, int | Decimal) and value == int(value):
        return int(value)
    raise ValueError(f"an inexact sum {value!r}")  # cannot happen: no product leaves int64


@dataclass(frozen=True, slots=True)
class DayTotal:
    wh: int  # of values not flagged missing
    minutes_present: int
    missing_count: int


def day_totals(
    session: Session, installation_ids: Sequence[int], first: date, end: date
) -> dict[int, dict[date, DayTotal]]:
    """The daily rollups of these installations for the local dates [first, end)."""
    if not installation_ids:
        return {}
    marks = ", ".join(f":i{n}" for n in range(len(installation_ids)))
    statement = text(
        "SELECT installation_id, local_date, wh, minutes_present, missing_count"
        f" FROM meter_value_days WHERE installation_id IN ({marks})"
        " AND local_date >= :first AND local_date < :end"
    )
    parameters: dict[str, object] = {f"i{n}": i for n, i in enumerate(installation_ids)}
    found: dict[int, dict[date, DayTotal]] = {}
    for installation, day, wh, minutes, missing in session.execute(
        statement, parameters | {"first": first, "end": end}
    ):
        local = day if isinstance(day, date) else date.fromisoformat(day)
        found.setdefault(int(installation), {})[local] = DayTotal(
            int(wh), int(minutes), int(missing)
        )
    return found

"""Read-only sums of stored meter values for the billing run (ADR 0018), all computed in SQL.

A billing run needs, per installation and month, whether the values are complete (SUP-7), their
Σ Wh and, for a spot-priced product, Σ Wh × price; a version of the values to notice corrections
on a re-run; and the daily usage for the invoice's chart (SUP-10). Bringing every value into
Python for that cost more than the whole set-based baseline. The daily rollups
``meter_value_days`` (rewritten with the values, in their transaction) give all of it, and
with ``day_costs`` also Σ Wh × price per day: ``day_totals``. Only spot-priced windows with a day
whose priced sum is not kept or older than its prices (ADR 0022) scan ``meter_values``, for
Σ Wh × price alone: ``window_costs`` against staged prices, or on PostgreSQL, where the stored
prices are the meter's own resolution throughout, ``stored_window_costs`` against
``day_ahead_prices`` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import exc, text
from sqlalchemy.orm import Session

from elkund.core.bulk import create_stage, load_stage
from elkund.core.db import is_postgres
from elkund.core.localtime import from_epoch

_WINDOWS = "billing_window_stage"
_PRICES = "billing_price_stage"
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


def window_costs(
    session: Session, windows: Sequence[Window], prices: Sequence[PriceSlot]
) -> dict[int, int] | None:
    """Σ Wh × price of each priced window with values, by key, in one query; None when a sum
    leaves SQLite's int64 (every window is then left to ``rate``'s Decimals).

    The store guarantees what else a check per value would: ingest refuses negative values,
    starts off the resolution's grid and a resolution other than the meter's, and an
    installation's resolution never changes. The caller makes sure every interval has a price
    (the inner join would drop one without) and that the daily rollups say the values tile.
    """
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
        return None
    return {int(key): (_exact(hi) << PRICE_SPLIT) + _exact(lo) for key, hi, lo in rows}


def stored_window_costs(
    session: Session, windows: Sequence[Window], zones: Sequence[str]
) -> dict[int, int]:
    """PostgreSQL: ``window_costs`` of windows whose every interval has a stored price of the
    meter's own resolution (the caller checks), joined to ``day_ahead_prices`` itself.

    A query per span, zone and resolution (a monthly run has one per zone) in the baseline's
    shape: a regular table and constant bounds let the planner scan in parallel, which a
    temporary table forbids. Each value is priced 4 × its stored price, as ``_slots`` stages
    it, split as there so that no product leaves int64; PostgreSQL sums int8 as exact numerics.
    """
    groups: dict[tuple[int, int, int, int], list[Window]] = {}
    for window in windows:
        groups.setdefault((window.zone, window.minutes, window.lo, window.hi), []).append(window)
    costs: dict[int, int] = {}
    for (zone, minutes, lo, hi), members in groups.items():
        sums = _stored_costs(
            session, zones[zone], minutes, lo, hi, {w.installation_id for w in members}
        )
        costs |= {w.key: sums[w.installation_id] for w in members if w.installation_id in sums}
    return costs


_STORED_COSTS = text(
    "SELECT m.installation_id, sum(m.wh::int8 * ((4 * p.price_ore_per_kwh) >> :split)),"
    " sum(m.wh::int8 * ((4 * p.price_ore_per_kwh) & :mask))"
    " FROM meter_values m JOIN day_ahead_prices p ON p.start = m.start"
    " WHERE p.zone = :zone AND p.resolution = :resolution"
    " AND m.start >= :lo AND m.start < :hi"
    " AND m.installation_id = ANY(CAST(:installations AS int4[]))"
    " GROUP BY m.installation_id"
)


def _stored_costs(
    session: Session, zone: str, minutes: int, lo: int, hi: int, installations: set[int]
) -> dict[int, int]:
    """Σ Wh × 4 · stored price of each installation's values in [lo, hi), by installation."""
    parameters = {
        "split": PRICE_SPLIT,
        "mask": (1 << PRICE_SPLIT) - 1,
        "zone": zone,
        "resolution": "PT15M" if minutes == 15 else "PT60M",
        "lo": from_epoch(lo),
        "hi": from_epoch(hi),
        "installations": sorted(installations),
    }
    rows = session.execute(_STORED_COSTS, parameters)
    return {int(i): (_exact(high) << PRICE_SPLIT) + _exact(low) for i, high, low in rows}


def _price_row(price: PriceSlot, instant: Any) -> tuple[object, ...]:
    hi, lo = price.price >> PRICE_SPLIT, price.price & ((1 << PRICE_SPLIT) - 1)
    return (price.zone, price.minutes, instant(price.start), hi, lo)


def _query(session: Session) -> str:
    # SQLite: a window a row, so grouping by it follows the scan, with no sorting b-tree
    group = "w.key" if is_postgres(session) else "w.rowid"
    return (
        f"SELECT w.key, sum(m.wh * p.hi), sum(m.wh * p.lo) FROM {_WINDOWS} w"
        " JOIN meter_values m ON m.installation_id = w.installation_id"
        " AND m.start >= w.lo AND m.start < w.hi"
        f" JOIN {_PRICES} p ON p.zone = w.zone AND p.minutes = w.minutes AND p.start = m.start"
        f" GROUP BY {group}"
    )


def _exact(value: object) -> int:
    """An integer sum as int (0 for none); PostgreSQL's are ``Decimal`` (exact), a float would
    not be."""
    if value is None:
        return 0
    if isinstance(value, int | Decimal) and value == int(value):
        return int(value)
    raise ValueError(f"an inexact sum {value!r}")  # cannot happen: no product leaves int64


class DayTotal(NamedTuple):
    """One day's rollup. A tuple, not a frozen dataclass: a run makes one per installation and
    day, and a tuple is made several times faster."""

    wh: int  # of values not flagged missing
    minutes_present: int
    estimated_count: int
    missing_count: int
    changed_at: str  # as stored: it changes whenever a value of the day does
    cost: int | None = None  # Σ Wh × 4·öre/kWh·10^7 (``day_costs``), if kept
    prices_version: int | None = None  # of the zone's prices of the day the cost was summed at


def day_totals(
    session: Session, installation_ids: Sequence[int], first: date, end: date
) -> dict[int, dict[date, DayTotal]]:
    """The daily rollups of these installations for the local dates [first, end)."""
    if not installation_ids:
        return {}
    marks = ", ".join(f":i{n}" for n in range(len(installation_ids)))
    statement = text(
        "SELECT installation_id, local_date, wh, minutes_present, estimated_count,"
        " missing_count, changed_at, cost, prices_version"
        f" FROM meter_value_days WHERE installation_id IN ({marks})"
        " AND local_date >= :first AND local_date < :end"
    )
    parameters: dict[str, object] = {f"i{n}": i for n, i in enumerate(installation_ids)}
    rows = session.execute(statement, parameters | {"first": first, "end": end}).all()
    as_date = _same if is_postgres(session) else date.fromisoformat  # SQLite's are text
    found: dict[int, dict[date, DayTotal]] = {i: {} for i in installation_ids}
    # a run reads thousands of days: the drivers give the integer columns as int already, and
    # the days of one delivery share their changed_at, whose text costs a time zone lookup.
    # Keyed with ``fold`` too: in a session time zone with DST, the repeated hour's two instants
    # compare equal but print with different offsets.
    texts: dict[tuple[object, int], str] = {}
    for installation, day, wh, minutes, estimated, missing, changed, cost, version in rows:
        key = (changed, getattr(changed, "fold", 0))
        stamp = texts.get(key)
        if stamp is None:
            stamp = texts[key] = str(changed)
        found[installation][as_date(day)] = DayTotal(
            wh, minutes, estimated, missing, stamp, cost, version
        )
    return {i: days for i, days in found.items() if days}


def _same(value: date) -> date:
    return value

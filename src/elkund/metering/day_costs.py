"""Priced daily rollups: Σ Wh × day-ahead price per installation and local day (ADR 0022).

A spot-priced invoice needs Σ Wh × price of its period. Summing that over ``meter_values`` at
billing time cost as much as the benchmark's whole baseline, so each day's sum is kept beside
its rollup (``meter_value_days.cost``), priced by ``price_grid``'s rules at the installation's
bidding zone, in the transaction that stores the values or the prices:

- values new to the store add their sum to their days (``batch_costs``); a correction
  recomputes its days from the stored values (``refresh_costs``);
- prices inserted or changed raise their days' versions (``price_days``) and recompute the sums
  of every installation of the zone with values on those days (``prices_changed``).

Values and prices arrive in either order and both can be corrected, also at the same time in
two transactions. So a sum records the version of its zone's prices of the day that it was
computed with, read *before* the prices themselves: a sum can then only be marked older than
its prices, never newer. A reader trusts a sum only while that version is still the day's
(``price_versions``); anything else it sums from the values, as before. A sum is None (not
kept) when a value of the day has no price, or when the sum could leave int64.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from elkund.core.bulk import timestamp_to_epoch
from elkund.core.db import is_postgres
from elkund.core.localtime import from_epoch, local_midnight, to_epoch
from elkund.metering.localdays import day_number
from elkund.metering.price_grid import PriceGrid, price_grid, value_prices
from elkund.metering.rollup import DayGroups, day_groups

Ints = npt.NDArray[np.int64]
DayKey = tuple[int, int]  # (installation id, local date ordinal)
# A kept sum stays below 2^62 and two are added only when each is below 2^61: the sum of a day
# whose values arrive in parts never leaves int64 (SQLite would make it a float silently).
COST_LIMIT = 2**61
_CHUNK = 500  # installations whose values are read in one query
_IDS = 1000  # installations named in one query (PostgreSQL takes at most 65,535 parameters)


def price_versions(session: Session, zone: str, first: date, end: date) -> dict[date, int]:
    """The current version of the zone's prices of each local date in [first, end) that has
    one; a date without is version 0 (no price of it was ever stored)."""
    rows = session.execute(
        text(
            "SELECT local_date, version FROM price_days"
            " WHERE zone = :zone AND local_date >= :first AND local_date < :end"
        ),
        {"zone": zone, "first": first, "end": end},
    )
    return {_as_date(day): int(version) for day, version in rows}


def batch_costs(
    session: Session, columns: Ints, groups: DayGroups | None = None
) -> dict[DayKey, tuple[int | None, int]]:
    """(Σ Wh × price or None, prices version) per (installation, day ordinal) of new values
    given as columns (installation, start epoch s, minutes, Wh, …) and, if the caller has them,
    their ``Batch.day_groups``."""
    installation, start, minutes, wh = columns[:4]
    first = date.fromordinal(day_number(int(start.min())))
    end = date.fromordinal(day_number(int(start.max())) + 1)
    zones = _zones(session, np.unique(installation).tolist())
    versions, grids = _prices(session, set(zones.values()), first, end)
    costs = day_costs(installation, start, minutes, wh, zones, grids, groups)
    return {
        key: (cost, versions[zones[key[0]]].get(date.fromordinal(key[1]), 0))
        for key, cost in costs.items()
    }


def day_costs(
    installation: Ints,
    start: Ints,
    minutes: Ints,
    wh: Ints,
    zones: Mapping[int, str],
    grids: Mapping[str, PriceGrid | None],
    groups: DayGroups | None = None,
) -> dict[DayKey, int | None]:
    """Σ Wh × price (4·öre/kWh·10^7) of each installation's local days, exactly; None for a
    day with a value of energy without a price (or whose zone's prices the grid does not take),
    or whose sum could reach ``COST_LIMIT``. Pure: no I/O."""
    price, known = _priced(installation, start, minutes, zones, grids)
    known |= wh == 0  # as ``rate``: a value of 0 Wh costs nothing, priced or not
    keys, group = groups or day_groups(installation, start)
    count = len(keys)
    # A bound in floating point first: within it no product or partial sum leaves int64.
    bound = np.bincount(group, np.abs(wh).astype(float) * np.abs(price), count)
    kept = (np.bincount(group, ~known, count) == 0) & (bound < COST_LIMIT)
    products = np.where(kept[group], wh * price, 0)
    # Exact sums by halves: below 2^31 each, a day's few hundred of them add up exactly in the
    # floating point of bincount (up to 2^53).
    high = np.bincount(group, products >> 30, count).astype(np.int64)
    low = np.bincount(group, products & (2**30 - 1), count).astype(np.int64)
    sums = (high << 30) + low
    return {
        (key >> 20, key & 0xFFFFF): int(total) if ok else None
        for key, total, ok in zip(keys.tolist(), sums.tolist(), kept.tolist(), strict=True)
    }


def _priced(
    installation: Ints,
    start: Ints,
    minutes: Ints,
    zones: Mapping[int, str],
    grids: Mapping[str, PriceGrid | None],
) -> tuple[Ints, npt.NDArray[np.bool_]]:
    """Each value's price at its installation's zone (``value_prices``), and whether it has one."""
    price = np.zeros(installation.size, np.int64)
    known = np.zeros(installation.size, np.bool_)
    for zone, grid in grids.items():
        if grid is None:
            continue
        own = [i for i, z in zones.items() if z == zone]
        if len(own) == len(zones):  # the common case: one zone
            return value_prices(grid, start, minutes)
        members = np.isin(installation, own)
        price[members], known[members] = value_prices(grid, start[members], minutes[members])
    return price, known


def refresh_costs(session: Session, days: Sequence[tuple[int, date]]) -> None:
    """Recompute the sums of these (installation, local date) rollups from the stored values."""
    wanted = set(days)
    for first, end in _runs({d for _, d in wanted}):
        ids = sorted({i for i, d in wanted if first <= d < end})
        for chunk in range(0, len(ids), _IDS):
            rows = _day_rows(session, first, end, ids=ids[chunk : chunk + _IDS])
            _recompute(session, [row for row in rows if (row[0], _as_date(row[1])) in wanted])


def prices_changed(session: Session, days: Iterable[tuple[str, date]]) -> None:
    """Raise the version of each (zone, local date) whose prices were inserted or changed, then
    recompute the sums of every installation of the zone with values on those days."""
    changed = sorted(set(days))
    if not changed:
        return
    session.execute(
        text(
            "INSERT INTO price_days (zone, local_date, version) VALUES (:zone, :day, 1)"
            " ON CONFLICT (zone, local_date) DO UPDATE SET version = price_days.version + 1"
        ),
        [{"zone": zone, "day": day} for zone, day in changed],
    )
    for zone in sorted({z for z, _ in changed}):
        for first, end in _runs({d for z, d in changed if z == zone}):
            _recompute(session, _day_rows(session, first, end, zone=zone))


# --- reading and writing -------------------------------------------------------------------------


def _zones(session: Session, installation_ids: list[int]) -> dict[int, str]:
    statement = text("SELECT id, bidding_zone FROM installations WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    zones: dict[int, str] = {}
    for chunk in range(0, len(installation_ids), 1000):
        ids = installation_ids[chunk : chunk + 1000]
        zones |= {int(i): str(z) for i, z in session.execute(statement, {"ids": ids})}
    return zones


def _prices(
    session: Session, zones: set[str], first: date, end: date
) -> tuple[dict[str, dict[date, int]], dict[str, PriceGrid | None]]:
    """Each zone's versions of [first, end), read before its prices (see the module's text)."""
    versions = {zone: price_versions(session, zone, first, end) for zone in sorted(zones)}
    grids = {zone: price_grid(session, zone, first, end) for zone in sorted(zones)}
    return versions, grids


def _day_rows(
    session: Session, first: date, end: date, *, ids: list[int] | None = None, zone: str = ""
) -> list[tuple[int, object, object, str]]:
    """(installation, local date, changed_at, zone) of the rollups of [first, end), of these
    installations or else of every installation of the zone, as the database gives them."""
    which = "i.bidding_zone = :zone" if ids is None else "d.installation_id IN :ids"
    statement = text(
        "SELECT d.installation_id, d.local_date, d.changed_at, i.bidding_zone"
        " FROM meter_value_days d JOIN installations i ON i.id = d.installation_id"
        f" WHERE {which} AND d.local_date >= :first AND d.local_date < :end"
        # rows locked in one order by every writer (``_add_to_days`` too): no deadlock
        " ORDER BY d.installation_id, d.local_date"
    )
    parameters: dict[str, object] = {"first": first, "end": end, "zone": zone}
    if ids is not None:
        statement = statement.bindparams(bindparam("ids", expanding=True))
        parameters["ids"] = ids
    rows = session.execute(statement, parameters)
    return [(int(i), d, c, str(z)) for i, d, c, z in rows]


def _recompute(session: Session, rows: list[tuple[int, object, object, str]]) -> None:
    """Sum the days of these rollup rows from their values and keep each sum, unless the day's
    values changed since its row was read (another transaction's correction wins)."""
    if not rows:
        return
    days = [(int(i), _as_date(d)) for i, d, _, _ in rows]
    first, end = _span(d for _, d in days)
    zones = {int(i): str(z) for i, _, _, z in rows}
    versions, grids = _prices(session, set(zones.values()), first, end)
    ids = sorted(zones)
    costs: dict[DayKey, int | None] = {}
    for chunk in range(0, len(ids), _CHUNK):
        columns = _values(session, ids[chunk : chunk + _CHUNK], first, end)
        costs |= day_costs(*columns, zones, grids)
    session.execute(
        text(
            "UPDATE meter_value_days SET cost = :cost, prices_version = :version"
            " WHERE installation_id = :installation AND local_date = :day"
            " AND changed_at = :changed"
        ),
        [
            {
                "cost": costs.get((int(i), day.toordinal())),
                "version": versions[str(z)].get(day, 0),
                "installation": int(i),
                "day": raw_day,
                "changed": changed,
            }
            for (i, raw_day, changed, z), (_, day) in zip(rows, days, strict=True)
        ],
    )


def _values(
    session: Session, ids: list[int], first: date, end: date
) -> tuple[Ints, Ints, Ints, Ints]:
    """(installation, start epoch s, minutes, Wh) of the stored values of the local dates
    [first, end) of these installations, as arrays."""
    epoch = timestamp_to_epoch(session, "start")
    statement = text(
        f"SELECT installation_id, {epoch}, resolution, wh FROM meter_values"
        " WHERE installation_id IN :ids AND start >= :lo AND start < :hi"
    ).bindparams(bindparam("ids", expanding=True))
    instant = from_epoch if is_postgres(session) else (lambda s: s)
    lo, hi = to_epoch(local_midnight(first)), to_epoch(local_midnight(end))
    rows = session.execute(statement, {"ids": ids, "lo": instant(lo), "hi": instant(hi)}).all()
    installation, start, minutes, wh = np.array(rows, np.int64).reshape(-1, 4).T
    return installation.copy(), start.copy(), minutes.copy(), wh.copy()


def _span(days: Iterable[date]) -> tuple[date, date]:
    """The local dates [first, end) that hold these days."""
    ordered = sorted(days)
    return ordered[0], ordered[-1] + timedelta(days=1)


def _runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """The days as runs of consecutive dates [first, end): far-apart days are read apart."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day:
            runs[-1] = (runs[-1][0], day + timedelta(days=1))
        else:
            runs.append((day, day + timedelta(days=1)))
    return runs


def _as_date(value: object) -> date:
    """A date as the database gives it: a ``date`` on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))

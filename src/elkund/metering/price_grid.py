"""A bidding zone's day-ahead prices on a quarter-hour grid, and the price each value takes.

The rules are ``price_series``' and ``rate``'s (ADR 0018): where both exist the quarters win over
their hour; a quarter-hour value takes its quarter's price, else its hour's; an hourly value its
hour's price, else the sum of its four quarters (4 × their mean, exactly). Prices are the stored
integers (öre/kWh × 10^7); a value's price is 4 × that, so that an hour's four quarters add up
without a division. The billing run and the priced daily rollups (``day_costs``) both price by
this module, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from sqlalchemy import text
from sqlalchemy.orm import Session

from elkund.core.bulk import timestamp_to_epoch
from elkund.core.db import is_postgres
from elkund.core.localtime import from_epoch, local_midnight, to_epoch

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
QUARTER_S = 900
PRICE_LIMIT = 2**61  # |4·price·10^7| below this: its split halves times a Wh stay in int64


@dataclass(frozen=True, slots=True)
class PriceGrid:
    """One zone's prices on a quarter-hour grid from ``base`` (epoch s), where known.

    ``hourly`` holds an hour's price at each of its quarters (PT60M, where no quarter prices of
    the hour exist: the quarters win); ``quarter`` the quarter prices.
    """

    base: int
    quarter: Ints
    has_quarter: Flags
    hourly: Ints
    has_hourly: Flags


def stored_prices(session: Session, zone: str, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """(start in epoch s, minutes, öre/kWh × 10^7 as stored) of the zone's day-ahead prices
    starting in [lo, hi): the stored integers, without a ``Decimal`` each, as the database
    gives them (a month of a zone is thousands of rows)."""
    start = timestamp_to_epoch(session, "start")
    instant = from_epoch if is_postgres(session) else (lambda s: s)
    statement = text(
        f"SELECT {start}, CASE resolution WHEN 'PT15M' THEN 15 ELSE 60 END, price_ore_per_kwh"
        " FROM day_ahead_prices WHERE zone = :zone AND start >= :lo AND start < :hi"
    )
    rows = session.execute(statement, {"zone": zone, "lo": instant(lo), "hi": instant(hi)})
    return [tuple(row) for row in rows]


def price_grid(session: Session, zone: str, start: date, end: date) -> PriceGrid | None:
    """The zone's prices of the local dates [start, end) on the grid; None when a price lies
    off the grid or is too large for exact integer sums (``rate``'s Decimals take those)."""
    base, stop = to_epoch(local_midnight(start)), to_epoch(local_midnight(end))
    size = (stop - base) // QUARTER_S
    grid = PriceGrid(
        base,
        np.zeros(size, np.int64),
        np.zeros(size, np.bool_),
        np.zeros(size, np.int64),
        np.zeros(size, np.bool_),
    )
    rows = stored_prices(session, zone, base - 3600, stop)  # an hour begun before ``start``
    if not rows:
        return grid  # no price: every value unpriced
    starts, minutes, prices = np.array(rows, np.int64).T
    if (starts % (minutes * 60)).any():
        return None
    inside = starts + minutes * 60 > base
    quarter = inside & (minutes == 15)
    hours_with_quarters = np.unique(starts[quarter] - starts[quarter] % 3600)
    hourly = inside & (minutes == 60) & ~np.isin(starts, hours_with_quarters)
    at = (starts[quarter] - base) // QUARTER_S
    keep = (at >= 0) & (at < size)
    grid.quarter[at[keep]], grid.has_quarter[at[keep]] = prices[quarter][keep], True
    for k in range(4):
        at = (starts[hourly] - base) // QUARTER_S + k
        keep = (at >= 0) & (at < size)
        grid.hourly[at[keep]], grid.has_hourly[at[keep]] = prices[hourly][keep], True
    largest = max(int(np.abs(grid.quarter).max(initial=0)), int(np.abs(grid.hourly).max(initial=0)))
    if 16 * largest >= PRICE_LIMIT:  # an hour's four quarters, each 4 × price
        return None
    return grid


def value_prices(grid: PriceGrid, starts: Ints, minutes: Ints) -> tuple[Ints, Flags]:
    """Each value's price (4 × öre/kWh × 10^7) by the rules above, and whether it has one.

    ``starts`` are on their resolution's grid (ingest refuses anything else); a value outside
    the grid's span has no price.
    """
    price = np.zeros(starts.size, np.int64)
    known = np.zeros(starts.size, np.bool_)
    size = grid.quarter.size
    at = (starts - grid.base) // QUARTER_S
    quarters = (minutes == 15) & (at >= 0) & (at < size)
    q = at[quarters]
    price[quarters] = np.where(grid.has_quarter[q], 4 * grid.quarter[q], 4 * grid.hourly[q])
    known[quarters] = grid.has_quarter[q] | grid.has_hourly[q]
    hours = (minutes == 60) & (at >= 0) & (at + 3 < size)
    h = at[hours]
    block = h[:, None] + np.arange(4)
    own = grid.has_hourly[h]
    price[hours] = np.where(own, 4 * grid.hourly[h], grid.quarter[block].sum(1))
    known[hours] = own | grid.has_quarter[block].all(1)
    return price, known

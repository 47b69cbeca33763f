"""All SQL of day-ahead prices: reading a span, bulk inserting (COPY or executemany), updating."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from elkund.core.bulk import driver_connection
from elkund.core.db import is_postgres
from elkund.core.localtime import to_epoch
from elkund.metering.day_costs import prices_changed
from elkund.metering.localdays import day_number
from elkund.supply.models import SPOT_SCALE, DayAheadPrice
from elkund.supply.price_formats import RATE_SCALE, ValidPrice

# (zone, start epoch s, resolution, öre/kWh × 10^7, source × 10^7, currency, SEK/EUR × 10^6 or None)
RawPrice = tuple[str, int, str, int, int, str, int | None]
Stored = tuple[Decimal, Decimal, str, Decimal | None]
_COLUMNS = (
    "zone, start, resolution, price_ore_per_kwh, source_price, currency, sek_per_eur, imported_at"
)
_PG_EPOCH = 946_684_800  # 2000-01-01T00:00:00Z, PostgreSQL's epoch for binary timestamps
_SPOT = 10**SPOT_SCALE
_RATE = 10**RATE_SCALE


def stored_in_span(
    session: Session, *, zones: Iterable[str], first: datetime, last: datetime
) -> dict[tuple[str, datetime, str], Stored]:
    """What is stored for these zones with a start in [first, last], by key."""
    query = select(
        DayAheadPrice.zone,
        DayAheadPrice.start,
        DayAheadPrice.resolution,
        DayAheadPrice.price_ore_per_kwh,
        DayAheadPrice.source_price,
        DayAheadPrice.currency,
        DayAheadPrice.sek_per_eur,
    ).where(
        DayAheadPrice.zone.in_(sorted(set(zones))),
        DayAheadPrice.start >= first,
        DayAheadPrice.start <= last,
    )
    return {(z, s, r): (p, src, c, rate) for z, s, r, p, src, c, rate in session.execute(query)}


def fetch_span(
    session: Session, *, zone: str, first: datetime, end: datetime
) -> list[tuple[datetime, str, Decimal]]:
    """(start, resolution, öre/kWh) of the zone with a start in [first, end), oldest first."""
    query = (
        select(DayAheadPrice.start, DayAheadPrice.resolution, DayAheadPrice.price_ore_per_kwh)
        .where(
            DayAheadPrice.zone == zone,
            DayAheadPrice.start >= first,
            DayAheadPrice.start < end,
        )
        .order_by(DayAheadPrice.start, DayAheadPrice.resolution)
    )
    return [(s, r, p) for s, r, p in session.execute(query)]


def raw(price: ValidPrice) -> RawPrice:
    return (
        price.zone,
        to_epoch(price.start),
        price.resolution,
        int(price.price_ore_per_kwh * _SPOT),
        int(price.source_price * _SPOT),
        price.currency,
        None if price.sek_per_eur is None else int(price.sek_per_eur * _RATE),
    )


def insert_new(session: Session, rows: Sequence[RawPrice], *, now: datetime) -> None:
    """Insert prices known to be new, then reprice their days (see ``store``)."""
    store(session, rows, (), now=now)


def store(
    session: Session, new: Sequence[RawPrice], changed: Sequence[ValidPrice], *, now: datetime
) -> None:
    """Insert the new prices (binary COPY on PostgreSQL, executemany on SQLite) and replace the
    stored values of the changed ones; then raise the version of every day they touch and
    reprice the daily rollups of those days, once (``day_costs.prices_changed``). Every price
    is written here, so no change of a price escapes the priced rollups (ADR 0022)."""
    if new:
        _copy_new(session, new, now)
    if changed:
        _update(session, changed, now)
    days = {(row[0], _local_date(row[1])) for row in new}
    prices_changed(session, days | {(p.zone, _local_date(to_epoch(p.start))) for p in changed})


def _copy_new(session: Session, rows: Sequence[RawPrice], now: datetime) -> None:
    connection = driver_connection(session)
    imported = to_epoch(now)
    if not is_postgres(session):
        cursor = connection.cursor()
        try:
            marks = ", ".join("?" for _ in range(8))
            cursor.executemany(
                f"INSERT INTO day_ahead_prices ({_COLUMNS}) VALUES ({marks})",
                ((*row, imported) for row in rows),
            )
        finally:
            cursor.close()
        return
    statement = f"COPY day_ahead_prices ({_COLUMNS}) FROM STDIN (FORMAT BINARY)"
    # timestamptz travels in binary COPY as int8 microseconds since 2000-01-01 UTC.
    imported_pg = (imported - _PG_EPOCH) * 1_000_000
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(["text", "int8", "text", "int8", "int8", "text", "int8", "int8"])
        for zone, start, resolution, ore, source, currency, rate in rows:
            copy.write_row(
                (
                    zone,
                    (start - _PG_EPOCH) * 1_000_000,
                    resolution,
                    ore,
                    source,
                    currency,
                    rate,
                    imported_pg,
                )
            )


def _update(session: Session, prices: Sequence[ValidPrice], now: datetime) -> None:
    """Replace the stored values of these (existing) prices, by primary key."""
    session.execute(
        update(DayAheadPrice),
        [
            {
                "zone": p.zone,
                "start": p.start,
                "resolution": p.resolution,
                "price_ore_per_kwh": p.price_ore_per_kwh,
                "source_price": p.source_price,
                "currency": p.currency,
                "sek_per_eur": p.sek_per_eur,
                "imported_at": now,
            }
            for p in prices
        ],
    )


def _local_date(start: int) -> date:
    """The local date of an interval's start: intervals never cross a local midnight."""
    return date.fromordinal(day_number(start))

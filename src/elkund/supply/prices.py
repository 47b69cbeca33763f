"""Day-ahead (spot) prices per bidding zone: importing files and reading the prices of a period.

An import is idempotent: a price stored with the same value is left alone (``unchanged``), one
with a new value is replaced (``updated``; the exchange may correct a published price).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import structlog
from sqlalchemy.orm import Session

from elkund.core.localtime import utcnow
from elkund.grid.models import BiddingZone
from elkund.metering.validation import Rejection
from elkund.supply import price_store
from elkund.supply.price_formats import PriceFormat, ValidPrice, parse, validate

log = structlog.get_logger(__name__)
_MINUTES = {"PT15M": 15, "PT60M": 60}


@dataclass(slots=True)
class PriceImportReport:
    received: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "received": self.received,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [
                {"line": r.line, "error": r.code, "detail": r.detail} for r in self.rejected
            ],
        }


@dataclass(frozen=True, slots=True)
class PricePoint:
    """The price of one interval in öre/kWh excluding VAT."""

    zone: str
    start: datetime  # UTC
    end: datetime
    resolution: str  # PT15M or PT60M
    ore_per_kwh: Decimal


def import_prices(
    session: Session, *, data: bytes, file_format: PriceFormat, now: datetime | None = None
) -> PriceImportReport:
    """Parse a price file (docs/day-ahead-prices.md), store its good rows, report the rest.

    A malformed file as a whole raises ``MalformedPriceFile``; bad rows are rejected one by one.
    """
    now = now or utcnow()
    rows, malformed = parse(data, file_format)
    good, rejected = validate(rows, now=now)
    report = PriceImportReport(received=len(rows) + len(malformed))
    report.rejected = sorted([*malformed, *rejected], key=lambda r: r.line)
    report.inserted, report.updated, report.unchanged = store_prices(session, good, now=now)
    log.info(
        "day_ahead_prices.imported",
        received=report.received,
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=len(report.rejected),
    )
    return report


def store_prices(
    session: Session, prices: Sequence[ValidPrice], *, now: datetime
) -> tuple[int, int, int]:
    """Merge prices into the store; (inserted, updated, unchanged)."""
    if not prices:
        return 0, 0, 0
    stored = price_store.stored_in_span(
        session,
        zones={p.zone for p in prices},
        first=min(p.start for p in prices),
        last=max(p.start for p in prices),
    )
    new = [p for p in prices if p.key not in stored]
    changed = [p for p in prices if p.key in stored and stored[p.key] != _values(p)]
    price_store.store(session, [price_store.raw(p) for p in new], changed, now=now)
    return len(new), len(changed), len(prices) - len(new) - len(changed)


def price_series(
    session: Session, zone: BiddingZone | str, start: datetime, end: datetime
) -> list[PricePoint]:
    """The prices covering [start, end) in the zone, oldest first.

    An interval that only partly lies inside (an hour begun before ``start``) is included. Where
    both quarter-hour and hourly prices exist, the quarter-hours win: they are what the market
    cleared at since 2025-10-01; hours there are only averages.
    """
    zone = BiddingZone(zone).value
    rows = price_store.fetch_span(session, zone=zone, first=start - timedelta(hours=1), end=end)
    points = [
        PricePoint(zone, s, s + timedelta(minutes=_MINUTES[r]), r, price)
        for s, r, price in rows
        if s + timedelta(minutes=_MINUTES[r]) > start
    ]
    quarter_hours = {_hour(p.start) for p in points if p.resolution == "PT15M"}
    return [p for p in points if p.resolution == "PT15M" or p.start not in quarter_hours]


def _values(price: ValidPrice) -> price_store.Stored:
    return price.price_ore_per_kwh, price.source_price, price.currency, price.sek_per_eur


def _hour(instant: datetime) -> datetime:
    return instant.replace(minute=0, second=0, microsecond=0)

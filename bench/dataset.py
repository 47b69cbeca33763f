"""Benchmark data: installations registered through the services, and quarter-hour values."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from bench.common import Database
from elkund.core.localtime import STOCKHOLM, local_midnight, to_epoch
from elkund.grid.gsrn import make_installation_id
from elkund.grid.models import BiddingZone, GridTariff
from elkund.grid.service import register_installation, register_tariff
from elkund.metering.domain import Quality, Resolution
from elkund.metering.validation import ValidRow

# Every value lies well before this instant, so none is rejected as a future interval.
NOW = datetime(2026, 1, 1, tzinfo=UTC)
CSV_HEADER = "installation_id,start,resolution,energy_wh,quality\n"
_QUARTER_HOUR = 900
_serials = count(1)
_LABELS = {int(q): q.label for q in Quality}


@dataclass(frozen=True, slots=True)
class Meter:
    id: int
    gsrn: str


def register_meters(db: Database, number: int) -> list[Meter]:
    """``number`` 15-minute installations on one tariff, committed."""
    with db.sessions() as session:
        tariff = register_tariff(
            session,
            code=f"BENCH{next(_serials)}",
            name="Säkringstariff 16-25 A",
            fixed_fee_sek_per_year=Decimal("3900"),
            transfer_fee_ore_per_kwh=Decimal("28.5"),
            terms_url="https://example.se/villkor",
        )
        meters = [_register_meter(session, tariff) for _ in range(number)]
        session.commit()
    return meters


def _register_meter(session: Session, tariff: GridTariff) -> Meter:
    serial = next(_serials)
    installation = register_installation(
        session,
        installation_id=make_installation_id(500_000 + serial),
        street=f"Benchgatan {serial}",
        postal_code="11122",
        city="Stockholm",
        municipality_code="0180",
        grid_area="STH",
        bidding_zone=BiddingZone.SE3,
        fuse_amperes=20,
        tariff=tariff,
        resolution=Resolution.PT15M,
    )
    return Meter(installation.id, installation.gsrn)


def quarter_hours(meters: Sequence[Meter], first: date, days: int, seed: int = 1) -> list[ValidRow]:
    """Every quarter-hour of local days [first, first + days), per installation, oldest first.

    About 1 % of the values are estimated; none is missing.
    """
    rng = random.Random(seed)
    begin = to_epoch(local_midnight(first))
    end = to_epoch(local_midnight(first + timedelta(days=days)))
    return [
        (meter.id, start, 15, rng.randrange(800), int(rng.random() < 0.01))
        for meter in meters
        for start in range(begin, end, _QUARTER_HOUR)
    ]


def to_csv(rows: Sequence[ValidRow], meters: Sequence[Meter]) -> bytes:
    """The documented CSV format, with local start times carrying their UTC offset."""
    gsrn = {meter.id: meter.gsrn for meter in meters}
    lines = [
        f"{gsrn[i]},{datetime.fromtimestamp(s, STOCKHOLM).isoformat()},PT15M,{wh},{_LABELS[q]}\n"
        for i, s, _minutes, wh, q in rows
    ]
    return (CSV_HEADER + "".join(lines)).encode()

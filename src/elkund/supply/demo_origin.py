"""Demo data for the energy-source disclosure: the demo suppliers' guarantees of origin.

Two profiles, so the demo shows both ends of SUP-16/SUP-17: the first supplier sells mostly the
residual mix with some hydro and wind guarantees, and once transferred wind guarantees to another
holder (deducted); the second sells only renewable electricity backed by guarantees. The volumes
are plausible round figures for a small supplier, not sums of the demo's meter values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.parties.models import Party
from elkund.supply.disclosure import residual_mixes
from elkund.supply.disclosure_models import EnergySource, SoldVolume
from elkund.supply.disclosure_service import add_origin_guarantee, set_sold_volume

_GROWTH = Decimal("1.03")  # sales grow a little each year


@dataclass(frozen=True, slots=True)
class _Profile:
    sold_kwh: Decimal  # in the first demo year
    covered: tuple[tuple[EnergySource, Decimal], ...]  # guaranteed share of sales per source
    transferred: tuple[EnergySource, Decimal] | None = None  # share transferred away, once


_PROFILES = (
    _Profile(
        sold_kwh=Decimal(1_850_000),
        covered=((EnergySource.HYDRO, Decimal("0.25")), (EnergySource.WIND, Decimal("0.10"))),
        transferred=(EnergySource.WIND, Decimal("0.02")),
    ),
    _Profile(
        sold_kwh=Decimal(920_000),
        covered=(
            (EnergySource.HYDRO, Decimal("0.25")),
            (EnergySource.WIND, Decimal("0.60")),
            (EnergySource.SOLAR, Decimal("0.15")),
        ),
    ),
)


def demo_years(today: date) -> list[int]:
    """Every previous year from the first one elkund has Ei's residual mix for."""
    return list(range(min(residual_mixes()), today.year))


def add_demo_origin(
    session: Session, *, suppliers: Sequence[Party], today: date, years: Iterable[int] | None = None
) -> int:
    """Sold volumes and guarantees of origin for the demo suppliers; returns guarantees added.

    A supplier and year that already have a sold volume are left as they are, so running this
    again adds nothing.
    """
    added = 0
    chosen = sorted(demo_years(today) if years is None else years)
    # The transfer shows in the latest year that can be disclosed (one with a residual mix).
    showcase = max((y for y in chosen if y in residual_mixes()), default=None)
    for supplier, profile in zip(suppliers, _PROFILES, strict=False):
        for index, year in enumerate(chosen):
            if _has_sales(session, supplier, year):
                continue
            sold = (profile.sold_kwh * _GROWTH**index / 1000).quantize(Decimal(1)) * 1000
            added += _add_year(session, supplier, year, sold, profile, showcase=year == showcase)
    return added


def _add_year(
    session: Session,
    supplier: Party,
    year: int,
    sold: Decimal,
    profile: _Profile,
    *,
    showcase: bool,
) -> int:
    set_sold_volume(session, supplier=supplier, year=year, kwh=sold)
    for source, share in profile.covered:
        kwh = (sold * share).quantize(Decimal(1))
        add_origin_guarantee(
            session, supplier=supplier, year=year, source=source, kwh=kwh, note="Demo"
        )
    if profile.transferred is None or not showcase:
        return len(profile.covered)
    source, share = profile.transferred
    add_origin_guarantee(
        session,
        supplier=supplier,
        year=year,
        source=source,
        kwh=(sold * share).quantize(Decimal(1)),
        transferred=True,
        note="Demo: överlåtna till annan innehavare",
    )
    return len(profile.covered) + 1


def _has_sales(session: Session, supplier: Party, year: int) -> bool:
    query = select(SoldVolume.id).where(
        SoldVolume.supplier_id == supplier.id, SoldVolume.year == year
    )
    return session.scalars(query).first() is not None

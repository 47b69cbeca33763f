"""What a supplier's energy-source disclosure rests on (SFS 2023:242 §§ 16–18; SUP-16, SUP-17).

Per supplier and calendar year: the guarantees of origin it cancelled, and those it transferred to
another holder (deducted, SUP-17); the kWh it sold; optionally electricity bought on an exchange or
imported from outside the EU, with the exchange's aggregated mix (SUP-17, second paragraph). Every
kWh not covered by these is disclosed with Ei's residual mix of that year (``disclosure.py``).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base, TimestampedMixin
from elkund.core.types import ScaledDecimal


class EnergySource(StrEnum):
    """An energy source as disclosed; the Swedish label is what a customer reads."""

    HYDRO = "hydro"
    WIND = "wind"
    SOLAR = "solar"
    BIO = "bio"
    RENEWABLE = "renewable"  # renewable without a named source: the residual mix's share
    NUCLEAR = "nuclear"
    FOSSIL = "fossil"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def renewable(self) -> bool:
        return self not in (EnergySource.NUCLEAR, EnergySource.FOSSIL)


_LABELS = {
    EnergySource.HYDRO: "Vattenkraft",
    EnergySource.WIND: "Vindkraft",
    EnergySource.SOLAR: "Solkraft",
    EnergySource.BIO: "Bioenergi",
    EnergySource.RENEWABLE: "Förnybart, ospecificerat",
    EnergySource.NUCLEAR: "Kärnkraft",
    EnergySource.FOSSIL: "Fossilt",
}

# Guarantees of origin this system records: renewable sources, whose production-time impact is
# disclosed as zero CO2 and zero radioactive waste (Ei's guidance on ursprungsmärkning).
GUARANTEE_SOURCES = (EnergySource.HYDRO, EnergySource.WIND, EnergySource.SOLAR, EnergySource.BIO)


class OriginGuarantee(TimestampedMixin, Base):
    """Guarantees of origin (ursprungsgarantier) for one year: cancelled, or transferred away."""

    __tablename__ = "supply_origin_guarantees"
    __table_args__ = (CheckConstraint("kwh > 0", name="positive_kwh"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    year: Mapped[int]
    source: Mapped[EnergySource] = mapped_column(String(16))
    kwh: Mapped[Decimal] = mapped_column(ScaledDecimal(3))
    # True: guarantees handed to another holder; their kWh are deducted (SFS 2023:242 § 17).
    transferred: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String(200))


class SoldVolume(TimestampedMixin, Base):
    """The kWh a supplier sold in a year: the whole its disclosure is a share of."""

    __tablename__ = "supply_sold_volumes"
    __table_args__ = (
        UniqueConstraint("supplier_id", "year"),
        CheckConstraint("kwh >= 0", name="non_negative_kwh"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    year: Mapped[int]
    kwh: Mapped[Decimal] = mapped_column(ScaledDecimal(3))


class ExchangePurchase(TimestampedMixin, Base):
    """Electricity bought on an exchange (or imported from outside the EU) with the exchange's
    aggregated figures for the previous year (SFS 2023:242 § 17, second paragraph)."""

    __tablename__ = "supply_exchange_purchases"
    __table_args__ = (CheckConstraint("kwh > 0", name="positive_kwh"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    year: Mapped[int]
    kwh: Mapped[Decimal] = mapped_column(ScaledDecimal(3))
    renewable_pct: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    nuclear_pct: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    fossil_pct: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    co2_g_per_kwh: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    waste_mg_per_kwh: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    source: Mapped[str] = mapped_column(String(200))  # whose aggregated figures, e.g. the exchange

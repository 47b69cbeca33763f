"""Installations (metering points), grid tariffs, and who holds and supplies each over time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base, TimestampedMixin
from elkund.core.types import ScaledDecimal


class BiddingZone(StrEnum):
    SE1 = "SE1"
    SE2 = "SE2"
    SE3 = "SE3"
    SE4 = "SE4"


class Direction(StrEnum):
    """Sweden gives a producing installation its own anläggnings-ID for the energy fed in."""

    CONSUMPTION = "consumption"
    PRODUCTION = "production"


class GridTariff(TimestampedMixin, Base):
    """The terms of a grid agreement: what the grid company charges and where the terms are."""

    __tablename__ = "grid_tariffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    fixed_fee_sek_per_year: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    transfer_fee_ore_per_kwh: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    power_fee_sek_per_kw_month: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    terms_url: Mapped[str] = mapped_column(String(300))


class Installation(TimestampedMixin, Base):
    __tablename__ = "installations"
    __table_args__ = (
        CheckConstraint("resolution IN ('PT15M', 'PT1H')", name="resolution"),
        CheckConstraint("bidding_zone IN ('SE1', 'SE2', 'SE3', 'SE4')", name="bidding_zone"),
        CheckConstraint("fuse_amperes > 0", name="fuse_amperes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gsrn: Mapped[str] = mapped_column(String(18), unique=True)  # the anläggnings-ID
    direction: Mapped[Direction] = mapped_column(String(16), default=Direction.CONSUMPTION)
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(100))
    municipality_code: Mapped[str] = mapped_column(String(4))
    grid_area: Mapped[str] = mapped_column(String(10))
    bidding_zone: Mapped[BiddingZone] = mapped_column(String(3))
    remote_read: Mapped[bool] = mapped_column(default=True)
    resolution: Mapped[str] = mapped_column(String(5))
    fuse_amperes: Mapped[int]
    tariff_id: Mapped[int] = mapped_column(ForeignKey("grid_tariffs.id"))


class InstallationHolder(TimestampedMixin, Base):
    """A customer holds an installation from moving in until moving out (exclusive)."""

    __tablename__ = "installation_holders"
    __table_args__ = (
        CheckConstraint("move_out IS NULL OR move_out > move_in", name="period"),
        Index(None, "installation_id", "move_in"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    installation_id: Mapped[int] = mapped_column(ForeignKey("installations.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    move_in: Mapped[date]
    move_out: Mapped[date | None]


class SupplyPeriod(TimestampedMixin, Base):
    """The supplier of record for an installation, from start until end (exclusive)."""

    __tablename__ = "supply_periods"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date > start_date", name="period"),
        Index(None, "installation_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    installation_id: Mapped[int] = mapped_column(ForeignKey("installations.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]

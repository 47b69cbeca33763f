"""The supplier side's tables: supplier profiles, products, contracts, notices to the grid company
(SUP-21) and day-ahead prices.

Prices are öre/kWh and fees kronor, excluding VAT (25 % is added on the invoice; energy tax is
the grid company's to invoice in Sweden). Dates are local (Europe/Stockholm) days and every
period's end is exclusive, as for ``SupplyPeriod``: a contract with ``end_date`` 2026-01-01
supplies up to and including 2025-12-31.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base, TimestampedMixin
from elkund.core.localtime import utcnow
from elkund.core.types import ScaledDecimal

# Price columns: öre/kWh to 4 decimals, kronor to 4 (unit prices may be finer than the öre).
PRICE_SCALE = 4
# Day-ahead prices: EUR/MWh with 2 decimals times a rate with 4 gives öre/kWh with 7 decimals.
SPOT_SCALE = 7


class ProductKind(StrEnum):
    FIXED = "fixed"  # fast pris: an energy price for a term
    VARIABLE = "variable"  # rörligt pris: the zone's monthly average spot price plus påslag
    DYNAMIC = "dynamic"  # timpris/kvartspris: each interval's spot price plus påslag
    DEFAULT = "default"  # anvisat avtal: what the assigned supplier gives a customer who chose none


class ContractStatus(StrEnum):
    ACTIVE = "active"  # the grid company accepted the notice; it may start in the future
    REFUSED = "refused"  # the grid company refused the notice: never supplied
    ENDED = "ended"  # has an end date (terminated, switched away, moved out)


class NoticeKind(StrEnum):
    START = "start"  # supply starts (SUP-21)
    END = "end"  # supply ends


class NoticeStatus(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


class SupplierProfile(TimestampedMixin, Base):
    """What a supplier's invoices say about it (SUP-9 (1), and where items 8–16 are on its site)."""

    __tablename__ = "supplier_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), unique=True)
    vat_number: Mapped[str] = mapped_column(String(14))  # SE + organisationsnummer + 01
    f_skatt: Mapped[bool]  # "Godkänd för F-skatt"
    street: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(100))
    customer_service_phone: Mapped[str] = mapped_column(String(40))
    customer_service_email: Mapped[str] = mapped_column(String(200))
    bankgiro: Mapped[str] = mapped_column(String(9))  # NNN-NNNN or NNNN-NNNN
    website: Mapped[str] = mapped_column(String(200))
    payment_terms_days: Mapped[int] = mapped_column(default=30)
    # SUP-9 items 8–16 may be on the website if the invoice says where (9 § andra stycket).
    termination_url: Mapped[str | None] = mapped_column(String(300))  # (8)
    switching_url: Mapped[str | None] = mapped_column(String(300))  # (9)
    price_comparison_url: Mapped[str | None] = mapped_column(String(300))  # (10)
    other_services_url: Mapped[str | None] = mapped_column(String(300))  # (12)
    compensation_url: Mapped[str | None] = mapped_column(String(300))  # (13)
    complaints_url: Mapped[str | None] = mapped_column(String(300))  # (14)
    consumer_rights_url: Mapped[str | None] = mapped_column(String(300))  # (15)
    dispute_resolution_url: Mapped[str | None] = mapped_column(String(300))  # (16)


class Product(TimestampedMixin, Base):
    """An electricity contract a supplier offers (the terms a contract refers to, SUP-9 (6))."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("supplier_id", "code"),
        CheckConstraint("kind IN ('fixed', 'variable', 'dynamic', 'default')", name="kind"),
        CheckConstraint(
            "price_resolution IS NULL OR price_resolution IN ('PT15M', 'PT60M')",
            name="price_resolution",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))  # Swedish, as customers see it
    kind: Mapped[ProductKind] = mapped_column(String(16))
    energy_price_ore_per_kwh: Mapped[Decimal | None] = mapped_column(ScaledDecimal(PRICE_SCALE))
    term_months: Mapped[int | None]  # fixed price: how long the price is fixed
    markup_ore_per_kwh: Mapped[Decimal | None] = mapped_column(ScaledDecimal(PRICE_SCALE))
    certificate_ore_per_kwh: Mapped[Decimal] = mapped_column(ScaledDecimal(PRICE_SCALE))
    monthly_fee_sek: Mapped[Decimal] = mapped_column(ScaledDecimal(PRICE_SCALE))
    price_resolution: Mapped[str | None] = mapped_column(String(5))  # dynamic: PT15M or PT60M
    terms_url: Mapped[str] = mapped_column(String(300))
    termination_text: Mapped[str] = mapped_column(Text)  # SUP-9 (8), Swedish
    termination_free: Mapped[bool]


class Contract(TimestampedMixin, Base):
    """A customer's supply contract for one installation, from ``start_date`` until ``end_date``."""

    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date > start_date", name="period"),
        CheckConstraint("billing_interval_months BETWEEN 1 AND 12", name="billing_interval"),
        CheckConstraint("status IN ('active', 'refused', 'ended')", name="status"),
        Index(None, "installation_id", "start_date"),
        Index(None, "supplier_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    installation_id: Mapped[int] = mapped_column(ForeignKey("installations.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    name: Mapped[str] = mapped_column(String(200))  # as the customer sees it
    start_date: Mapped[date]
    end_date: Mapped[date | None]  # exclusive: the first day without supply
    billing_interval_months: Mapped[int] = mapped_column(default=1)
    status: Mapped[ContractStatus] = mapped_column(String(16))
    end_reason: Mapped[str | None] = mapped_column(String(40))  # terminated, switched, …


class SupplyNotice(Base):
    """A supplier's notice to the grid company that supply starts or ends (SUP-21), and the answer.

    Kept whatever the answer (SUP-25): an accepted start created ``supply_period_id``; a refused
    one says why with a stable code.
    """

    __tablename__ = "supply_notices"
    __table_args__ = (
        CheckConstraint("kind IN ('start', 'end')", name="kind"),
        CheckConstraint("status IN ('accepted', 'refused')", name="status"),
        Index(None, "supplier_id", "sent_at"),
        Index(None, "installation_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(String(8))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    installation_ref: Mapped[str] = mapped_column(String(40))  # the anläggnings-ID as sent
    installation_id: Mapped[int | None] = mapped_column(ForeignKey("installations.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    start_date: Mapped[date]  # start notices: first day of supply; end notices: first day without
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[NoticeStatus] = mapped_column(String(16))
    refusal_code: Mapped[str | None] = mapped_column(String(60))
    refusal_detail: Mapped[str | None] = mapped_column(Text)
    supply_period_id: Mapped[int | None] = mapped_column(ForeignKey("supply_periods.id"))
    answered_at: Mapped[datetime | None]


class DayAheadPrice(Base):
    """The day-ahead (spot) price of one bidding zone and interval, converted to öre/kWh exactly.

    The source price, its currency and the SEK/EUR rate used are kept, so that every converted
    price can be traced back to what the exchange published.
    """

    __tablename__ = "day_ahead_prices"
    __table_args__ = (
        CheckConstraint("zone IN ('SE1', 'SE2', 'SE3', 'SE4')", name="zone"),
        CheckConstraint("resolution IN ('PT15M', 'PT60M')", name="resolution"),
        CheckConstraint("currency IN ('EUR', 'SEK')", name="currency"),
        {"sqlite_with_rowid": False},
    )

    zone: Mapped[str] = mapped_column(String(3), primary_key=True)
    start: Mapped[datetime] = mapped_column(primary_key=True)  # interval start, UTC
    resolution: Mapped[str] = mapped_column(String(5), primary_key=True)
    price_ore_per_kwh: Mapped[Decimal] = mapped_column(ScaledDecimal(SPOT_SCALE))
    source_price: Mapped[Decimal] = mapped_column(ScaledDecimal(SPOT_SCALE))  # EUR/MWh or SEK/kWh
    currency: Mapped[str] = mapped_column(String(3))  # EUR (per MWh) or SEK (per kWh)
    sek_per_eur: Mapped[Decimal | None] = mapped_column(ScaledDecimal(6))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class PriceDay(Base):
    """A version of one zone's day-ahead prices of one local date, raised with every price of
    the day inserted or changed. A priced daily rollup (``MeterValueDay.cost``) records the
    version it was computed with; any other version means its prices changed since (ADR 0022).
    """

    __tablename__ = "price_days"
    __table_args__ = (
        CheckConstraint("zone IN ('SE1', 'SE2', 'SE3', 'SE4')", name="zone"),
        {"sqlite_with_rowid": False},
    )

    zone: Mapped[str] = mapped_column(String(3), primary_key=True)
    local_date: Mapped[date] = mapped_column(primary_key=True)
    version: Mapped[int]

"""Issued invoices and credit notes, and each supplier's gap-free number series."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base, TimestampedMixin
from elkund.core.types import ScaledDecimal

MONEY = ScaledDecimal(2)


class InvoiceSeries(Base):
    """The next number of a supplier's invoices; taken under a row lock, so numbers never skip."""

    __tablename__ = "invoice_series"

    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), primary_key=True)
    next_sequence: Mapped[int] = mapped_column(default=1)


class Invoice(TimestampedMixin, Base):
    """One invoice or credit note as issued; ``document`` is the ``InvoiceDocument`` as JSON."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("supplier_id", "sequence"),
        UniqueConstraint("supplier_id", "number"),
        Index(None, "contract_id", "period_start"),
        Index(None, "customer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(16))  # DocumentKind
    status: Mapped[str] = mapped_column(String(16))  # issued | credited
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    installation_id: Mapped[int] = mapped_column(ForeignKey("installations.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    billing_month: Mapped[date]  # the first day of the month whose run issued it
    period_start: Mapped[date]
    period_end: Mapped[date]  # inclusive
    issue_date: Mapped[date]
    due_date: Mapped[date]
    ocr: Mapped[str] = mapped_column(String(25))
    net: Mapped[Decimal] = mapped_column(MONEY)
    vat: Mapped[Decimal] = mapped_column(MONEY)
    total: Mapped[Decimal] = mapped_column(MONEY)
    consumption_wh: Mapped[int] = mapped_column(BigInteger)
    basis_digest: Mapped[str] = mapped_column(String(64))  # of the meter values billed
    credits_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    document: Mapped[str] = mapped_column(Text)
    pdf_path: Mapped[str | None] = mapped_column(String(300))
    ubl_path: Mapped[str | None] = mapped_column(String(300))

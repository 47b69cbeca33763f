"""Payments received on a supplier's bankgiro, and the payment files they came in.

A payment is kept whether or not it matched an invoice: one whose OCR reference matched nothing
has ``invoice_id`` NULL until someone matches it by hand. Amounts are kronor with öre.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base, TimestampedMixin
from elkund.core.localtime import utcnow
from elkund.supply.billing_models import MONEY


class PaymentFile(Base):
    """One imported payment file; its SHA-256 makes a second import of the same file a no-op."""

    __tablename__ = "payment_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(16))  # bgmax
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    payment_count: Mapped[int]
    total: Mapped[Decimal] = mapped_column(MONEY)


class Payment(TimestampedMixin, Base):
    """One payment to a supplier; ``invoice_id`` is NULL while it is unmatched."""

    __tablename__ = "payments"
    __table_args__ = (
        Index(None, "invoice_id"),
        Index(None, "supplier_id", "paid_on"),
        # One payment per Bankgirot serial number and supplier: a payment is never booked twice
        # (payments entered by hand have no serial).
        Index(
            None,
            "supplier_id",
            "bank_serial",
            unique=True,
            sqlite_where=text("bank_serial IS NOT NULL"),
            postgresql_where=text("bank_serial IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_on: Mapped[date]
    reference: Mapped[str] = mapped_column(String(35))  # the OCR reference as the payer gave it
    payer: Mapped[str | None] = mapped_column(String(200))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("payment_files.id"))
    file_line: Mapped[int | None]  # where in the file, for questions about it
    matched_by: Mapped[str | None] = mapped_column(String(16))  # ocr | manual
    # Bankgirot's serial number of the payment (BgMax TK20 positions 58-69): the same payment in
    # a second, differently worded file is recognised by it. NULL when the file gave none (zeros).
    bank_serial: Mapped[str | None] = mapped_column(String(12))

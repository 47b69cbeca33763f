"""Dunning of overdue invoices (SUP-27): one case per invoice, and every letter it sent.

A case is opened by the first reminder (or by a dispute) and says whether the process goes on:
``open`` moves along, ``disputed`` is held until the dispute is withdrawn, ``paid`` has stopped for
good. A letter row is kept for each letter sent, with its PDF; ``(case, kind)`` is unique, so no
letter of a kind is ever sent twice for one invoice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base, TimestampedMixin
from elkund.supply.billing_models import MONEY


class CaseStatus(StrEnum):
    OPEN = "open"
    DISPUTED = "disputed"  # held: the customer has disputed the invoice
    PAID = "paid"  # stopped: paid in full


class LetterKind(StrEnum):
    REMINDER = "reminder"  # påminnelse, with fee and interest
    CONSUMER_NOTICE = "consumer_notice"  # Bilaga 1: underrättelse till konsumenten
    SOCIAL_NOTICE = "social_notice"  # Bilaga 2: meddelande till socialnämnden


class DunningCase(TimestampedMixin, Base):
    __tablename__ = "dunning_cases"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'disputed', 'paid')", name="status"),
        Index(None, "supplier_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), unique=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    status: Mapped[str] = mapped_column(String(16))  # CaseStatus
    status_on: Mapped[date]  # the day the status last changed
    dispute_reason: Mapped[str | None] = mapped_column(Text)


class DunningLetter(TimestampedMixin, Base):
    """One letter as sent; the amounts are those printed on it."""

    __tablename__ = "dunning_letters"
    __table_args__ = (
        UniqueConstraint("case_id", "kind"),
        CheckConstraint("kind IN ('reminder', 'consumer_notice', 'social_notice')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dunning_cases.id"))
    kind: Mapped[str] = mapped_column(String(20))  # LetterKind
    recipient: Mapped[str] = mapped_column(String(200))
    municipality_code: Mapped[str | None] = mapped_column(String(4))  # the social notice's
    sent_on: Mapped[date]
    # When the recipient is taken to have the letter: sent_on + the post days, or as recorded.
    received_on: Mapped[date]
    received_confirmed: Mapped[bool] = mapped_column(default=False)
    # Reminder: pay by this day. Consumer notice: the last day of the three weeks (received + 21).
    pay_by: Mapped[date]
    open_amount: Mapped[Decimal] = mapped_column(MONEY)
    fee: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    interest: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    pdf_path: Mapped[str] = mapped_column(String(300))

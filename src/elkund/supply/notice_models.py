"""The notices of SFS 2023:242 §§ 21–23 that are kept: letters to customers before a time-limited
contract expires (SUP-23) and when the grid company assigns a supplier (SUP-22), and aggregators'
notices to the grid company before an aggregation service starts (SUP-21).

Dates are local (Europe/Stockholm) days; ``expires_on`` is exclusive like every period end here:
the first day under the terms that follow.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base, TimestampedMixin
from elkund.core.localtime import utcnow


class ContractExpiryNotice(TimestampedMixin, Base):
    """The supplier's letter before a contract's fixed term or end date (SUP-23).

    One per contract and expiry: a re-run never writes a second letter about the same end.
    """

    __tablename__ = "contract_expiry_notices"
    __table_args__ = (UniqueConstraint("contract_id", "expires_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    expires_on: Mapped[date]  # the first day under the following terms
    successor_product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sent_on: Mapped[date]
    pdf_path: Mapped[str | None] = mapped_column(String(300))


class AssignmentNotice(TimestampedMixin, Base):
    """The grid company's letter to a customer it assigned a supplier (anvisad elleverantör,
    SUP-22).

    One per installation, supplier and start: the assignment flow may call again safely.
    """

    __tablename__ = "assignment_notices"
    __table_args__ = (UniqueConstraint("installation_id", "supplier_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    installation_id: Mapped[int] = mapped_column(ForeignKey("installations.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    grid_company_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    start_date: Mapped[date]  # the first day the assigned supplier supplies
    sent_on: Mapped[date]
    pdf_path: Mapped[str | None] = mapped_column(String(300))


class AggregationNoticeStatus(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


class AggregationNotice(Base):
    """An aggregator's notice to the grid company that its service starts on an installation
    (SUP-21), kept with the installation whatever the answer; a refusal has a stable code."""

    __tablename__ = "aggregation_notices"
    __table_args__ = (
        CheckConstraint("status IN ('accepted', 'refused')", name="status"),
        Index(None, "installation_id", "start_date"),
        Index(None, "aggregator_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    aggregator_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    installation_ref: Mapped[str] = mapped_column(String(40))  # the anläggnings-ID as sent
    installation_id: Mapped[int | None] = mapped_column(ForeignKey("installations.id"))
    start_date: Mapped[date]  # the first day of the aggregation service
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[AggregationNoticeStatus] = mapped_column(String(16))
    refusal_code: Mapped[str | None] = mapped_column(String(60))
    refusal_detail: Mapped[str | None] = mapped_column(Text)

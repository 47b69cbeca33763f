"""Every export made for the regulator (SUP-24, SUP-25): what, whose, which period, and where.

An export leaves the system with customer data in it, so it is recorded like a share: when it
was made, for which supplier and period, how many rows of each kind, and the SHA-256 of what was
written (the manifest of a records export, the file of a price export), so that a copy handed to
Energimarknadsinspektionen or the European Commission can be matched to this row later.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base
from elkund.core.localtime import utcnow


class ExportKind:
    PRICES = "prices"  # SUP-24: prices and terms in Elpriskollen's fields
    RECORDS = "records"  # SUP-25: contracts and transactions of a period


class RegulatorExport(Base):
    """One export made; ``row_counts`` is a JSON object of row counts by file kind."""

    __tablename__ = "regulator_exports"
    __table_args__ = (
        CheckConstraint("kind IN ('prices', 'records')", name="kind"),
        CheckConstraint("period_to >= period_from", name="period"),
        Index(None, "supplier_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    period_from: Mapped[date]  # a price export: the price date, in both columns
    period_to: Mapped[date]  # inclusive
    file_format: Mapped[str] = mapped_column(String(8))  # csv, json, or csv+json
    location: Mapped[str | None] = mapped_column(String(500))  # None: printed to stdout
    sha256: Mapped[str] = mapped_column(String(64))
    row_counts: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

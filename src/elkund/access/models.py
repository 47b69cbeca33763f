"""Third-party access: requests, consents, their event histories, and the share log.

Every transition is an appended event (actor, time, reason). ``status`` on a request or consent is
a projection of its latest event, written in the same transaction, so lists can filter on it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base, TimestampedMixin
from elkund.core.localtime import utcnow


class RequestStatus(StrEnum):
    PENDING_CUSTOMER = "pending_customer"
    REFUSED = "refused"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class ConsentStatus(StrEnum):
    ACTIVE = "active"
    TERMINATED_BY_CUSTOMER = "terminated_by_customer"
    WITHDRAWN_BY_ESCO = "withdrawn_by_esco"
    EXPIRED = "expired"
    ENDED_BY_GRID_COMPANY = "ended_by_grid_company"


class Delivery(StrEnum):
    PULL = "pull"
    PUSH_DAILY = "push_daily"


class AccessRequest(TimestampedMixin, Base):
    """An ESCO's request for the meter values of one installation (TPA-1)."""

    __tablename__ = "access_requests"
    __table_args__ = (
        UniqueConstraint("esco_id", "idempotency_key"),
        Index(None, "esco_id", "status"),
        Index(None, "installation_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    esco_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    status: Mapped[RequestStatus] = mapped_column(String(24))
    installation_ref: Mapped[str] = mapped_column(String(40))  # the ID as the ESCO sent it
    installation_id: Mapped[int | None] = mapped_column(ForeignKey("installations.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    identity_masked: Mapped[str] = mapped_column(String(20))  # never the full number
    purpose: Mapped[str] = mapped_column(Text)
    data_types: Mapped[list[str]] = mapped_column(JSON)
    resolution: Mapped[str] = mapped_column(String(5))
    history_from: Mapped[date | None]
    valid_until: Mapped[date | None]
    delivery: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    refusal_code: Mapped[str | None] = mapped_column(String(60))
    refusal_detail: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None]  # when an unanswered request lapses


class AccessRequestEvent(Base):
    __tablename__ = "access_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("access_requests.id"), index=True)
    status: Mapped[RequestStatus] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Consent(TimestampedMixin, Base):
    """The customer's approval of a request: what the ESCO may read, and for how long (TPA-4)."""

    __tablename__ = "consents"
    __table_args__ = (
        Index(None, "esco_id", "status"),
        Index(None, "installation_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("access_requests.id"), unique=True)
    esco_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    installation_id: Mapped[int] = mapped_column(ForeignKey("installations.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[ConsentStatus] = mapped_column(String(32))
    data_types: Mapped[list[str]] = mapped_column(JSON)
    resolution: Mapped[str] = mapped_column(String(5))
    history_from: Mapped[date]
    valid_from: Mapped[date]
    valid_until: Mapped[date]  # exclusive: the consent ends at local midnight starting this day
    delivery: Mapped[str] = mapped_column(String(16))
    ended_at: Mapped[datetime | None]
    pushed_until: Mapped[datetime | None]  # push deliveries: day changes up to here were sent


class ConsentEvent(Base):
    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[str] = mapped_column(ForeignKey("consents.id"), index=True)
    status: Mapped[ConsentStatus] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ShareLogEntry(Base):
    """One delivery of meter values to anyone but the customer (TPA-9, EU-3). Append-only."""

    __tablename__ = "share_log"
    __table_args__ = (Index(None, "installation_id", "at"), Index(None, "party_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    installation_id: Mapped[int] = mapped_column(ForeignKey("installations.id"))
    consent_id: Mapped[str | None] = mapped_column(ForeignKey("consents.id"))
    basis: Mapped[str] = mapped_column(String(24))  # "consent" (later: "supplier_of_record")
    channel: Mapped[str] = mapped_column(String(16))  # "pull" or "push"
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    resolution: Mapped[str] = mapped_column(String(5))
    value_count: Mapped[int]

"""The outbox of events for ESCOs, and every attempt to deliver one as a webhook."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base
from elkund.core.localtime import utcnow


class OutboxEvent(Base):
    """An event for one ESCO, written in the transaction of the change it announces.

    ``id`` orders events and is the polling cursor; ``event_id`` is the stable id receivers
    deduplicate on (the Standard Webhooks ``webhook-id``).
    """

    __tablename__ = "outbox_events"
    __table_args__ = (Index(None, "party_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int]
    succeeded: Mapped[bool]

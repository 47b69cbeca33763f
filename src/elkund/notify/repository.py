"""All SQL of notifications."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from elkund.notify.models import OutboxEvent


def events_after(
    session: Session, *, party_id: int, after: int, limit: int
) -> Sequence[OutboxEvent]:
    """The party's events with ``id > after``, oldest first."""
    query = (
        select(OutboxEvent)
        .where(OutboxEvent.party_id == party_id, OutboxEvent.id > after)
        .order_by(OutboxEvent.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def mark_delivered(session: Session, *, outbox_id: int, at: datetime) -> None:
    """Set ``delivered_at`` with a plain UPDATE: no read before the write."""
    session.execute(update(OutboxEvent).where(OutboxEvent.id == outbox_id).values(delivered_at=at))

"""Publishing events to ESCOs and reading them back; services never commit, the caller does."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.jobs import enqueue
from elkund.core.localtime import utcnow
from elkund.notify import repository
from elkund.notify.events import EventType
from elkund.notify.models import OutboxEvent
from elkund.notify.schemas import DATA_MODELS
from elkund.parties.models import Party

DELIVER_JOB = "webhook.deliver"
# 30 s doubling to the 6-hour cap: the last of 12 attempts comes about 14.5 hours after the first.
MAX_DELIVERY_ATTEMPTS = 12


def publish(
    session: Session,
    *,
    party_id: int,
    type: str,
    data: dict[str, Any],
    now: datetime | None = None,
) -> OutboxEvent:
    """Append one event for an ESCO to the outbox, in the caller's transaction.

    ``data`` is checked against the contract of ``type`` (``notify.schemas``); a mismatch is a bug
    of the caller and raises ``ValueError``. If the party has a webhook, a delivery job is enqueued
    in the same transaction, so the event and its delivery exist exactly when the change does.
    """
    event_type = EventType(type)
    payload = DATA_MODELS[event_type].model_validate(data).model_dump(mode="json")
    # Lock the party: its events then get their ids in commit order, and a poller's cursor never
    # skips an event that commits after a later one.
    party = session.scalars(
        select(Party).where(Party.id == party_id).with_for_update(key_share=True)
    ).one_or_none()
    if party is None:
        raise ValueError(f"no party {party_id}")
    # Whole seconds: SQLite stores seconds, and the webhook body must not change between attempts.
    created_at = (now or utcnow()).replace(microsecond=0)
    event = OutboxEvent(
        event_id=str(uuid.uuid4()),
        party_id=party_id,
        type=event_type.value,
        payload=payload,
        created_at=created_at,
    )
    session.add(event)
    session.flush()
    if party.webhook_url and party.webhook_secret:
        enqueue(
            session,
            kind=DELIVER_JOB,
            payload={"event": event.id},
            run_at=created_at,
            max_attempts=MAX_DELIVERY_ATTEMPTS,
        )
    return event


def events_after(
    session: Session, *, party_id: int, after: int = 0, limit: int = 100
) -> Sequence[OutboxEvent]:
    """The party's events after the cursor ``after``, oldest first (for ESCOs that poll)."""
    return repository.events_after(session, party_id=party_id, after=after, limit=limit)

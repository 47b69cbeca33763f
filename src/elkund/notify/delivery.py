"""Delivering outbox events as signed webhooks: the handler of the ``webhook.deliver`` job.

Every attempt is recorded as a ``WebhookAttempt``:

- The handler first reads what it needs and ends that (read-only) transaction, so no transaction
  is open while a receiver takes up to 10 seconds; on SQLite the worker's transaction holds the
  single write lock, which would otherwise stall every other writer (the portal too).
- A successful attempt is then written together with ``delivered_at`` and the job being marked
  done, in one short transaction that only writes.
- A failed attempt must survive the rollback of the handler's transaction, so it travels in a
  ``RetryLater`` whose ``keep`` the worker runs in the transaction that schedules the retry: it is
  committed exactly when the retry is, and no second session is needed.

Delivery is at least once: a worker that dies after the receiver answered but before it committed
leaves a job that another worker takes over after the lease. The event id (``webhook-id``) is the
same on every attempt, so receivers deduplicate on it.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import httpx
import orjson
from sqlalchemy.orm import Session

from elkund import __version__
from elkund.core.jobs.worker import RetryLater
from elkund.core.localtime import utcnow
from elkund.notify import repository
from elkund.notify.models import OutboxEvent, WebhookAttempt
from elkund.notify.signing import signature_headers
from elkund.parties.models import Party

TIMEOUT = httpx.Timeout(10.0)
USER_AGENT = f"elkund-webhooks/{__version__}"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One event ready to send: everything needed once the database transaction has ended."""

    outbox_id: int
    event_id: str
    url: str
    secret: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Attempt:
    event_id: int
    url: str
    status_code: int | None
    error: str | None
    duration_ms: int
    succeeded: bool

    def record(self, session: Session) -> None:
        session.add(WebhookAttempt(**asdict(self)))


def webhook_body(event: OutboxEvent) -> bytes:
    """The JSON body of an event's webhook; the same bytes on every attempt."""
    content = {
        "id": event.event_id,
        "type": event.type,
        "created_at": event.created_at,
        "data": event.payload,
    }
    return orjson.dumps(content, option=orjson.OPT_UTC_Z)


def deliver(
    session: Session, payload: dict[str, Any], *, transport: httpx.BaseTransport | None = None
) -> dict[str, Any]:
    """POST one event to its ESCO's webhook; a non-2xx answer or a network error is retried.

    A suspended ESCO is still notified (e.g. that its consents ended) while it has a webhook; one
    whose webhook was removed is not. ``transport`` replaces the network in tests.
    """
    webhook = _prepare(session, outbox_id=int(payload["event"]))
    if isinstance(webhook, str):
        return {"skipped": webhook}
    session.commit()  # ends the read: nothing is held while the receiver answers
    attempt = _post(webhook, transport=transport)
    if not attempt.succeeded:
        raise RetryLater(attempt.error or "failed", keep=attempt.record)
    attempt.record(session)
    repository.mark_delivered(session, outbox_id=webhook.outbox_id, at=utcnow())
    return {"status_code": attempt.status_code, "duration_ms": attempt.duration_ms}


def _prepare(session: Session, *, outbox_id: int) -> Outgoing | str:
    """The webhook to send, or why there is none."""
    event = session.get(OutboxEvent, outbox_id)
    if event is None:
        return "unknown_event"
    if event.delivered_at is not None:
        return "already_delivered"
    party = session.get(Party, event.party_id)
    if party is None or not party.webhook_url or not party.webhook_secret:
        return "no_webhook"
    return Outgoing(
        event.id, event.event_id, party.webhook_url, party.webhook_secret, webhook_body(event)
    )


def _post(webhook: Outgoing, *, transport: httpx.BaseTransport | None) -> Attempt:
    headers = signature_headers(
        webhook.secret, msg_id=webhook.event_id, timestamp=utcnow(), body=webhook.body
    )
    headers |= {"content-type": "application/json", "user-agent": USER_AGENT}
    started = time.perf_counter()
    status_code: int | None = None
    try:
        with httpx.Client(transport=transport, timeout=TIMEOUT, follow_redirects=False) as client:
            response = client.post(webhook.url, content=webhook.body, headers=headers)
        status_code = response.status_code
        error = None if response.is_success else _describe(response)
    except httpx.HTTPError as failure:
        error = f"{type(failure).__name__}: {failure}"[:2000]
    duration_ms = round((time.perf_counter() - started) * 1000)
    return Attempt(
        webhook.outbox_id, webhook.url, status_code, error, duration_ms, succeeded=error is None
    )


def _describe(response: httpx.Response) -> str:
    excerpt = response.text.strip()[:200]
    return f"HTTP {response.status_code}: {excerpt}" if excerpt else f"HTTP {response.status_code}"

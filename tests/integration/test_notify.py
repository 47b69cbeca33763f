"""Notifications to ESCOs: outbox, signed webhooks, retries, every attempt on record (TPA-6/8)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from elkund.core.db import session_scope
from elkund.core.jobs import claim
from elkund.core.jobs.models import JobRow
from elkund.core.jobs.queue import backoff
from elkund.core.jobs.worker import LEASE, Handler, run_next
from elkund.core.localtime import utcnow
from elkund.notify.delivery import deliver
from elkund.notify.events import EventType
from elkund.notify.models import OutboxEvent, WebhookAttempt
from elkund.notify.service import DELIVER_JOB, MAX_DELIVERY_ATTEMPTS, publish
from elkund.notify.signing import generate_secret
from elkund.parties.models import Party, PartyStatus
from tests.factories import make_party

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
URL = "https://esco.example/webhooks/elkund"
SECRET = generate_secret()
APPROVED = {
    "request_id": "req-1",
    "installation_id": "735999100000000017",
    "status": "approved",
    "reason": None,
    "consent_id": "con-1",
}


class Receiver:
    """An ESCO's webhook endpoint that answers the given statuses in turn, then 200."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.statuses.pop(0) if self.statuses else 200)

    def handlers(self) -> dict[str, Handler]:
        return {DELIVER_JOB: lambda s, p: deliver(s, p, transport=httpx.MockTransport(self))}


def make_esco(session: Session, *, webhook: bool = True) -> Party:
    party = make_party(session)
    if webhook:
        party.webhook_url, party.webhook_secret = URL, SECRET
    session.flush()
    return party


def publish_approved(factory: sessionmaker[Session], **party: Any) -> tuple[int, str]:
    """Commit one `access_request.approved` event; returns its outbox id and event id."""
    with session_scope(factory) as session:
        event = publish(
            session,
            party_id=make_esco(session, **party).id,
            type=EventType.ACCESS_REQUEST_APPROVED,
            data=APPROVED,
            now=T0,
        )
        return event.id, event.event_id


def attempts(factory: sessionmaker[Session]) -> list[tuple[int | None, str | None, bool]]:
    with session_scope(factory) as session:
        rows = session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id))
        return [(row.status_code, row.error, row.succeeded) for row in rows]


def the_job(factory: sessionmaker[Session]) -> JobRow:
    with session_scope(factory) as session:
        return session.scalars(select(JobRow)).one()


def test_publish_appends_one_event_and_one_delivery_job(session: Session) -> None:
    esco = make_esco(session)
    event = publish(
        session, party_id=esco.id, type=EventType.ACCESS_REQUEST_APPROVED, data=APPROVED, now=T0
    )
    stored = session.scalars(select(OutboxEvent)).one()
    assert stored is event
    assert (stored.party_id, stored.type, stored.payload, stored.created_at) == (
        esco.id,
        "access_request.approved",
        APPROVED,
        T0,
    )
    assert len(stored.event_id) == 36
    assert stored.delivered_at is None
    job = session.scalars(select(JobRow)).one()
    assert (job.kind, job.payload, job.run_at, job.max_attempts) == (
        "webhook.deliver",
        {"event": event.id},
        T0,
        MAX_DELIVERY_ATTEMPTS,
    )


def test_publish_without_a_webhook_keeps_the_event_for_polling_only(session: Session) -> None:
    esco = make_esco(session, webhook=False)
    publish(session, party_id=esco.id, type="access_request.refused", data=APPROVED, now=T0)
    assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 1
    assert session.scalar(select(func.count()).select_from(JobRow)) == 0


def test_publish_normalises_consent_ended_data(session: Session) -> None:
    esco = make_esco(session, webhook=False)
    data = {
        "consent_id": "con-1",
        "request_id": "req-1",
        "installation_id": "735999100000000017",
        "status": "terminated_by_customer",
        "reason": None,
        "ended_at": datetime(2026, 3, 1, 23, tzinfo=UTC),
    }
    event = publish(session, party_id=esco.id, type=EventType.CONSENT_ENDED, data=data)
    assert event.payload == data | {"ended_at": "2026-03-01T23:00:00Z"}


@pytest.mark.parametrize(
    ("type_", "data"),
    [
        ("access_request.unknown", APPROVED),
        ("access_request.approved", {k: v for k, v in APPROVED.items() if k != "reason"}),
        ("access_request.approved", APPROVED | {"extra": 1}),
        ("consent.ended", APPROVED),
    ],
)
def test_publish_refuses_data_outside_the_contract(
    session: Session, type_: str, data: dict[str, Any]
) -> None:
    esco = make_esco(session)
    with pytest.raises(ValueError, match=r"\S"):
        publish(session, party_id=esco.id, type=type_, data=data)
    assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 0


def test_webhook_is_signed_with_standard_webhooks(committed: sessionmaker[Session]) -> None:
    """TPA-6: on approval the ESCO is notified automatically, with a verifiable signature."""
    outbox_id, event_id = publish_approved(committed)
    receiver = Receiver(204)
    before = int(utcnow().timestamp())
    assert run_next(committed, receiver.handlers(), worker="w1", now=lambda: T0)
    (request,) = receiver.requests
    headers = dict(request.headers)
    assert (request.method, str(request.url)) == ("POST", URL)
    assert Webhook(SECRET).verify(request.content, headers) == {
        "id": event_id,
        "type": "access_request.approved",
        "created_at": "2026-01-01T12:00:00Z",
        "data": APPROVED,
    }
    timestamp = headers["webhook-timestamp"]
    assert before <= int(timestamp) <= before + 5
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    digest = hmac.new(key, f"{event_id}.{timestamp}.".encode() + request.content, hashlib.sha256)
    assert {name: value for name, value in headers.items() if name.startswith("webhook-")} == {
        "webhook-id": event_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": "v1," + base64.b64encode(digest.digest()).decode(),
    }
    assert headers["content-type"] == "application/json"
    assert attempts(committed) == [(204, None, True)]
    with session_scope(committed) as session:
        event = session.get(OutboxEvent, outbox_id)
        assert event is not None
        assert event.delivered_at is not None
    assert the_job(committed).done_at == T0


def test_receiver_down_twice_is_retried_with_backoff_until_delivered(
    committed: sessionmaker[Session],
) -> None:
    """TPA-8/EU-3: a receiver that was down still gets the event; every attempt is on record."""
    outbox_id, event_id = publish_approved(committed)
    receiver = Receiver(500, 503)
    clock = [T0]
    for attempt in (1, 2):
        assert run_next(committed, receiver.handlers(), worker="w1", now=lambda: clock[0])
        job = the_job(committed)
        assert (job.attempts, job.done_at, job.run_at) == (
            attempt,
            None,
            clock[0] + backoff(attempt),
        )
        assert not run_next(committed, receiver.handlers(), worker="w1", now=lambda: clock[0])
        clock[0] = job.run_at
    assert run_next(committed, receiver.handlers(), worker="w1", now=lambda: clock[0])
    assert attempts(committed) == [
        (500, "HTTP 500", False),
        (503, "HTTP 503", False),
        (200, None, True),
    ]
    job = the_job(committed)
    assert (job.attempts, job.done_at, job.last_error) == (3, clock[0], None)
    assert {request.headers["webhook-id"] for request in receiver.requests} == {event_id}
    assert len({request.content for request in receiver.requests}) == 1
    with session_scope(committed) as session:
        event = session.get(OutboxEvent, outbox_id)
        assert event is not None
        assert event.delivered_at is not None
    assert not run_next(
        committed, receiver.handlers(), worker="w1", now=lambda: clock[0] + timedelta(days=1)
    )
    assert len(receiver.requests) == 3


def test_network_error_is_recorded_as_an_attempt_and_retried(
    committed: sessionmaker[Session],
) -> None:
    publish_approved(committed)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    handlers: dict[str, Handler] = {
        DELIVER_JOB: lambda s, p: deliver(s, p, transport=httpx.MockTransport(refuse))
    }
    assert run_next(committed, handlers, worker="w1", now=lambda: T0)
    assert attempts(committed) == [(None, "ConnectError: connection refused", False)]
    job = the_job(committed)
    assert (job.attempts, job.run_at, job.done_at) == (1, T0 + backoff(1), None)
    assert job.last_error == "RetryLater('ConnectError: connection refused')"


def test_no_transaction_is_held_while_the_receiver_answers(
    committed: sessionmaker[Session],
) -> None:
    """A slow receiver must not stall other writers (SQLite has a single write lock)."""
    publish_approved(committed)
    renamed: list[str] = []

    def slow(request: httpx.Request) -> httpx.Response:
        with session_scope(committed, write=True) as session:
            session.scalars(select(Party)).one().name = "Renamed while waiting AB"
        renamed.append(request.headers["webhook-id"])
        return httpx.Response(200)

    handlers: dict[str, Handler] = {
        DELIVER_JOB: lambda s, p: deliver(s, p, transport=httpx.MockTransport(slow))
    }
    assert run_next(committed, handlers, worker="w1", now=lambda: T0)
    assert len(renamed) == 1
    assert attempts(committed) == [(200, None, True)]
    assert the_job(committed).done_at == T0


def test_suspended_esco_is_still_notified(committed: sessionmaker[Session]) -> None:
    """A suspended ESCO still learns that its consents ended (ended_by_grid_company)."""
    publish_approved(committed)
    with session_scope(committed) as session:
        session.scalars(select(Party)).one().status = PartyStatus.SUSPENDED
    receiver = Receiver()
    assert run_next(committed, receiver.handlers(), worker="w1", now=lambda: T0)
    assert len(receiver.requests) == 1
    assert attempts(committed) == [(200, None, True)]


def test_removed_webhook_is_not_called(committed: sessionmaker[Session]) -> None:
    publish_approved(committed)
    with session_scope(committed) as session:
        session.scalars(select(Party)).one().webhook_url = None
    receiver = Receiver()
    assert run_next(committed, receiver.handlers(), worker="w1", now=lambda: T0)
    assert receiver.requests == []
    assert attempts(committed) == []
    job = the_job(committed)
    assert (job.done_at, job.result) == (T0, {"skipped": "no_webhook"})


def test_worker_killed_mid_delivery_delivers_once_more_with_the_same_id(
    committed: sessionmaker[Session],
) -> None:
    """No lost notification: the receiver got it, the worker died before committing (TPA-8)."""
    outbox_id, event_id = publish_approved(committed)
    receiver = Receiver()
    with session_scope(committed) as session:
        job = claim(session, worker="dead", now=T0, lease=LEASE)
    assert job is not None
    dying = committed()
    deliver(dying, job.payload, transport=httpx.MockTransport(receiver))
    dying.rollback()  # the process died: nothing it did in the database is kept
    dying.close()

    def run(at: datetime) -> bool:
        return run_next(committed, receiver.handlers(), worker="w2", now=lambda: at)

    assert not run(T0 + timedelta(minutes=1))
    assert run(T0 + LEASE + timedelta(seconds=1))
    assert not run(T0 + timedelta(days=1))
    assert [request.headers["webhook-id"] for request in receiver.requests] == [event_id] * 2
    assert receiver.requests[0].content == receiver.requests[1].content
    assert attempts(committed) == [(200, None, True)]
    job_row = the_job(committed)
    assert (job_row.attempts, job_row.done_at) == (2, T0 + LEASE + timedelta(seconds=1))
    with session_scope(committed) as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 1
        event = session.get(OutboxEvent, outbox_id)
        assert event is not None
        assert event.event_id == event_id

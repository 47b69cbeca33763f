"""What the grid company's operator sees of third-party access: read-only queries.

Every access is traceable (EU-3): each request, refused ones with their reason included (TPA-2),
each consent, each event of their histories, each delivery of values and each notification to an
ESCO can be listed here. Nothing in this module writes.

Full identity numbers are never returned: requests keep only a masked form, and free text that
came from outside (the installation ID as the ESCO sent it, actors) is masked again here in case
an identity number was typed into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, func, select, type_coerce
from sqlalchemy.orm import Session

from elkund.access import repository
from elkund.access.models import (
    AccessRequest,
    Consent,
    ConsentStatus,
    RequestStatus,
    ShareLogEntry,
)
from elkund.core.errors import NotFound
from elkund.core.jobs.models import JobRow
from elkund.customers.identity import format_number, mask
from elkund.grid.models import Installation
from elkund.notify.models import OutboxEvent, WebhookAttempt
from elkund.notify.service import DELIVER_JOB
from elkund.parties.models import Party

DEFAULT_LIMIT = 100
# A personnummer or organisationsnummer with 10 or 12 digits, standing alone (not inside a GSRN).
_IDENTITY_NUMBER = re.compile(r"(?<!\d)(?:\d{8}|\d{6})[-+]?\d{4}(?!\d)")
_ESCO_COLUMNS = (Party.id.label("esco_id"), Party.name.label("esco_name"), Party.org_number)


@dataclass(frozen=True, slots=True)
class EscoRef:
    id: int
    name: str
    org_number: str  # written form, NNNNNN-NNNN

    @property
    def label(self) -> str:
        return f"{self.name} ({self.org_number})"


@dataclass(frozen=True, slots=True)
class RequestRow:
    id: str
    created_at: datetime
    status: str
    esco: EscoRef
    installation_id: str  # as the ESCO sent it
    identity_masked: str
    refusal_code: str | None
    refusal_detail: str | None


@dataclass(frozen=True, slots=True)
class ConsentRow:
    id: str
    request_id: str
    created_at: datetime
    status: str
    esco: EscoRef
    installation_id: str
    resolution: str
    delivery: str
    valid_from: date
    valid_until: date  # exclusive: the consent ends at local midnight starting this day
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    subject: str  # "request" or "consent"
    status: str
    actor: str
    reason: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class History:
    request: RequestRow
    consent: ConsentRow | None
    events: list[HistoryEvent]


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: int
    at: datetime
    esco: EscoRef
    installation_id: str
    consent_id: str | None
    channel: str
    period_start: datetime
    period_end: datetime
    resolution: str
    value_count: int


@dataclass(frozen=True, slots=True)
class AttemptRow:
    id: int
    attempted_at: datetime
    esco: EscoRef
    event_id: str
    event_type: str
    url: str
    status_code: int | None
    error: str | None
    succeeded: bool


@dataclass(frozen=True, slots=True)
class UndeliveredRow:
    event_id: str
    event_type: str
    created_at: datetime
    esco: EscoRef
    attempts: int


@dataclass(frozen=True, slots=True)
class FailedJobRow:
    job_id: int
    failed_at: datetime
    esco: EscoRef
    event_id: str
    event_type: str
    attempts: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class WebhookReport:
    attempts: list[AttemptRow] = field(default_factory=list)
    undelivered: list[UndeliveredRow] = field(default_factory=list)
    failed_jobs: list[FailedJobRow] = field(default_factory=list)


def list_requests(
    session: Session,
    *,
    esco_id: int | None = None,
    status: RequestStatus | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[RequestRow]:
    """Requests of every ESCO, newest first, refused ones with their reason (TPA-2)."""
    conditions = _esco_is(AccessRequest.esco_id, esco_id)
    if status is not None:
        conditions.append(AccessRequest.status == status)
    return _requests(session, *conditions, limit=limit)


def list_consents(
    session: Session, *, esco_id: int | None = None, status: ConsentStatus | None = None
) -> list[ConsentRow]:
    """Consents of every ESCO, newest first."""
    conditions = _esco_is(Consent.esco_id, esco_id)
    if status is not None:
        conditions.append(Consent.status == status)
    return _consents(session, *conditions)


def history(session: Session, *, key: str) -> History:
    """A request and its consent with every event of both, in order; ``key`` names either."""
    named = session.get(Consent, key)
    request_id = named.request_id if named is not None else key
    request = _requests(session, AccessRequest.id == request_id, limit=1)
    if not request:
        raise NotFound(f"No request or consent has the id {key!r}.")
    consent = _consents(session, Consent.request_id == request_id)
    events = [
        HistoryEvent("request", str(e.status), _masked(e.actor), e.reason, e.at)
        for e in repository.request_events(session, request[0].id)
    ]
    if consent:
        events += [
            HistoryEvent("consent", str(e.status), _masked(e.actor), e.reason, e.at)
            for e in repository.consent_events(session, consent[0].id)
        ]
    # Stable: at the same instant the request's event (e.g. approved) precedes the consent's.
    events.sort(key=lambda event: event.at)
    return History(request[0], consent[0] if consent else None, events)


def list_deliveries(
    session: Session,
    *,
    esco_id: int | None = None,
    installation_id: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[DeliveryRow]:
    """Share-log entries (TPA-9): every delivery of meter values to an ESCO, newest first."""
    query = (
        select(ShareLogEntry, Installation.gsrn, *_ESCO_COLUMNS)
        .join(Party, Party.id == ShareLogEntry.party_id)
        .join(Installation, Installation.id == ShareLogEntry.installation_id)
        .where(*_esco_is(ShareLogEntry.party_id, esco_id))
        .order_by(ShareLogEntry.at.desc(), ShareLogEntry.id.desc())
        .limit(limit)
    )
    if installation_id is not None:
        query = query.where(Installation.gsrn == installation_id)
    return [
        DeliveryRow(
            e.id,
            e.at,
            _esco(row),
            row.gsrn,
            e.consent_id,
            e.channel,
            e.period_start,
            e.period_end,
            e.resolution,
            e.value_count,
        )
        for row in session.execute(query)
        for e in [row.ShareLogEntry]
    ]


def webhook_report(
    session: Session,
    *,
    esco_id: int | None = None,
    failed_only: bool = False,
    limit: int = DEFAULT_LIMIT,
) -> WebhookReport:
    """Webhook attempts, events never delivered to an ESCO that has a webhook, and deliveries
    given up on (failed ``webhook.deliver`` jobs); each list newest first."""
    return WebhookReport(
        attempts=_attempts(session, esco_id=esco_id, failed_only=failed_only, limit=limit),
        undelivered=_undelivered(session, esco_id=esco_id, limit=limit),
        failed_jobs=_failed_jobs(session, esco_id=esco_id, limit=limit),
    )


def _esco(row: Any) -> EscoRef:
    return EscoRef(row.esco_id, row.esco_name, format_number(row.org_number))


def _esco_is(column: Any, esco_id: int | None) -> list[ColumnElement[bool]]:
    return [] if esco_id is None else [column == esco_id]


def _masked(text: str) -> str:
    return _IDENTITY_NUMBER.sub(lambda found: mask(found.group()), text)


def _requests(session: Session, *conditions: ColumnElement[bool], limit: int) -> list[RequestRow]:
    query = (
        select(AccessRequest, *_ESCO_COLUMNS)
        .join(Party, Party.id == AccessRequest.esco_id)
        .where(*conditions)
        .order_by(AccessRequest.created_at.desc(), AccessRequest.id.desc())
        .limit(limit)
    )
    return [
        RequestRow(
            r.id,
            r.created_at,
            str(r.status),
            _esco(row),
            _masked(r.installation_ref),
            r.identity_masked,
            r.refusal_code,
            r.refusal_detail,
        )
        for row in session.execute(query)
        for r in [row.AccessRequest]
    ]


def _consents(session: Session, *conditions: ColumnElement[bool]) -> list[ConsentRow]:
    query = (
        select(Consent, Installation.gsrn, *_ESCO_COLUMNS)
        .join(Party, Party.id == Consent.esco_id)
        .join(Installation, Installation.id == Consent.installation_id)
        .where(*conditions)
        .order_by(Consent.created_at.desc(), Consent.id.desc())
    )
    return [
        ConsentRow(
            c.id,
            c.request_id,
            c.created_at,
            str(c.status),
            _esco(row),
            row.gsrn,
            c.resolution,
            c.delivery,
            c.valid_from,
            c.valid_until,
            c.ended_at,
        )
        for row in session.execute(query)
        for c in [row.Consent]
    ]


def _attempts(
    session: Session, *, esco_id: int | None, failed_only: bool, limit: int
) -> list[AttemptRow]:
    query = (
        select(WebhookAttempt, OutboxEvent.event_id, OutboxEvent.type, *_ESCO_COLUMNS)
        .join(OutboxEvent, OutboxEvent.id == WebhookAttempt.event_id)
        .join(Party, Party.id == OutboxEvent.party_id)
        .where(*_esco_is(OutboxEvent.party_id, esco_id))
        .order_by(WebhookAttempt.attempted_at.desc(), WebhookAttempt.id.desc())
    )
    if failed_only:
        query = query.where(WebhookAttempt.succeeded.is_(False))
    return [
        AttemptRow(
            a.id,
            a.attempted_at,
            _esco(row),
            row.event_id,
            row.type,
            a.url,
            a.status_code,
            a.error,
            a.succeeded,
        )
        for row in session.execute(query.limit(limit))
        for a in [row.WebhookAttempt]
    ]


def _undelivered(session: Session, *, esco_id: int | None, limit: int) -> list[UndeliveredRow]:
    tries = (
        select(func.count())
        .where(WebhookAttempt.event_id == OutboxEvent.id)
        .correlate(OutboxEvent)
        .scalar_subquery()
    )
    query = (
        select(OutboxEvent, tries.label("tries"), *_ESCO_COLUMNS)
        .join(Party, Party.id == OutboxEvent.party_id)
        .where(
            OutboxEvent.delivered_at.is_(None),
            Party.webhook_url.is_not(None),
            *_esco_is(OutboxEvent.party_id, esco_id),
        )
        .order_by(OutboxEvent.created_at.desc(), OutboxEvent.id.desc())
        .limit(limit)
    )
    return [
        UndeliveredRow(e.event_id, e.type, e.created_at, _esco(row), row.tries)
        for row in session.execute(query)
        for e in [row.OutboxEvent]
    ]


def _failed_jobs(session: Session, *, esco_id: int | None, limit: int) -> list[FailedJobRow]:
    outbox_id = type_coerce(JobRow.payload, JSON)["event"].as_integer()
    query = (
        select(JobRow, OutboxEvent.event_id, OutboxEvent.type, *_ESCO_COLUMNS)
        .join(OutboxEvent, OutboxEvent.id == outbox_id)
        .join(Party, Party.id == OutboxEvent.party_id)
        .where(JobRow.kind == DELIVER_JOB, JobRow.failed_at.is_not(None))
        .where(*_esco_is(OutboxEvent.party_id, esco_id))
        .order_by(JobRow.failed_at.desc(), JobRow.id.desc())
        .limit(limit)
    )
    return [
        FailedJobRow(
            row.JobRow.id,
            row.JobRow.failed_at,
            _esco(row),
            row.event_id,
            row.type,
            row.JobRow.attempts,
            row.JobRow.last_error,
        )
        for row in session.execute(query)
    ]

"""Push delivery: push consents get their new and corrected values every day (TPA-6).

A daily job queues one ``access.push_consent`` job per active ``push_daily`` consent; each one
retries with backoff on its own. For the consent, the local days of its installation whose
values changed since ``pushed_until`` (every day from the history start on the first push) are
read through the access gate and POSTed to the ESCO's webhook as one signed
``meter_values.delivery`` (Standard Webhooks headers, as ``notify.delivery``). The body is the
pull answer's JSON plus ``id`` and ``type``; it covers the first to the last changed day, so
unchanged days in between are sent again.

- Only whole past local days are pushed. A day's last value can only arrive after the day ended,
  so a day seen while still running changes again later and is pushed then.
- As in webhook delivery, no transaction is open while the ESCO's server answers: the values are
  read, that transaction ends, and only once the ESCO accepted the POST (2xx) are its share-log
  entry and the new ``pushed_until`` written, together. A failed POST writes neither and raises,
  so the job tries again later with backoff.
- ``pushed_until`` stays ``OVERLAP`` behind the run and never passes the start of today: a day is
  stamped when its ingest began, so an ingest still running may commit a slightly older stamp, and
  today's days (not sent yet) must still count as changed tomorrow. A day may so be sent twice.
- A consent that ended is no longer active and gets nothing; one that lapsed but is not yet marked
  is refused by the gate. Each consent is committed on its own: a crash repeats at most one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.access import repository
from elkund.access.errors import ConsentNotActive, OutsideConsent
from elkund.access.gate import (
    GateResult,
    checked_read,
    history_start,
    log_delivery,
)
from elkund.access.models import Consent
from elkund.core.jobs import enqueue, ensure_one
from elkund.core.localtime import STOCKHOLM, local_date, local_midnight, utcnow
from elkund.metering.models import MeterValueDay
from elkund.notify.delivery import TIMEOUT, USER_AGENT
from elkund.notify.signing import signature_headers
from elkund.parties.models import Party

PUSH_JOB = "access.push"
PUSH_CONSENT_JOB = "access.push_consent"
OVERLAP = timedelta(minutes=15)  # longer than any ingest transaction takes
DELIVERY_EVENT = "meter_values.delivery"
RUN_AT = time(6, 0)  # local time of the daily run


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One consent's delivery, ready to send once the reading transaction has ended."""

    result: GateResult
    pushed_until: datetime
    url: str
    secret: str
    msg_id: str
    body: bytes


def run_push(
    session: Session, _payload: dict[str, Any], *, now: datetime | None = None
) -> dict[str, Any]:
    """The daily run: one ``access.push_consent`` job per active push consent, then tomorrow's run.

    One job per consent keeps every job short (one POST), lets several workers share the work and
    gives each consent its own retries with backoff.
    """
    consent_ids = push_consents(session)
    for consent_id in consent_ids:
        enqueue(session, kind=PUSH_CONSENT_JOB, payload={"consent": consent_id}, max_attempts=6)
    schedule_push(session, now=now)
    return {"queued": len(consent_ids)}


def run_push_consent(
    session: Session,
    payload: dict[str, Any],
    *,
    now: datetime | None = None,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """Push one consent's new and corrected days; a failed POST raises, so the job retries."""
    kind, detail = _push_one(session, payload["consent"], now=now or utcnow(), transport=transport)
    if kind == "failed":
        raise PushFailed(str(detail))
    return {kind: detail}


class PushFailed(Exception):
    pass


def schedule_push(session: Session, *, now: datetime | None = None) -> int:
    """Queue the next run, at the next 06:00 in Stockholm; the job's id."""
    return enqueue(session, kind=PUSH_JOB, payload={}, run_at=next_run(now or utcnow()))


def ensure_push_scheduled(session: Session) -> None:
    """Start the chain of daily runs unless one is already waiting."""
    ensure_one(session, kind=PUSH_JOB, run_at=next_run(utcnow()))


def next_run(now: datetime) -> datetime:
    today = local_date(now)
    run_at = datetime.combine(today, RUN_AT, tzinfo=STOCKHOLM)
    if run_at <= now:
        run_at = datetime.combine(today + timedelta(days=1), RUN_AT, tzinfo=STOCKHOLM)
    return run_at.astimezone(UTC)


def push_consents(session: Session) -> list[str]:
    return repository.active_push_consent_ids(session)


def _push_one(
    session: Session, consent_id: str, *, now: datetime, transport: httpx.BaseTransport | None
) -> tuple[str, Any]:
    outgoing = _prepare(session, consent_id, now=now)
    session.commit()  # ends the read: nothing is held while the ESCO's server answers
    if isinstance(outgoing, str):
        return ("up_to_date", None) if outgoing == "up_to_date" else ("skipped", outgoing)
    error = _post(outgoing, transport=transport)
    if error is not None:
        return "failed", error
    log_delivery(session, outgoing.result, channel="push", now=now)
    consent = session.get(Consent, consent_id)
    assert consent is not None
    consent.pushed_until = outgoing.pushed_until
    session.commit()
    return "delivered", len(outgoing.result.values)


def _prepare(session: Session, consent_id: str, *, now: datetime) -> Outgoing | str:
    """What to send for one consent, or why nothing is sent."""
    consent = session.get(Consent, consent_id)
    esco = session.get(Party, consent.esco_id) if consent else None
    if consent is None or esco is None:
        return "consent_not_found"
    if not esco.webhook_url or not esco.webhook_secret:
        return "no_webhook"
    try:
        days = _changed_days(
            session, consent, first=history_start(session, consent, now=now), now=now
        )
        if not days:
            return "up_to_date"
        result = checked_read(
            session,
            esco=esco,
            consent_id=consent.id,
            start=local_midnight(days[0][0]),
            end=local_midnight(days[-1][0] + timedelta(days=1)),
            resolution=None,
            now=now,
        )
    except (ConsentNotActive, OutsideConsent) as refused:
        return refused.code
    msg_id = str(uuid.uuid4())
    body = orjson.dumps({"id": msg_id, "type": DELIVERY_EVENT, **result.document()})
    # Days are stamped when their ingest began, so an ingest still running now may commit a stamp
    # a little in the past: the watermark stays OVERLAP behind, and such days go out next time.
    # Nor past the start of today: today's days are not sent yet, and their changes so far must
    # still count as new tomorrow.
    mark = min(now - OVERLAP, local_midnight(local_date(now)))
    pushed_until = max(consent.pushed_until or mark, mark)
    return Outgoing(result, pushed_until, esco.webhook_url, esco.webhook_secret, msg_id, body)


def _changed_days(
    session: Session, consent: Consent, *, first: date, now: datetime
) -> list[tuple[date, datetime]]:
    """(local date, changed_at) of the whole past days changed since the last push, in order."""
    day = MeterValueDay
    query = select(day.local_date, day.changed_at).where(
        day.installation_id == consent.installation_id,
        day.local_date >= first,
        day.local_date < local_date(now),
    )
    if consent.pushed_until is not None:
        query = query.where(day.changed_at > consent.pushed_until)
    return [(row[0], row[1]) for row in session.execute(query.order_by(day.local_date))]


def _post(outgoing: Outgoing, *, transport: httpx.BaseTransport | None) -> str | None:
    """POST the signed body; None when the ESCO accepted it, else what went wrong."""
    headers = signature_headers(
        outgoing.secret, msg_id=outgoing.msg_id, timestamp=utcnow(), body=outgoing.body
    )
    headers |= {"content-type": "application/json", "user-agent": USER_AGENT}
    try:
        with httpx.Client(transport=transport, timeout=TIMEOUT, follow_redirects=False) as client:
            response = client.post(outgoing.url, content=outgoing.body, headers=headers)
    except httpx.HTTPError as failure:
        return f"{type(failure).__name__}: {failure}"[:2000]
    return None if response.is_success else f"HTTP {response.status_code}"

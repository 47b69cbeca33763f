"""Enqueue, claim, finish and retry jobs. All SQL of the job queue lives here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, text, update
from sqlalchemy.orm import Session

from elkund.core.db import is_postgres
from elkund.core.jobs.models import JobRow
from elkund.core.localtime import utcnow
from elkund.core.types import UtcTimestamp

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int  # including this one


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: dict[str, Any],
    run_at: datetime | None = None,
    max_attempts: int = 10,
) -> int:
    """Add a job in the caller's transaction: it exists exactly when the caller's change does."""
    row = JobRow(kind=kind, payload=payload, run_at=run_at or utcnow(), max_attempts=max_attempts)
    session.add(row)
    session.flush()
    return row.id


def claim(session: Session, *, worker: str, now: datetime, lease: timedelta) -> Job | None:
    """Take the oldest due job under a lease; the caller commits at once so others see it."""
    _give_up_on_crashers(session, now=now)
    skip_locked = " FOR UPDATE SKIP LOCKED" if is_postgres(session) else ""
    statement = text(
        "UPDATE jobs SET locked_by = :worker, locked_until = :until, attempts = attempts + 1"
        " WHERE id = (SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL"
        " AND run_at <= :now AND (locked_until IS NULL OR locked_until < :now)"
        f" ORDER BY run_at, id LIMIT 1{skip_locked})"
        " RETURNING id, kind, attempts"
    ).bindparams(bindparam("now", type_=UtcTimestamp()), bindparam("until", type_=UtcTimestamp()))
    row = session.execute(statement, {"worker": worker, "now": now, "until": now + lease}).first()
    if row is None:
        return None
    stored = session.get(JobRow, row.id)
    assert stored is not None
    return Job(id=row.id, kind=row.kind, payload=dict(stored.payload), attempts=row.attempts)


def _give_up_on_crashers(session: Session, *, now: datetime) -> None:
    """A job whose every attempt ended with its worker dying (lease run out) is given up."""
    session.execute(
        update(JobRow)
        .where(
            JobRow.done_at.is_(None),
            JobRow.failed_at.is_(None),
            JobRow.attempts >= JobRow.max_attempts,
            JobRow.locked_until < now,
        )
        .values(
            failed_at=now, locked_by=None, locked_until=None, last_error="worker lost every attempt"
        )
    )


def finish(
    session: Session, *, job: Job, worker: str, now: datetime, result: dict[str, Any] | None
) -> bool:
    """Mark the job done in the handler's own transaction; False if our lease was lost."""
    statement = (
        update(JobRow)
        .where(JobRow.id == job.id, JobRow.locked_by == worker, JobRow.done_at.is_(None))
        .values(done_at=now, locked_by=None, locked_until=None, result=result, last_error=None)
    )
    return int(session.execute(statement).rowcount) == 1  # type: ignore[attr-defined]


def retry_later(
    session: Session, *, job: Job, worker: str, now: datetime, error: str
) -> datetime | None:
    """Record a failed attempt; returns when it runs again, or None if it has given up."""
    row = session.get(JobRow, job.id)
    if row is None or row.locked_by != worker:
        return None
    row.locked_by, row.locked_until, row.last_error = None, None, error[:2000]
    if row.attempts >= row.max_attempts:
        row.failed_at = now
        return None
    row.run_at = now + backoff(row.attempts)
    return row.run_at


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … doubling per attempt, at most 6 hours."""
    delay: timedelta = BACKOFF_BASE * 2 ** (attempts - 1)
    return min(delay, BACKOFF_CAP)


def has_pending(session: Session, *, kind: str) -> bool:
    """Whether a job of ``kind`` is waiting or running (not done, not given up)."""
    statement = text(
        "SELECT 1 FROM jobs WHERE kind = :kind AND done_at IS NULL AND failed_at IS NULL LIMIT 1"
    )
    return session.execute(statement, {"kind": kind}).first() is not None


def ensure_one(session: Session, *, kind: str, run_at: datetime | None = None) -> None:
    """Queue a job of ``kind`` unless one is waiting: for chains of periodic jobs.

    Workers starting together must not both start a chain: PostgreSQL serialises the check on an
    advisory lock for the kind; SQLite's writers are serialised already (BEGIN IMMEDIATE).
    """
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:kind))"), {"kind": kind})
    if not has_pending(session, kind=kind):
        enqueue(session, kind=kind, payload={}, run_at=run_at)

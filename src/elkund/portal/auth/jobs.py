"""Removing expired portal sessions, as a job that schedules its own next run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from elkund.core.jobs import enqueue, ensure_one
from elkund.core.localtime import utcnow
from elkund.portal.auth.service import delete_expired_sessions

SESSION_CLEANUP_JOB = "portal.session_cleanup"
INTERVAL = timedelta(hours=1)


def run_session_cleanup(session: Session, _payload: dict[str, Any]) -> dict[str, Any]:
    """Delete sessions past their lifetime; then queue the next run (first, so errors keep it)."""
    now = utcnow()
    enqueue(session, kind=SESSION_CLEANUP_JOB, payload={}, run_at=now + INTERVAL)
    return {"deleted": delete_expired_sessions(session, now=now)}


def ensure_session_cleanup(session: Session) -> None:
    ensure_one(session, kind=SESSION_CLEANUP_JOB)

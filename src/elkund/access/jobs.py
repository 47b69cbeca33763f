"""Housekeeping of third-party access, as a job that schedules its own next run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.orm import Session

from elkund.access.service import housekeeping
from elkund.core.jobs import enqueue, ensure_one
from elkund.core.localtime import utcnow

log = structlog.get_logger(__name__)

HOUSEKEEPING_JOB = "access.housekeeping"
INTERVAL = timedelta(minutes=1)


def run_housekeeping(session: Session, _payload: dict[str, Any]) -> dict[str, Any]:
    """Expire and end what is due (requests, consents, moved-out customers); run again later.

    The next run is queued whatever happens to this one: an error must not end the chain.
    """
    enqueue(session, kind=HOUSEKEEPING_JOB, payload={}, run_at=utcnow() + INTERVAL)
    try:
        with session.begin_nested():
            return dict(housekeeping(session))
    except Exception as error:  # logged and reported; the next run tries again
        log.exception("housekeeping.failed")
        return {"error": repr(error)}


def ensure_scheduled(session: Session) -> None:
    """Start the chain of housekeeping runs unless one is already waiting."""
    ensure_one(session, kind=HOUSEKEEPING_JOB)

"""A job per installation after an import stored or corrected its values.

Other parts of the system do work that depends on the stored values (the portal renders its usual
Förbrukning views ahead of time). Metering only announces which installations changed, in the
import's own transaction, and ``jobs_runner.HANDLERS`` maps the job kind to that work, so metering
does not depend on the portal.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from elkund.core.bulk import insert_rows
from elkund.core.jobs.models import JobRow
from elkund.core.localtime import utcnow

VALUES_STORED_JOB = "meter_values.stored"


def enqueue_values_stored(session: Session, installation_ids: Iterable[int]) -> None:
    """One job per installation (not per value), run once the import commits; one COPY or
    executemany for all of them (``insert_rows``), as a large import touches many installations."""
    now = utcnow()
    rows = [
        {
            "kind": VALUES_STORED_JOB,
            "payload": {"installation_id": installation_id},
            "run_at": now,
            "max_attempts": 3,
        }
        for installation_id in sorted(set(installation_ids))
    ]
    insert_rows(session, JobRow, rows)

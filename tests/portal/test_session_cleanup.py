"""Expired portal sessions are deleted by a periodic job that keeps itself scheduled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elkund.core.jobs.models import JobRow
from elkund.core.localtime import utcnow
from elkund.portal.auth.jobs import SESSION_CLEANUP_JOB, run_session_cleanup
from elkund.portal.auth.models import PortalSession
from elkund.portal.auth.service import start_person_session
from elkund.portal.auth.settings import AuthSettings
from tests.factories import fake_personnummer, make_customer


def test_cleanup_deletes_sessions_past_their_lifetime_and_queues_the_next_run(
    session: Session,
) -> None:
    person = make_customer(session, identity_number=fake_personnummer("19800101", 983))
    settings = AuthSettings()
    start_person_session(
        session,
        person_number=person.identity_number,
        now=utcnow() - timedelta(days=2),
        settings=settings,
    )
    start_person_session(
        session, person_number=person.identity_number, now=utcnow(), settings=settings
    )
    assert run_session_cleanup(session, {}) == {"deleted": 1}
    assert session.scalar(select(func.count()).select_from(PortalSession)) == 1
    queued = session.scalars(select(JobRow.run_at).where(JobRow.kind == SESSION_CLEANUP_JOB)).all()
    assert len(queued) == 1
    assert queued[0] > utcnow() + timedelta(minutes=59)

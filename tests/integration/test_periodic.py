"""Periodic jobs (housekeeping, the daily push) run as chains that start once and never break."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from elkund.access import jobs as access_jobs
from elkund.access.jobs import HOUSEKEEPING_JOB, run_housekeeping
from elkund.access.push import PUSH_JOB
from elkund.core.db import session_scope
from elkund.core.jobs.models import JobRow
from elkund.jobs_runner import start_periodic_jobs


def pending(session: Session, kind: str) -> int:
    query = select(JobRow).where(JobRow.kind == kind, JobRow.done_at.is_(None))
    return len(session.scalars(query).all())


def test_workers_starting_together_start_each_chain_once(committed: sessionmaker[Session]) -> None:
    barrier = threading.Barrier(6)

    def start() -> None:
        barrier.wait()
        start_periodic_jobs(committed)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with session_scope(committed) as session:
        assert (pending(session, HOUSEKEEPING_JOB), pending(session, PUSH_JOB)) == (1, 1)


def test_a_failing_housekeeping_run_still_queues_the_next(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_session: Session) -> dict[str, int]:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(access_jobs, "housekeeping", broken)
    result = run_housekeeping(session, {})
    assert result == {"error": "RuntimeError('database hiccup')"}
    assert pending(session, HOUSEKEEPING_JOB) == 1

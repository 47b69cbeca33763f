"""Background jobs: run once, retried with backoff, never lost when a worker dies mid-job."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.core.jobs import claim, enqueue
from elkund.core.jobs.models import JobRow
from elkund.core.jobs.queue import backoff
from elkund.core.jobs.worker import LEASE, run_next, run_until_idle
from elkund.metering.formats import FileFormat
from elkund.metering.jobs import IMPORT_JOB, enqueue_import, run_import
from elkund.metering.models import MeterValue
from elkund.metering.stored_jobs import VALUES_STORED_JOB
from elkund.parties.models import Party, PartyRole
from elkund.portal.consumption import prerender
from tests.factories import make_installation
from tests.integration.helpers import csv_file

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


def _record(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    session.add(Party(role=PartyRole.ESCO, name=payload["name"], org_number="165590000013"))
    return {"ok": True}


def _explode(_session: Session, _payload: dict[str, Any]) -> None:
    raise RuntimeError("receiver down")


def test_job_runs_once_in_the_same_transaction_as_its_effect(
    committed: sessionmaker[Session],
) -> None:
    with session_scope(committed) as session:
        enqueue(session, kind="record", payload={"name": "A"}, run_at=T0)
    assert run_until_idle(committed, {"record": _record}, worker="w1") == 1
    with session_scope(committed) as session:
        row = session.scalars(select(JobRow)).one()
        assert (row.attempts, row.result, row.locked_by) == (1, {"ok": True}, None)
        assert row.done_at is not None
        assert session.scalar(select(func.count()).select_from(Party)) == 1
    assert run_next(committed, {"record": _record}, worker="w1") is False


def test_failed_job_is_retried_with_exponential_backoff_then_given_up(
    committed: sessionmaker[Session],
) -> None:
    with session_scope(committed) as session:
        enqueue(session, kind="explode", payload={}, run_at=T0, max_attempts=3)
    clock = [T0]
    for attempt in (1, 2, 3):
        assert run_next(committed, {"explode": _explode}, worker="w1", now=lambda: clock[0])
        with session_scope(committed) as session:
            row = session.scalars(select(JobRow)).one()
        assert row.attempts == attempt
        assert row.last_error == "RuntimeError('receiver down')"
        if attempt < 3:
            assert row.run_at == clock[0] + backoff(attempt)
            assert not run_next(committed, {"explode": _explode}, worker="w1", now=lambda: clock[0])
            clock[0] = row.run_at
    assert row.failed_at == clock[0]
    assert not run_next(
        committed, {"explode": _explode}, worker="w1", now=lambda: clock[0] + timedelta(days=1)
    )


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(30) == timedelta(hours=6)


def test_job_of_a_worker_that_died_is_taken_over_after_the_lease(
    committed: sessionmaker[Session],
) -> None:
    with session_scope(committed) as session:
        enqueue(session, kind="record", payload={"name": "B"}, run_at=T0)
    with session_scope(committed) as session:  # the first worker claims the job, then dies
        assert claim(session, worker="dead", now=T0, lease=LEASE) is not None
    assert not run_next(
        committed, {"record": _record}, worker="w2", now=lambda: T0 + timedelta(minutes=1)
    )
    later = T0 + LEASE + timedelta(seconds=1)
    assert run_next(committed, {"record": _record}, worker="w2", now=lambda: later)
    with session_scope(committed) as session:
        row = session.scalars(select(JobRow)).one()
        assert (row.attempts, row.done_at) == (2, later)
        assert session.scalar(select(func.count()).select_from(Party)) == 1


def test_a_claimed_job_is_not_claimed_again(committed: sessionmaker[Session]) -> None:
    with session_scope(committed) as session:
        enqueue(session, kind="record", payload={"name": "C"}, run_at=T0)
    with session_scope(committed) as session:
        first = claim(session, worker="w1", now=T0, lease=LEASE)
    with session_scope(committed) as session:
        second = claim(session, worker="w2", now=T0, lease=LEASE)
    assert first is not None
    assert second is None


def test_queued_import_stores_values_and_keeps_the_report(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    source = tmp_path / "values.csv"
    with session_scope(committed) as session:
        installation = make_installation(session)
        gsrn, installation_id = installation.gsrn, installation.id
    source.write_bytes(
        csv_file(
            [
                (gsrn, "2025-06-01T10:00:00Z", "PT15M", 42, "measured"),
                (gsrn, "x", "PT15M", 1, "measured"),
            ]
        )
    )
    with session_scope(committed) as session:
        enqueue_import(
            session,
            source=source,
            inbox=tmp_path / "inbox",
            file_format=FileFormat.CSV,
            atomic=False,
        )
    source.unlink()  # the queued copy is what gets imported
    handlers = {IMPORT_JOB: run_import, VALUES_STORED_JOB: prerender}
    assert run_until_idle(committed, handlers, worker="w1") == 2  # the import, then its pre-render
    with session_scope(committed) as session:
        result = session.scalars(select(JobRow.result).where(JobRow.kind == IMPORT_JOB)).one()
        assert result is not None
        assert (result["file"], result["inserted"], result["rejected"][0]["error"]) == (
            "values.csv",
            1,
            "invalid_timestamp",
        )
        assert session.scalars(
            select(MeterValue.wh).where(MeterValue.installation_id == installation_id)
        ).all() == [42]


def test_concurrent_workers_run_every_job_exactly_once(committed: sessionmaker[Session]) -> None:
    with session_scope(committed) as session:
        for n in range(40):
            enqueue(session, kind="count", payload={"n": n})
    seen: list[int] = []
    lock = threading.Lock()

    def count(_session: Session, payload: dict[str, Any]) -> None:
        with lock:
            seen.append(payload["n"])

    workers = [
        threading.Thread(
            target=run_until_idle, args=(committed, {"count": count}), kwargs={"worker": f"w{i}"}
        )
        for i in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(seen) == list(range(40))
    with session_scope(committed) as session:
        assert set(session.scalars(select(JobRow.attempts))) == {1}


def test_a_job_that_kills_its_worker_every_time_is_given_up(
    committed: sessionmaker[Session],
) -> None:
    with session_scope(committed) as session:
        enqueue(session, kind="record", payload={"name": "D"}, run_at=T0, max_attempts=2)
    for attempt in range(2):  # each worker claims it and dies
        with session_scope(committed) as session:
            assert claim(
                session, worker=f"dead{attempt}", now=T0 + attempt * LEASE * 2, lease=LEASE
            )
    later = T0 + LEASE * 5
    assert not run_next(committed, {"record": _record}, worker="w", now=lambda: later)
    with session_scope(committed) as session:
        row = session.scalars(select(JobRow)).one()
        assert (row.attempts, row.failed_at, row.last_error) == (
            2,
            later,
            "worker lost every attempt",
        )

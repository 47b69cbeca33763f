"""The monthly billing job: on the 3rd at 06:00 Stockholm time it bills the month before for every
supplier, schedules its own next run, and repeating it issues nothing new (SUP-7, SUP-9)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.core.jobs import enqueue
from elkund.core.jobs.models import JobRow
from elkund.core.jobs.worker import Handler, run_next
from elkund.core.localtime import STOCKHOLM
from elkund.jobs_runner import HANDLERS, start_periodic_jobs
from elkund.supply.billing_jobs import (
    CONTRACT_JOB,
    MONTHLY_JOB,
    ensure_billing_scheduled,
    month_billed_at,
    next_run,
    run_contract_billing,
    run_monthly_billing,
    run_time,
)
from elkund.supply.billing_models import Invoice
from elkund.supply.models import Contract
from elkund.supply.render_jobs import RENDER_JOB, render_invoice
from tests.supply.test_billing import MARCH, seed

APRIL_RUN = datetime(2025, 4, 3, 4, 0, tzinfo=UTC)  # 06:00 summer time (CEST, UTC+2)


# --- the schedule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2026, 1, 1), datetime(2026, 2, 3, 5, 0, tzinfo=UTC)),  # winter time, UTC+1
        (date(2025, 3, 1), APRIL_RUN),  # summer time began on 30 March
        (date(2025, 9, 1), datetime(2025, 10, 3, 4, 0, tzinfo=UTC)),  # before it ends, 26 Oct
        (date(2025, 10, 1), datetime(2025, 11, 3, 5, 0, tzinfo=UTC)),  # after it ended
        (date(2025, 12, 1), datetime(2026, 1, 3, 5, 0, tzinfo=UTC)),  # into the next year
    ],
)
def test_the_run_for_a_month_is_06_00_stockholm_time_on_the_3rd_after_it(
    month: date, expected: datetime
) -> None:
    assert run_time(month) == expected


def test_every_run_of_a_decade_is_at_06_00_local_time_whatever_the_offset() -> None:
    """DST-safe: the wall clock says 06:00 on the 3rd in summer and in winter alike."""
    months = [date(year, number, 1) for year in range(2024, 2035) for number in range(1, 13)]
    runs = [run_time(month).astimezone(STOCKHOLM) for month in months]
    assert {(run.day, run.time()) for run in runs} == {(3, time(6))}
    assert {run.utcoffset() for run in runs} == {timedelta(hours=1), timedelta(hours=2)}
    assert [month_billed_at(run) for run in runs] == months


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # on the 3rd, a minute before the run: that run
        (datetime(2025, 4, 3, 3, 59, tzinfo=UTC), APRIL_RUN),
        # at the run itself and after it: next month's
        (APRIL_RUN, datetime(2025, 5, 3, 4, 0, tzinfo=UTC)),
        (datetime(2025, 4, 20, tzinfo=UTC), datetime(2025, 5, 3, 4, 0, tzinfo=UTC)),
        # 23:30 UTC on 31 March is already 1 April in Stockholm
        (datetime(2025, 3, 31, 23, 30, tzinfo=UTC), APRIL_RUN),
        # New Year's Eve 23:30 UTC is New Year's Day in Stockholm
        (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), datetime(2026, 1, 3, 5, 0, tzinfo=UTC)),
        # the morning of the 3rd when the clocks went back a week earlier (26 October)
        (datetime(2025, 11, 3, 4, 30, tzinfo=UTC), datetime(2025, 11, 3, 5, 0, tzinfo=UTC)),
    ],
)
def test_the_next_run_is_the_first_run_after_now(now: datetime, expected: datetime) -> None:
    assert next_run(now) == expected


# --- the jobs ------------------------------------------------------------------------------------


def waiting(session: Session, kind: str) -> list[JobRow]:
    query = select(JobRow).where(JobRow.kind == kind, JobRow.done_at.is_(None))
    return list(session.scalars(query.order_by(JobRow.id)))


def done(session: Session, kind: str) -> list[JobRow]:
    query = select(JobRow).where(JobRow.kind == kind, JobRow.done_at.is_not(None))
    return list(session.scalars(query.order_by(JobRow.id)))


def handlers(output: Path, now: datetime) -> Mapping[str, Handler]:
    """The real handlers, at a fixed time and writing into ``output``."""
    return {
        MONTHLY_JOB: functools.partial(run_monthly_billing, output=output, now=now),
        CONTRACT_JOB: functools.partial(run_contract_billing, now=now),
        RENDER_JOB: render_invoice,
    }


def work(committed: sessionmaker[Session], output: Path, now: datetime) -> int:
    count = 0
    while run_next(committed, handlers(output, now), worker="w1", now=lambda: now):
        count += 1
    return count


def test_the_chain_starts_once_and_its_first_run_bills_the_month_before(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    """SUP-7, SUP-9: the run on 3 April bills March, queues May's run, renders by jobs."""
    seed(committed)
    march_20 = datetime(2025, 3, 20, tzinfo=UTC)
    with session_scope(committed, write=True) as session:
        ensure_billing_scheduled(session, now=march_20)
        ensure_billing_scheduled(session, now=march_20)
        (start,) = waiting(session, MONTHLY_JOB)
        assert (start.run_at, start.payload) == (APRIL_RUN, {})
    assert work(committed, tmp_path, APRIL_RUN - timedelta(seconds=1)) == 0  # not yet due
    # the monthly run, one contract, one render
    assert work(committed, tmp_path, APRIL_RUN) == 3
    with session_scope(committed) as session:
        (invoice,) = session.scalars(select(Invoice))
        assert (invoice.number, invoice.billing_month) == ("00000001", MARCH)
        assert (invoice.period_start, invoice.period_end) == (MARCH, date(2025, 3, 31))
        assert invoice.issue_date == date(2025, 4, 3)
        assert Path(str(invoice.pdf_path)).read_bytes().startswith(b"%PDF-")
        (first,) = done(session, MONTHLY_JOB)
        assert first.result == {"month": "2025-03-01", "queued": 1}
        (following,) = waiting(session, MONTHLY_JOB)
        assert following.payload == {"month": "2025-04-01"}
        assert following.run_at == datetime(2025, 5, 3, 4, 0, tzinfo=UTC)


def test_running_a_month_twice_bills_nothing_new_and_keeps_one_chain(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    world = seed(committed)
    for _ in range(2):
        with session_scope(committed, write=True) as session:
            enqueue(session, kind=MONTHLY_JOB, payload={"month": "2025-03-01"}, run_at=APRIL_RUN)
        work(committed, tmp_path, APRIL_RUN)
    with session_scope(committed) as session:
        assert [i.number for i in session.scalars(select(Invoice))] == ["00000001"]
        assert [j.result for j in done(session, CONTRACT_JOB)] == [
            {"contract": world.contract_id, "month": "2025-03-01", "documents": documents}
            for documents in (1, 0)
        ]
        assert len(done(session, RENDER_JOB)) == 1
        assert [j.payload for j in waiting(session, MONTHLY_JOB)] == [{"month": "2025-04-01"}]


def test_a_refused_contract_is_reported_not_retried(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    """SUP-7: a billing interval over a quarter is refused; retrying would refuse again."""
    world = seed(committed)
    with session_scope(committed, write=True) as session:
        contract = session.get(Contract, world.contract_id)
        assert contract is not None
        contract.billing_interval_months = 4
        contract.start_date = date(2024, 12, 1)
        enqueue(session, kind=MONTHLY_JOB, payload={"month": "2025-03-01"}, run_at=APRIL_RUN)
    work(committed, tmp_path, APRIL_RUN)
    with session_scope(committed) as session:
        (job,) = done(session, CONTRACT_JOB)
        assert job.attempts == 1
        assert job.result is not None
        assert job.result["refused"] == "invalid_billing_interval"
        assert session.scalars(select(Invoice)).all() == []
        assert waiting(session, RENDER_JOB) == []


def test_a_worker_that_was_down_catches_up_month_by_month(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    seed(committed)
    with session_scope(committed, write=True) as session:
        enqueue(session, kind=MONTHLY_JOB, payload={"month": "2025-03-01"}, run_at=APRIL_RUN)
    june_10 = datetime(2025, 6, 10, tzinfo=UTC)
    work(committed, tmp_path, june_10)
    with session_scope(committed) as session:
        months = [j.result["month"] for j in done(session, MONTHLY_JOB) if j.result]
        assert months == ["2025-03-01", "2025-04-01", "2025-05-01"]
        assert [j.payload for j in waiting(session, MONTHLY_JOB)] == [{"month": "2025-06-01"}]
        # The seed has values for March only: April and May are refused, not billed empty.
        results = [j.result for j in done(session, CONTRACT_JOB) if j.result]
        assert [(r["month"], r.get("refused")) for r in results] == [
            ("2025-03-01", None),
            ("2025-04-01", "incomplete_meter_values"),
            ("2025-05-01", "incomplete_meter_values"),
        ]


def test_the_worker_starts_the_billing_chain_with_the_other_periodic_jobs(
    committed: sessionmaker[Session],
) -> None:
    start_periodic_jobs(committed)
    start_periodic_jobs(committed)
    with session_scope(committed) as session:
        (job,) = waiting(session, MONTHLY_JOB)
        assert job.run_at > datetime.now(UTC)
        assert job.run_at.astimezone(STOCKHOLM).day == 3
    assert {MONTHLY_JOB, CONTRACT_JOB, RENDER_JOB} <= set(HANDLERS)

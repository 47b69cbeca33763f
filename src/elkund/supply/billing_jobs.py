"""The monthly billing run as a job that schedules its own next run (SUP-7).

On the 3rd of every month at 06:00 in Stockholm (values of the month's last days have come in by
then), ``billing.monthly`` bills the previous month for every supplier. It queues one
``billing.contract`` job per contract due, each in its own transaction (``bill_contract``): a
failure leaves the others billed, and each contract is retried on its own. (``run_billing``, the
CLI's run, bills chunks of contracts per transaction instead: ``billing_batch``.) The
invoices' files are left to ``invoice.render`` jobs. Billing a month again issues nothing new,
so a run repeated after a crash or restart is harmless.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError
from elkund.core.jobs import enqueue, ensure_one
from elkund.core.jobs.models import JobRow
from elkund.core.localtime import STOCKHOLM, local_date, utcnow
from elkund.core.settings import get_settings
from elkund.supply.billing import bill_contract, due_contracts
from elkund.supply.billing_period import add_months

log = structlog.get_logger(__name__)

MONTHLY_JOB = "billing.monthly"
CONTRACT_JOB = "billing.contract"
RUN_DAY = 3
RUN_TIME = time(6)


def run_time(month: date) -> datetime:
    """When the run that bills ``month`` is due: 06:00 Stockholm time on the 3rd after it, in UTC.

    Built from the local wall-clock time and then converted, so it is 06:00 in summer and winter.
    """
    local = datetime.combine(add_months(month, 1).replace(day=RUN_DAY), RUN_TIME, tzinfo=STOCKHOLM)
    return local.astimezone(UTC)


def next_run(now: datetime) -> datetime:
    """The first run time after ``now``: this month's 3rd, or else next month's."""
    last_month = month_billed_at(now)
    this_months = run_time(last_month)
    return this_months if this_months > now else run_time(add_months(last_month, 1))


def month_billed_at(now: datetime) -> date:
    """The month a run without a month of its own bills: the local month before ``now``."""
    return add_months(local_date(now).replace(day=1), -1)


def ensure_billing_scheduled(session: Session, *, now: datetime | None = None) -> None:
    """Start the chain of monthly runs unless one is already waiting."""
    ensure_one(session, kind=MONTHLY_JOB, run_at=next_run(now or utcnow()))


def run_monthly_billing(
    session: Session,
    payload: dict[str, Any],
    *,
    output: Path | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Queue a job per contract due in the month, then the next month's run.

    The month comes with the job when the previous run queued it; the first run of a chain bills
    the month before the day it runs. The next run is for the month after this one, not after
    today, so a worker that was down for months catches up; it is queued in this run's
    transaction, so a failed run is retried with its month and the chain goes on from there.
    """
    now = now or utcnow()
    month = date.fromisoformat(payload["month"]) if "month" in payload else month_billed_at(now)
    following = add_months(month, 1)
    if following not in _waiting_months(session):  # a month run again must not fork the chain
        enqueue(
            session,
            kind=MONTHLY_JOB,
            payload={"month": str(following)},
            run_at=run_time(following),
        )
    folder = str((output or get_settings().var_dir / "invoices").resolve())
    contracts = due_contracts(session, month=month, supplier_org=None)
    for contract in contracts:
        enqueue(
            session,
            kind=CONTRACT_JOB,
            payload={"contract": contract.id, "month": str(month), "output": folder},
            run_at=now,
            max_attempts=6,
        )
    return {"month": str(month), "queued": len(contracts)}


def _waiting_months(session: Session) -> set[date]:
    """The months of the monthly runs queued and not yet done (a handful of rows)."""
    query = select(JobRow.payload).where(
        JobRow.kind == MONTHLY_JOB, JobRow.done_at.is_(None), JobRow.failed_at.is_(None)
    )
    return {date.fromisoformat(p["month"]) for p in session.scalars(query) if "month" in p}


def run_contract_billing(
    session: Session, payload: dict[str, Any], *, now: datetime | None = None
) -> dict[str, Any]:
    """Bill one contract for the month; the files go to render jobs.

    A refusal (e.g. a billing interval SUP-7 forbids) is the job's result, not a failure: trying
    again would refuse again. The operator sees it in the job's result and the log.
    """
    month = date.fromisoformat(payload["month"])
    try:
        with session.begin_nested():
            made = bill_contract(
                session,
                payload["contract"],
                month=month,
                now=now or utcnow(),
                output=Path(payload["output"]),
                render="queue",
            )
    except AppError as error:
        log.warning("billing.refused", contract=payload["contract"], error=error.code)
        return {
            "contract": payload["contract"],
            "month": str(month),
            "refused": error.code,
            "detail": str(error),
        }
    return {"contract": payload["contract"], "month": str(month), "documents": len(made)}

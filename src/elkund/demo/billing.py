"""The demo's invoices: the last three complete months billed as the monthly run would have.

Each month is billed as if by the run on the 3rd after it (``supply.billing_jobs``), so issue
and due dates look as they would in a supplier's ledger. The PDFs and UBL files are left to
queued ``invoice.render`` jobs, which the worker inside ``elkund serve`` (or ``elkund worker``)
renders: loading stays fast, and the portal shows each invoice at once, its PDF a little later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import structlog
from sqlalchemy.orm import Session

from elkund.core.errors import AppError
from elkund.core.localtime import local_midnight
from elkund.supply.billing import bill_contract, due_contracts
from elkund.supply.billing_jobs import run_time
from elkund.supply.billing_period import add_months

log = structlog.get_logger(__name__)

MONTHS = 3


@dataclass(frozen=True, slots=True)
class DemoBilling:
    documents: int  # invoices issued (no credit notes: nothing was billed before)
    refused: int  # contracts the run refused, e.g. a month with a meter value still missing


def months_to_bill(*, today: date, first_day: date, months: int = MONTHS) -> list[date]:
    """The last ``months`` complete local months before ``today``, oldest first, leaving out
    any that began before the first day of meter values (nothing to bill them on)."""
    this_month = today.replace(day=1)
    chosen = [add_months(this_month, -back) for back in range(months, 0, -1)]
    return [month for month in chosen if month >= first_day]


def issue_demo_invoices(
    session: Session, *, today: date, first_day: date, output: Path
) -> DemoBilling:
    """Bill every contract due in each month; each contract in a savepoint, as the run does."""
    documents = refused = 0
    for month in months_to_bill(today=today, first_day=first_day):
        # The run on the 3rd after the month, unless that is still to come.
        now = min(run_time(month), local_midnight(today))
        for contract in due_contracts(session, month=month, supplier_org=None):
            try:
                with session.begin_nested():
                    made = bill_contract(
                        session, contract.id, month=month, now=now, output=output, render="queue"
                    )
            except AppError as error:
                log.debug("demo.billing_refused", contract=contract.id, error=error.code)
                refused += 1
                continue
            documents += len(made)
    return DemoBilling(documents, refused)

"""The demo's payments and overdue invoices, so that a dunning run has something to do.

Every demo invoice due before today is paid two days before its due date, except two consumers'
invoices: one is simply overdue (the next run sends its reminder), the other had its reminder
sent long enough ago for the reminder's own time to pay to have run out (the next run sends the
notices of Bilaga 1 and Bilaga 2). Invoices not yet due are left open, as in a real ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.settings import get_settings
from elkund.customers.models import Customer, CustomerKind
from elkund.supply.billing_models import Invoice
from elkund.supply.document import DocumentKind
from elkund.supply.dunning import DunningTerms, take_step
from elkund.supply.ledger import record_payment

log = structlog.get_logger(__name__)

PAID_DAYS_EARLY = 2


@dataclass(frozen=True, slots=True)
class DemoDunning:
    paid: int
    due_reminder: str | None  # the invoice the next run reminds
    due_notice: str | None  # the invoice whose reminder has run out


def settle_demo_invoices(session: Session, *, today: date, letters: Path) -> DemoDunning:
    """Pay the demo's due invoices but two, and backdate one of those two's reminder."""
    terms = DunningTerms.from_settings(get_settings())
    due = _due_invoices(session, today)
    consumers = [invoice for invoice in due if _is_consumer(session, invoice)]
    late = today - timedelta(days=terms.reminder_after_days)
    # The reminder is sent the first day it may be, and its time to pay must be over by today.
    ran_out = today - timedelta(days=terms.reminder_after_days + terms.reminder_days + 1)
    notice = next((i for i in consumers if i.due_date <= ran_out), None)
    reminder = next(
        (
            i
            for i in reversed(consumers)
            if i.due_date <= late and (notice is None or i.customer_id != notice.customer_id)
        ),
        None,
    )
    unpaid = {i.id for i in (notice, reminder) if i is not None}
    paid = 0
    for invoice in due:
        if invoice.id not in unpaid:
            paid_on = invoice.due_date - timedelta(days=PAID_DAYS_EARLY)
            record_payment(session, invoice, invoice.total, paid_on)
            paid += 1
    if notice is not None:
        sent_on = notice.due_date + timedelta(days=terms.reminder_after_days)
        take_step(session, notice, on=sent_on, output=letters, terms=terms)
    log.info("demo.dunning", paid=paid, unpaid=len(unpaid))
    return DemoDunning(
        paid, reminder.number if reminder else None, notice.number if notice else None
    )


def _due_invoices(session: Session, today: date) -> list[Invoice]:
    query = (
        select(Invoice)
        .where(
            Invoice.status == "issued",
            Invoice.kind == DocumentKind.INVOICE,
            Invoice.due_date < today,
        )
        .order_by(Invoice.due_date, Invoice.id)
    )
    return list(session.scalars(query))


def _is_consumer(session: Session, invoice: Invoice) -> bool:
    customer = session.get(Customer, invoice.customer_id)
    return customer is not None and customer.kind == CustomerKind.PRIVATE

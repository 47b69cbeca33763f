"""What an operator does to a dunning case between runs (SUP-27): find the invoice, hold it for
a dispute and release it, and record when the consumer received the notice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import Invalid, NotFound
from elkund.customers.identity import format_number
from elkund.parties.models import Party
from elkund.supply.billing_models import Invoice
from elkund.supply.dunning import SentLetter, case_of, letters_of, sent_letter, set_status
from elkund.supply.dunning_models import CaseStatus, DunningCase, DunningLetter, LetterKind
from elkund.supply.dunning_terms import notice_deadline


class UnknownInvoice(NotFound):
    code = "unknown_invoice"


class AmbiguousInvoice(Invalid):
    code = "ambiguous_invoice"


class NotDisputed(Invalid):
    code = "not_disputed"


class DunningClosed(Invalid):
    """The case has stopped (paid in full): nothing more to dispute or record."""

    code = "dunning_closed"


def find_invoice(session: Session, number: str, *, supplier_org: str | None = None) -> Invoice:
    """An invoice by number; numbers are per supplier, so two suppliers need ``supplier_org``."""
    query = select(Invoice).where(Invoice.number == number)
    if supplier_org is not None:
        query = query.join(Party, Party.id == Invoice.supplier_id).where(
            Party.org_number == supplier_org
        )
    found = list(session.scalars(query))
    if not found:
        raise UnknownInvoice(f"No invoice has the number {number!r}.")
    if len(found) > 1:
        raise AmbiguousInvoice(f"Several suppliers have an invoice {number!r}: give --supplier.")
    return found[0]


def dispute(session: Session, invoice: Invoice, *, reason: str, on: date) -> DunningCase:
    """Hold the invoice's dunning: the customer says the invoice is wrong."""
    if not reason.strip():
        raise Invalid("A dispute needs a reason.")
    case = case_of(session, invoice.id)
    if case is None:
        case = DunningCase(invoice_id=invoice.id, supplier_id=invoice.supplier_id)
        session.add(case)
    elif case.status == CaseStatus.PAID:
        raise DunningClosed(f"Invoice {invoice.number} is paid; its dunning has stopped.")
    set_status(case, CaseStatus.DISPUTED, on)
    case.dispute_reason = reason.strip()
    session.flush()
    return case


def undispute(session: Session, invoice: Invoice, *, on: date) -> DunningCase:
    """Withdraw the dispute: the next run takes the invoice on from where it was held."""
    case = case_of(session, invoice.id)
    if case is None or case.status != CaseStatus.DISPUTED:
        raise NotDisputed(f"Invoice {invoice.number} is not disputed.")
    set_status(case, CaseStatus.OPEN, on)
    session.flush()
    return case


def record_receipt(session: Session, invoice: Invoice, *, received_on: date) -> SentLetter:
    """Record when the consumer is known to have received the notice; the three weeks (and the
    earliest disconnection day) then run from that day instead of the assumed one."""
    case = case_of(session, invoice.id)
    notice = _letter(session, case, LetterKind.CONSUMER_NOTICE) if case else None
    if case is None or notice is None:
        raise NotFound(f"No non-payment notice has been sent for invoice {invoice.number}.")
    if case.status == CaseStatus.PAID:
        raise DunningClosed(f"Invoice {invoice.number} is paid; its dunning has stopped.")
    if received_on < notice.sent_on:
        raise Invalid("The notice cannot be received before it was sent.")
    notice.received_on, notice.received_confirmed = received_on, True
    notice.pay_by = notice_deadline(received_on)
    session.flush()
    supplier = session.get(Party, invoice.supplier_id)
    assert supplier is not None
    return sent_letter(notice, invoice.number, format_number(supplier.org_number))


def _letter(session: Session, case: DunningCase, kind: LetterKind) -> DunningLetter | None:
    return next((row for row in letters_of(session, case.id) if row.kind == kind), None)

"""What a customer sees of their invoices (SUP-5, SUP-6): read models for Mina sidor.

Only the acting customer's own invoices are ever read: an invoice is found by its id *and* the
customer, so another customer's id answers exactly like one that does not exist (EU-5).
Invoice numbers are unique per supplier only, so the portal names invoices by their id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import NotFound
from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.supply.billing_models import Invoice
from elkund.supply.document import DocumentKind
from elkund.supply.models import Contract, ContractStatus


class UnknownInvoice(NotFound):
    code = "unknown_invoice"


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    id: int
    number: str
    credit_note: bool
    credited: bool  # an invoice a credit note has replaced: no longer to be paid
    supplier: str
    installation_id: str  # GSRN
    period_start: date
    period_end: date  # inclusive
    due_date: date
    total: Decimal
    has_xml: bool  # SUP-6: a Peppol e-invoice exists for business customers' documents
    credits_number: str | None  # a credit note: the number of the invoice it credits


def invoices_of(session: Session, *, customer: Customer) -> list[InvoiceRow]:
    """The customer's invoices and credit notes, newest first."""
    query = (
        select(Invoice, Party.name, Installation.gsrn)
        .join(Party, Party.id == Invoice.supplier_id)
        .join(Installation, Installation.id == Invoice.installation_id)
        .where(Invoice.customer_id == customer.id)
        .order_by(Invoice.issue_date.desc(), Invoice.period_start.desc(), Invoice.id.desc())
    )
    return [_row(invoice, name, gsrn) for invoice, name, gsrn in session.execute(query)]


def _row(invoice: Invoice, supplier: str, gsrn: str) -> InvoiceRow:
    document = orjson.loads(invoice.document)
    return InvoiceRow(
        id=invoice.id,
        number=invoice.number,
        credit_note=invoice.kind == DocumentKind.CREDIT_NOTE.value,
        credited=invoice.status == "credited",
        supplier=supplier,
        installation_id=gsrn,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        due_date=invoice.due_date,
        total=invoice.total,
        has_xml=bool(document["customer"]["is_business"]),
        credits_number=document.get("credited_number"),
    )


def is_business_document(invoice: Invoice) -> bool:
    """Peppol UBL is made for business customers only; the stored document says which it was."""
    return bool(orjson.loads(invoice.document)["customer"]["is_business"])


def own_invoice(session: Session, *, customer: Customer, invoice_id: str) -> Invoice:
    """The invoice ``invoice_id`` if it is the customer's; otherwise not found."""
    found = None
    if invoice_id.isascii() and invoice_id.isdigit() and len(invoice_id) <= 18:
        found = session.scalar(
            select(Invoice).where(Invoice.id == int(invoice_id), Invoice.customer_id == customer.id)
        )
    if found is None:
        raise UnknownInvoice("Ingen sådan faktura hos dig.")
    return found


def suppliers_of(session: Session, *, customer: Customer) -> list[Party]:
    """The suppliers the customer has (or had) a supply contract with, by name (SUP-16)."""
    query = (
        select(Party)
        .join(Contract, Contract.supplier_id == Party.id)
        .where(Contract.customer_id == customer.id, Contract.status != ContractStatus.REFUSED)
        .distinct()
    )
    return sorted(session.scalars(query), key=lambda party: (party.name, party.id))

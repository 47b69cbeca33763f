"""What has been paid on an invoice, and what is still owed: the one place that adds it up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elkund.supply.billing_models import Invoice
from elkund.supply.payment_models import Payment


def record_payment(
    session: Session,
    invoice: Invoice,
    amount: Decimal,
    paid_on: date,
    reference: str | None = None,
    *,
    matched_by: str = "ocr",
) -> Payment:
    """Book ``amount`` against ``invoice`` (a payment matched outside a payment file)."""
    payment = Payment(
        supplier_id=invoice.supplier_id,
        invoice_id=invoice.id,
        amount=amount,
        paid_on=paid_on,
        reference=reference or invoice.ocr,
        matched_by=matched_by,
    )
    session.add(payment)
    session.flush()
    return payment


def paid_amount(session: Session, invoice_id: int, *, on_or_before: date | None = None) -> Decimal:
    """The sum paid on the invoice (up to and including ``on_or_before`` when given)."""
    query = select(func.coalesce(func.sum(Payment.amount), 0)).where(
        Payment.invoice_id == invoice_id
    )
    if on_or_before is not None:
        query = query.where(Payment.paid_on <= on_or_before)
    return Decimal(session.scalar(query) or 0).quantize(Decimal("0.01"))


def open_amount(session: Session, invoice: Invoice, *, on_or_before: date | None = None) -> Decimal:
    """What is still owed: the total less payments; negative when over-paid."""
    return invoice.total - paid_amount(session, invoice.id, on_or_before=on_or_before)

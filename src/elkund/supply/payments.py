"""Payment files booked against invoices, and payments matched by hand (docs/payments.md).

An import is all or nothing: the file is parsed and every deposit's receiving bankgiro resolved
to a supplier before anything is written, so a malformed file or an unknown bankgiro books
nothing. A file already imported (same SHA-256) books nothing again; neither does a file that
repeats a payment Bankgirot's serial number says is booked already.

Each payment is kept. Its reference is looked up among the receiving supplier's invoices' OCR
numbers; a payment that names no invoice (or several, TK22/TK23) stays unmatched (``invoice_id``
NULL) for ``match_payment``. A payment on a credited invoice or on a credit note is booked and
flagged, for someone to refund or move it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elkund.core.errors import Invalid, NotFound
from elkund.supply.bgmax import BgMaxFile, BgMaxPayment, parse_bgmax
from elkund.supply.billing_models import Invoice
from elkund.supply.document import DocumentKind
from elkund.supply.ledger import open_amount
from elkund.supply.models import SupplierProfile
from elkund.supply.payment_models import Payment, PaymentFile

ZERO = Decimal("0.00")


class UnknownBankgiro(Invalid):
    code = "unknown_bankgiro"


class TestFileRefused(Invalid):
    code = "bgmax_test_file"


class PaymentAlreadyBooked(Invalid):
    code = "payment_already_booked"


class PaymentAlreadyMatched(Invalid):
    code = "payment_already_matched"


class InvoiceOfOtherSupplier(Invalid):
    code = "invoice_of_other_supplier"


class Outcome(StrEnum):
    PAID = "paid"  # the invoice's open amount is now zero
    PARTIAL = "partial"  # something is still owed
    OVERPAID = "overpaid"  # more paid than owed: the open amount is negative
    UNMATCHED = "unmatched"


class Flag(StrEnum):
    CREDITED_INVOICE = "credited_invoice"  # paid on an invoice a credit note has cancelled
    CREDIT_NOTE = "credit_note"  # a positive payment on a credit note's reference
    SEVERAL_REFERENCES = "several_references"  # TK22/TK23: which invoices is for a person
    NO_INVOICE = "no_invoice"  # the reference is no OCR number of the supplier's


_FOR_A_PERSON = frozenset({Outcome.UNMATCHED, Outcome.OVERPAID})  # match it; refund the excess


@dataclass(frozen=True, slots=True)
class BookedPayment:
    """One payment as booked, and what it did to its invoice."""

    payment_id: int
    line: int | None
    reference: str
    amount: Decimal
    paid_on: str
    outcome: Outcome
    invoice_number: str | None = None
    open_amount: Decimal | None = None
    flags: tuple[Flag, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "payment_id": self.payment_id,
            "line": self.line,
            "reference": self.reference,
            "amount": str(self.amount),
            "paid_on": self.paid_on,
            "outcome": str(self.outcome),
            "invoice_number": self.invoice_number,
            "open_amount": None if self.open_amount is None else str(self.open_amount),
            "flags": [str(flag) for flag in self.flags],
        }


@dataclass(slots=True)
class ImportReport:
    """What one import booked; ``already_imported`` when the file had been imported before."""

    file_id: int
    sha256: str
    already_imported: bool = False
    payments: list[BookedPayment] = field(default_factory=list)

    def summary(self) -> dict[str, dict[str, object]]:
        """Count and amount of each outcome."""
        totals: dict[str, dict[str, object]] = {}
        for outcome in Outcome:
            chosen = [p.amount for p in self.payments if p.outcome is outcome]
            totals[str(outcome)] = {"count": len(chosen), "amount": str(sum(chosen, ZERO))}
        return totals

    @property
    def needs_attention(self) -> bool:
        """A person must act: match a payment, refund what was paid too much, or see a flag."""
        return any(p.outcome in _FOR_A_PERSON or p.flags for p in self.payments)

    def as_dict(self) -> dict[str, object]:
        return {
            "file_id": self.file_id,
            "sha256": self.sha256,
            "already_imported": self.already_imported,
            "summary": self.summary(),
            "payments": [payment.as_dict() for payment in self.payments],
        }


def import_bgmax(session: Session, *, data: bytes, filename: str) -> ImportReport:
    """Book a BgMax file's payments; refuse it whole (``AppError``) if anything is wrong."""
    digest = hashlib.sha256(data).hexdigest()
    earlier = imported_file(session, digest)
    if earlier is not None:
        return ImportReport(file_id=earlier.id, sha256=digest, already_imported=True)
    parsed = parse_bgmax(data)
    if parsed.test:
        raise TestFileRefused("A test file (TK01 test mark T) holds no real payments.")
    suppliers = [supplier_for_bankgiro(session, deposit.bankgiro) for deposit in parsed.deposits]
    _refuse_booked(session, parsed, suppliers)
    stored = PaymentFile(
        sha256=digest,
        filename=filename[-300:],
        format="bgmax",
        payment_count=len(parsed.payments),
        total=sum((p.amount for p in parsed.payments), ZERO),
    )
    try:
        with session.begin_nested():
            session.add(stored)
    except IntegrityError:  # the same file, imported at the same moment by another process
        winner = session.scalars(select(PaymentFile).where(PaymentFile.sha256 == digest)).one()
        return ImportReport(file_id=winner.id, sha256=digest, already_imported=True)
    report = ImportReport(file_id=stored.id, sha256=digest)
    try:
        with session.begin_nested():
            for deposit, supplier_id in zip(parsed.deposits, suppliers, strict=True):
                for parsed_payment in deposit.payments:
                    report.payments.append(_book(session, stored, supplier_id, parsed_payment))
    except IntegrityError:  # another copy of a payment, booked at the same moment elsewhere
        raise PaymentAlreadyBooked(
            "A payment of the file was booked by another import meanwhile; nothing is booked."
        ) from None
    return report


def imported_file(session: Session, digest: str) -> PaymentFile | None:
    """The payment file with this SHA-256, if it was imported before."""
    return session.scalars(select(PaymentFile).where(PaymentFile.sha256 == digest)).one_or_none()


def supplier_for_bankgiro(session: Session, bankgiro: str) -> int:
    """The party id of the one supplier whose profile gives ``bankgiro`` (NNN-NNNN/NNNN-NNNN)."""
    written = {bankgiro, bankgiro.rjust(9, "0")}  # a profile may keep a leading zero: 0991-2346
    owners = session.scalars(
        select(SupplierProfile.party_id).where(SupplierProfile.bankgiro.in_(written))
    ).all()
    if len(owners) != 1:
        known = "several suppliers give" if owners else "no supplier gives"
        raise UnknownBankgiro(f"The file pays bankgiro {bankgiro}, which {known}.")
    return owners[0]


def match_payment(session: Session, *, payment_id: int, invoice_number: str) -> BookedPayment:
    """Match an unmatched payment to one of its supplier's invoices by hand."""
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(f"No payment {payment_id}.", code="payment_not_found")
    if payment.invoice_id is not None:
        raise PaymentAlreadyMatched(f"Payment {payment_id} is matched already.")
    invoice = _invoice_by_number(session, payment.supplier_id, invoice_number)
    payment.invoice_id = invoice.id
    payment.matched_by = "manual"
    session.flush()
    return _booked(session, payment, invoice)


def unmatched_payments(session: Session, *, supplier_id: int | None = None) -> list[Payment]:
    """Payments no invoice has been found for, oldest first."""
    query = select(Payment).where(Payment.invoice_id.is_(None))
    if supplier_id is not None:
        query = query.where(Payment.supplier_id == supplier_id)
    return list(session.scalars(query.order_by(Payment.paid_on, Payment.id)))


def _refuse_booked(session: Session, parsed: BgMaxFile, suppliers: list[int]) -> None:
    for deposit, supplier_id in zip(parsed.deposits, suppliers, strict=True):
        serials = {p.bank_serial: p.line for p in deposit.payments if p.bank_serial.strip("0")}
        if not serials:
            continue
        booked = session.scalars(
            select(Payment.bank_serial).where(
                Payment.supplier_id == supplier_id, Payment.bank_serial.in_(serials)
            )
        ).first()
        if booked is not None:
            raise PaymentAlreadyBooked(
                f"line {serials[booked]}: Bankgirot's payment {booked} is booked already."
            )


def _book(
    session: Session, stored: PaymentFile, supplier_id: int, parsed: BgMaxPayment
) -> BookedPayment:
    invoice, flag = _find_invoice(session, supplier_id, parsed)
    assert parsed.paid_on is not None  # the deposit's TK15 gave it
    payment = Payment(
        supplier_id=supplier_id,
        invoice_id=invoice.id if invoice else None,
        amount=parsed.amount,
        paid_on=parsed.paid_on,
        reference=parsed.reference[:35],
        payer=parsed.payer[:200] if parsed.payer else None,
        file_id=stored.id,
        file_line=parsed.line,
        matched_by="ocr" if invoice else None,
        bank_serial=parsed.bank_serial if parsed.bank_serial.strip("0") else None,
    )
    session.add(payment)
    session.flush()
    return _booked(session, payment, invoice, extra=(flag,) if flag else ())


def _find_invoice(
    session: Session, supplier_id: int, parsed: BgMaxPayment
) -> tuple[Invoice | None, Flag | None]:
    if parsed.extra_references:
        return None, Flag.SEVERAL_REFERENCES
    reference = "".join(parsed.reference.split())
    found = session.scalars(
        select(Invoice).where(Invoice.supplier_id == supplier_id, Invoice.ocr == reference)
    ).all()
    if len(found) != 1:  # several would mean two invoices share an OCR number: a person decides
        return None, Flag.NO_INVOICE
    return found[0], None


def _invoice_by_number(session: Session, supplier_id: int, number: str) -> Invoice:
    invoices = session.scalars(select(Invoice).where(Invoice.number == number)).all()
    for invoice in invoices:
        if invoice.supplier_id == supplier_id:
            return invoice
    if invoices:
        raise InvoiceOfOtherSupplier(f"Invoice {number} is another supplier's than the payment's.")
    raise NotFound(f"The supplier has no invoice {number}.", code="invoice_not_found")


def _booked(
    session: Session, payment: Payment, invoice: Invoice | None, *, extra: tuple[Flag, ...] = ()
) -> BookedPayment:
    left = None if invoice is None else open_amount(session, invoice)
    return BookedPayment(
        payment_id=payment.id,
        line=payment.file_line,
        reference=payment.reference,
        amount=payment.amount,
        paid_on=payment.paid_on.isoformat(),
        outcome=_outcome(invoice, left),
        invoice_number=None if invoice is None else invoice.number,
        open_amount=left,
        flags=(*extra, *_flags(invoice, payment)),
    )


def _outcome(invoice: Invoice | None, left: Decimal | None) -> Outcome:
    """Partial while something of the document is still open; a credit note (negative total)
    is settled by deductions and refunds, so anything paid on it beyond that is too much."""
    if invoice is None or left is None:
        return Outcome.UNMATCHED
    if left == 0:
        return Outcome.PAID
    if invoice.total >= 0:
        return Outcome.PARTIAL if left > 0 else Outcome.OVERPAID
    return Outcome.PARTIAL if invoice.total <= left < 0 else Outcome.OVERPAID


def _flags(invoice: Invoice | None, payment: Payment) -> tuple[Flag, ...]:
    if invoice is None:
        return ()
    if invoice.kind == DocumentKind.CREDIT_NOTE and payment.amount > 0:
        return (Flag.CREDIT_NOTE,)
    if invoice.status == "credited":
        return (Flag.CREDITED_INVOICE,)
    return ()

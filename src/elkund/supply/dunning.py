"""Dunning: moving overdue invoices along, one step per run (SUP-27, 27 § SFS 2023:242).

1. An invoice still open ``reminder_after_days`` after its due date gets a reminder: the fee
   (at most 60 kr, lag 1981:739) and the interest since the due date on the open amount
   (räntelagen 6 §: Riksbanken's reference rate + 8 percentage points).
2. A consumer whose reminder's own pay-by day has passed unpaid gets the notice of Bilaga 1, and
   the social welfare committee of the consumer's municipality the notice of Bilaga 2, together
   or not at all. The consumer then has three weeks from receiving the notice to pay; the earliest
   day disconnection may be requested is the day after those three weeks.

A full payment (up to the run's date) stops the case for good; a dispute holds it until it is
withdrawn (dunning_disputes); only a private customer (a consumer) gets the Bilaga letters.
Letters are unique per invoice and kind, so re-running a date, or running a later one, sends
nothing twice. Each invoice's step runs in a savepoint: one invoice's error (say, a municipality
without a committee address) is reported and the others go on. A letter's row is flushed before
its PDF is written, and the PDF is named by the row's id and written whole (temporary file, then
rename), so no file is ever left half written or claimed by two rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import structlog
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError, Invalid
from elkund.customers.identity import format_number
from elkund.customers.models import Customer, CustomerKind
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.supply.billing_models import Invoice
from elkund.supply.document import DocumentKind
from elkund.supply.dunning_letters import (
    Address,
    DunningFacts,
    ReminderCharges,
    committee_for,
    consumer_notice,
    reminder_letter,
    social_notice,
)
from elkund.supply.dunning_models import CaseStatus, DunningCase, DunningLetter, LetterKind
from elkund.supply.dunning_terms import DunningTerms as DunningTerms
from elkund.supply.dunning_terms import disconnection_from, interest, notice_deadline
from elkund.supply.ledger import open_amount
from elkund.supply.letters import Letter, letter_pdf
from elkund.supply.notice_letters import store_letter
from elkund.supply.payment_models import Payment
from elkund.supply.suppliers import supplier_info

_ORE = Decimal("0.01")

Renderer = Callable[[Letter], bytes]
log = structlog.get_logger(__name__)


class RunDateInFuture(Invalid):
    code = "date_in_future"


class RunDateInPast(Invalid):
    code = "date_in_past"


def check_run_date(on: date, *, today: date, production: bool) -> None:
    """A run is never dated after today (letters would claim to be sent before they are); in
    production never before it either (they would be backdated). Elsewhere a past date replays
    the process, as the tests and the demo do."""
    if on > today:
        raise RunDateInFuture(f"The run's date {on} is after today, {today}.")
    if production and on < today:
        raise RunDateInPast(
            f"The run's date {on} is before today, {today}: in production letters are "
            "never backdated."
        )


@dataclass(frozen=True, slots=True)
class SentLetter:
    invoice: str
    supplier_org: str
    kind: str
    recipient: str
    sent_on: date
    received_on: date
    pay_by: date
    disconnection_from: date | None
    open_amount: Decimal
    fee: Decimal
    interest: Decimal
    pdf_path: str

    def as_dict(self) -> dict[str, object]:
        return {
            "invoice": self.invoice,
            "supplier": self.supplier_org,
            "kind": self.kind,
            "recipient": self.recipient,
            "sent_on": self.sent_on.isoformat(),
            "received_on": self.received_on.isoformat(),
            "pay_by": self.pay_by.isoformat(),
            "disconnection_from": _iso(self.disconnection_from),
            "open_amount": str(self.open_amount),
            "fee": str(self.fee),
            "interest": str(self.interest),
            "pdf": self.pdf_path,
        }


@dataclass(frozen=True, slots=True)
class CaseNote:
    """An invoice the run did not send to, and why: stopped, held or ripe for disconnection."""

    invoice: str
    supplier_org: str
    note: str  # paid | disputed | disconnection_allowed
    since: date | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "invoice": self.invoice,
            "supplier": self.supplier_org,
            "note": self.note,
            "since": _iso(self.since),
        }


@dataclass(frozen=True, slots=True)
class Refusal:
    invoice: str
    supplier_org: str
    error: str
    detail: str


@dataclass(slots=True)
class DunningRun:
    on: date
    letters: list[SentLetter] = field(default_factory=list)
    notes: list[CaseNote] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. a reference rate out of date

    def as_dict(self) -> dict[str, object]:
        return {
            "date": self.on.isoformat(),
            "warnings": list(self.warnings),
            "letters": [letter.as_dict() for letter in self.letters],
            "notes": [note.as_dict() for note in self.notes],
            "refused": [_refusal(refusal) for refusal in self.refused],
        }


def run_dunning(
    session: Session,
    *,
    on: date,
    output: Path,
    terms: DunningTerms | None = None,
    supplier_org: str | None = None,
    render: Renderer = letter_pdf,
) -> DunningRun:
    """Take every overdue invoice one step along as of ``on``; nothing is committed here. A
    reference rate whose period does not hold ``on`` is a warning: the letters still go."""
    terms = terms or DunningTerms()
    run = DunningRun(on)
    warning = terms.period_warning(on)
    if warning is not None:
        run.warnings.append(warning)
        log.warning("dunning.reference_rate_out_of_period", on=on.isoformat(), detail=warning)
    for invoice in overdue_invoices(session, on=on, terms=terms, supplier_org=supplier_org):
        step = _Step(session, invoice, on=on, terms=terms, output=output, render=render)
        try:
            with session.begin_nested():
                step.take(run)
        except AppError as error:
            run.refused.append(Refusal(invoice.number, step.supplier_org, error.code, error.detail))
    return run


def take_step(
    session: Session,
    invoice: Invoice,
    *,
    on: date,
    output: Path,
    terms: DunningTerms | None = None,
    render: Renderer = letter_pdf,
) -> list[SentLetter]:
    """Take one invoice its next step as of ``on``, outside a run (the demo backdates a reminder
    with it); errors are raised, not collected."""
    run = DunningRun(on)
    _Step(
        session, invoice, on=on, terms=terms or DunningTerms(), output=output, render=render
    ).take(run)
    return run.letters


def overdue_invoices(
    session: Session, *, on: date, terms: DunningTerms, supplier_org: str | None = None
) -> list[Invoice]:
    """Issued invoices due ``reminder_after_days`` or more before ``on`` that are unpaid by then,
    and those whose case is still going (a payment may have stopped it since)."""
    paid = (
        select(func.coalesce(func.sum(Payment.amount), 0))
        .where(Payment.invoice_id == Invoice.id, Payment.paid_on <= on)
        .correlate(Invoice)
        .scalar_subquery()
    )
    query = (
        select(Invoice)
        .outerjoin(DunningCase, DunningCase.invoice_id == Invoice.id)
        .where(
            Invoice.status == "issued",
            Invoice.kind == DocumentKind.INVOICE,
            Invoice.due_date <= on - timedelta(days=terms.reminder_after_days),
            or_(
                DunningCase.status.in_([CaseStatus.OPEN, CaseStatus.DISPUTED]),
                DunningCase.id.is_(None) & (Invoice.total > paid),
            ),
        )
        .order_by(Invoice.supplier_id, Invoice.sequence)
    )
    if supplier_org is not None:
        query = query.join(Party, Party.id == Invoice.supplier_id).where(
            Party.org_number == supplier_org
        )
    return list(session.scalars(query))


class _Step:
    """One invoice's move along the process, in one run."""

    def __init__(
        self,
        session: Session,
        invoice: Invoice,
        *,
        on: date,
        terms: DunningTerms,
        output: Path,
        render: Renderer,
    ) -> None:
        self.session, self.invoice, self.on, self.terms = session, invoice, on, terms
        self.output, self.render = output, render
        supplier = session.get(Party, invoice.supplier_id)
        assert supplier is not None  # a foreign key
        self.supplier = supplier
        self.supplier_org = format_number(supplier.org_number)

    def take(self, run: DunningRun) -> None:
        case = case_of(self.session, self.invoice.id)
        if case is not None and case.status == CaseStatus.DISPUTED:
            run.notes.append(self._note("disputed", case.status_on))
            return
        owed = open_amount(self.session, self.invoice, on_or_before=self.on)
        if owed <= 0:
            if case is not None:  # paid since the last letter: stop for good
                set_status(case, CaseStatus.PAID, self.on)
                run.notes.append(self._note("paid", self.on))
            return
        case = case or self._open_case()
        sent = {letter.kind: letter for letter in letters_of(self.session, case.id)}
        if LetterKind.REMINDER not in sent:
            run.letters.append(self._remind(case, owed))
        elif not self._is_consumer():
            return  # the Bilaga letters are for consumers: anyone else gets reminders only
        elif LetterKind.CONSUMER_NOTICE not in sent:
            if sent[LetterKind.REMINDER].pay_by < self.on:
                run.letters.extend(self._notify(case, owed))
        elif disconnection_from(sent[LetterKind.CONSUMER_NOTICE].received_on) <= self.on:
            notice = sent[LetterKind.CONSUMER_NOTICE]
            run.notes.append(
                self._note("disconnection_allowed", disconnection_from(notice.received_on))
            )

    def _remind(self, case: DunningCase, owed: Decimal) -> SentLetter:
        charges = ReminderCharges(
            fee=self.terms.reminder_fee.quantize(_ORE),
            interest=interest(
                owed, due=self.invoice.due_date, on=self.on, annual_rate=self.terms.annual_rate
            ),
            annual_rate=self.terms.annual_rate,
        )
        facts = self._facts(owed, pay_by=self.on + timedelta(days=self.terms.reminder_days))
        letter = reminder_letter(facts, charges)
        return self._keep(
            case,
            LetterKind.REMINDER,
            letter,
            owed=owed,
            pay_by=facts.pay_by,
            fee=charges.fee,
            interest=charges.interest,
        )

    def _notify(self, case: DunningCase, owed: Decimal) -> list[SentLetter]:
        """Bilaga 1 and Bilaga 2 together: both letters are built before either is kept. Both
        give the last day of the three weeks as the day to pay by."""
        received = self.on + timedelta(days=self.terms.post_days)
        deadline = notice_deadline(received)
        facts = self._facts(owed, pay_by=deadline)
        installation = self._installation()
        committee = committee_for(installation.municipality_code, self.terms.committees)
        to_consumer, to_committee = consumer_notice(facts), social_notice(facts, committee)
        return [
            self._keep(case, LetterKind.CONSUMER_NOTICE, to_consumer, owed=owed, pay_by=deadline),
            self._keep(
                case,
                LetterKind.SOCIAL_NOTICE,
                to_committee,
                owed=owed,
                pay_by=deadline,
                municipality_code=installation.municipality_code,
            ),
        ]

    def _keep(
        self,
        case: DunningCase,
        kind: LetterKind,
        letter: Letter,
        *,
        owed: Decimal,
        pay_by: date,
        fee: Decimal = Decimal("0.00"),
        interest: Decimal = Decimal("0.00"),
        municipality_code: str | None = None,
    ) -> SentLetter:
        """Keep the letter's row, then render the letter to a file named by the row's id."""
        received = self.on + timedelta(days=self.terms.post_days)
        row = DunningLetter(
            case_id=case.id,
            kind=kind,
            recipient=letter.recipient.name,
            municipality_code=municipality_code,
            sent_on=self.on,
            received_on=received,
            received_confirmed=False,
            pay_by=pay_by,
            open_amount=owed,
            fee=fee,
            interest=interest,
            pdf_path="",  # named by the row's id, known once flushed
        )
        self.session.add(row)
        self.session.flush()
        name = f"{self.invoice.number}-{kind}-{row.id}.pdf"
        path = (self.output / self.supplier_org / name).resolve()
        row.pdf_path = store_letter(letter, path, render=self.render)
        self.session.flush()
        return sent_letter(row, self.invoice.number, self.supplier_org)

    def _facts(self, owed: Decimal, *, pay_by: date) -> DunningFacts:
        customer = self.session.get(Customer, self.invoice.customer_id)
        installation = self._installation()
        assert customer is not None
        return DunningFacts(
            supplier=supplier_info(self.session, supplier=self.supplier),
            customer_name=customer.name,
            customer_address=Address(
                installation.street, installation.postal_code, installation.city
            ),
            invoice_number=self.invoice.number,
            ocr=self.invoice.ocr,
            due_date=self.invoice.due_date,
            owed=owed,
            sent_on=self.on,
            pay_by=pay_by,
        )

    def _installation(self) -> Installation:
        # The billing address is the installation's (supply.invoice_parts), so is the municipality.
        installation = self.session.get(Installation, self.invoice.installation_id)
        assert installation is not None
        return installation

    def _is_consumer(self) -> bool:
        """Only a private customer is a consumer; any other kind, known or not, is not."""
        customer = self.session.get(Customer, self.invoice.customer_id)
        return customer is not None and customer.kind == CustomerKind.PRIVATE

    def _open_case(self) -> DunningCase:
        case = DunningCase(
            invoice_id=self.invoice.id,
            supplier_id=self.invoice.supplier_id,
            status=CaseStatus.OPEN,
            status_on=self.on,
        )
        self.session.add(case)
        self.session.flush()
        return case

    def _note(self, note: str, since: date | None) -> CaseNote:
        return CaseNote(self.invoice.number, self.supplier_org, note, since)


def sent_letter(row: DunningLetter, invoice_number: str, supplier_org: str) -> SentLetter:
    notice = row.kind == LetterKind.CONSUMER_NOTICE
    return SentLetter(
        invoice=invoice_number,
        supplier_org=supplier_org,
        kind=row.kind,
        recipient=row.recipient,
        sent_on=row.sent_on,
        received_on=row.received_on,
        pay_by=row.pay_by,
        disconnection_from=disconnection_from(row.received_on) if notice else None,
        open_amount=row.open_amount,
        fee=row.fee,
        interest=row.interest,
        pdf_path=row.pdf_path,
    )


def case_of(session: Session, invoice_id: int) -> DunningCase | None:
    query = select(DunningCase).where(DunningCase.invoice_id == invoice_id)
    return session.scalars(query).one_or_none()


def letters_of(session: Session, case_id: int) -> list[DunningLetter]:
    query = select(DunningLetter).where(DunningLetter.case_id == case_id).order_by(DunningLetter.id)
    return list(session.scalars(query))


def set_status(case: DunningCase, status: CaseStatus, on: date) -> None:
    case.status, case.status_on = status, on


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _refusal(refusal: Refusal) -> dict[str, str]:
    return {
        "invoice": refusal.invoice,
        "supplier": refusal.supplier_org,
        "error": refusal.error,
        "detail": refusal.detail,
    }


def letter_rows(session: Session, invoice_ids: Iterable[int]) -> list[DunningLetter]:
    """Every letter kept for these invoices, oldest first."""
    query = (
        select(DunningLetter)
        .join(DunningCase, DunningCase.id == DunningLetter.case_id)
        .where(DunningCase.invoice_id.in_(list(invoice_ids)))
        .order_by(DunningLetter.id)
    )
    return list(session.scalars(query))

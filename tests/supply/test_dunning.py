"""Dunning on both databases (SUP-27): reminder with capped fee and interest, then Bilaga 1 and 2
once the reminder has run out; payment, dispute and business customers stop it; nothing twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import Invalid
from elkund.core.settings import Settings
from elkund.customers.models import Customer
from elkund.supply.billing_models import Invoice
from elkund.supply.contracts import start_contract
from elkund.supply.dunning import DunningRun, letter_rows, run_dunning
from elkund.supply.dunning_disputes import (
    DunningClosed,
    NotDisputed,
    dispute,
    find_invoice,
    record_receipt,
    undispute,
)
from elkund.supply.dunning_letters import (
    BILAGA_1_PARAGRAPHS,
    BILAGA_1_TITLE,
    BILAGA_2_LABELS,
    BILAGA_2_TITLE,
)
from elkund.supply.dunning_models import CaseStatus, DunningCase, DunningLetter, LetterKind
from elkund.supply.dunning_terms import (
    DunningTerms,
    InvalidDunningTerms,
    disconnection_from,
    interest,
    notice_deadline,
)
from elkund.supply.ledger import record_payment
from elkund.supply.letters import Letter
from elkund.supply.models import ProductKind
from tests.factories import (
    make_customer,
    make_installation,
    make_product,
    make_supplier,
    make_supplier_profile,
    org_number,
)

DUE = date(2026, 3, 2)
TERMS = DunningTerms(reference_rate=Decimal("2.00"), reminder_days=10, post_days=5)
REMINDER_DAY = DUE + timedelta(days=1)
NOTICE_DAY = REMINDER_DAY + timedelta(days=11)  # the day after the reminder's pay-by day
_sequence = count(1)


@dataclass
class Mailbox:
    """Stands in for WeasyPrint: keeps the letters, writes a token PDF (rendering is slow)."""

    letters: list[Letter] = field(default_factory=list)

    def __call__(self, letter: Letter) -> bytes:
        self.letters.append(letter)
        return b"%PDF-1.7 test"


@dataclass
class World:
    session: Session
    output: Path
    mailbox: Mailbox
    supplier_org: str = ""

    def run(self, on: date, terms: DunningTerms = TERMS, **kwargs: Any) -> DunningRun:
        return run_dunning(
            self.session, on=on, output=self.output, terms=terms, render=self.mailbox, **kwargs
        )


@pytest.fixture
def world(session: Session, tmp_path: Path) -> World:
    return World(session, tmp_path / "letters", Mailbox())


def overdue_invoice(
    session: Session,
    *,
    business: bool = False,
    municipality: str = "2480",
    total: Decimal = Decimal("1000.00"),
) -> Invoice:
    """An issued invoice due ``DUE``, of its own customer, supplier and contract."""
    number = {"identity_number": org_number(700 + next(_sequence))} if business else {}
    customer = make_customer(session, name="Kim Kund", **number)
    home = make_installation(
        session,
        holder=customer,
        street="Sjögatan 3",
        postal_code="90326",
        city="Umeå",
        municipality_code=municipality,
    )
    supplier = make_supplier(session, name="Norrsken El AB")
    make_supplier_profile(session, supplier)
    product = make_product(session, supplier, kind=ProductKind.VARIABLE)
    started = start_contract(
        session,
        supplier=supplier,
        product=product,
        installation_id=home.gsrn,
        customer=customer,
        start=date(2026, 1, 1),
        now=datetime(2025, 12, 1, tzinfo=UTC),
    )
    assert started.contract is not None
    n = next(_sequence)
    invoice = Invoice(
        supplier_id=supplier.id,
        sequence=1,
        number=f"2026-{n:06d}",
        kind="invoice",
        status="issued",
        contract_id=started.contract.id,
        installation_id=home.id,
        customer_id=customer.id,
        billing_month=date(2026, 1, 1),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        issue_date=DUE - timedelta(days=30),
        due_date=DUE,
        ocr=f"{n:08d}",
        net=total * 4 / 5,
        vat=total / 5,
        total=total,
        consumption_wh=800_000,
        basis_digest="0" * 64,
        document="{}",
    )
    session.add(invoice)
    session.flush()
    return invoice


def kinds(run: DunningRun) -> list[str]:
    return [letter.kind for letter in run.letters]


def notes(run: DunningRun) -> list[str]:
    return [note.note for note in run.notes]


def case(session: Session, invoice: Invoice) -> DunningCase:
    found = session.scalars(select(DunningCase).where(DunningCase.invoice_id == invoice.id)).one()
    return found


def to_notice(world: World, invoice: Invoice) -> DunningRun:
    assert kinds(world.run(REMINDER_DAY)) == [LetterKind.REMINDER]
    return world.run(NOTICE_DAY)


# --- the reminder -------------------------------------------------------------------------------


def test_sup_27_the_reminder_charges_the_capped_fee_and_interest_from_the_due_date(
    world: World,
) -> None:
    invoice = overdue_invoice(world.session)
    record_payment(world.session, invoice, Decimal("400.00"), DUE + timedelta(days=2))
    assert world.run(DUE).letters == []  # not overdue on the due date itself
    on = DUE + timedelta(days=31)
    (reminder,) = world.run(on).letters
    assert reminder.kind == LetterKind.REMINDER
    assert reminder.open_amount == Decimal("600.00")  # the open amount, after the part payment
    assert reminder.fee == Decimal("60.00")
    # 600 kr × (2 % + 8 %) × 31/365 = 5.0958… kr
    assert reminder.interest == Decimal("5.10")
    assert (reminder.sent_on, reminder.pay_by) == (on, on + timedelta(days=10))
    assert Path(reminder.pdf_path).read_bytes().startswith(b"%PDF-")
    (letter,) = world.mailbox.letters
    text = " ".join(f"{f.label} {f.value}" for f in letter.fields)
    assert "Påminnelseavgift: 60,00\xa0kr" in text
    assert "Dröjsmålsränta (10 % per år)" in text
    assert "Att betala: 665,10\xa0kr" in text


def test_sup_27_the_reminder_fee_is_at_most_60_kronor() -> None:
    with pytest.raises(InvalidDunningTerms):
        DunningTerms(reminder_fee=Decimal("60.01"))
    with pytest.raises(ValidationError):
        Settings(dunning_reminder_fee=Decimal("61"))
    assert DunningTerms.from_settings(
        Settings(dunning_reminder_fee=Decimal("45"))
    ).reminder_fee == (Decimal("45"))


@pytest.mark.parametrize(
    ("owed", "days", "rate", "expected"),
    [
        (Decimal("1000.00"), 365, Decimal("10"), Decimal("100.00")),
        (Decimal("1000.00"), 1, Decimal("10"), Decimal("0.27")),  # 0.2739…
        (Decimal("1234.56"), 30, Decimal("10.5"), Decimal("10.65")),  # 10.6549…
        (Decimal("1000.00"), 0, Decimal("10"), Decimal("0.00")),
        (Decimal("1000.00"), -5, Decimal("10"), Decimal("0.00")),  # before the due date: none
    ],
)
def test_interest_runs_per_day_after_the_due_date_on_the_open_amount(
    owed: Decimal, days: int, rate: Decimal, expected: Decimal
) -> None:
    on = DUE + timedelta(days=days)
    assert interest(owed, due=DUE, on=on, annual_rate=rate) == expected


def test_the_interest_rate_is_the_reference_rate_plus_eight_points() -> None:
    settings = Settings(dunning_reference_rate=Decimal("2.50"))
    assert DunningTerms.from_settings(settings).annual_rate == Decimal("10.50")


# --- the notices of Bilaga 1 and 2 --------------------------------------------------------------


def test_sup_27_bilaga_1_and_2_follow_once_the_reminder_has_run_out(world: World) -> None:
    invoice = overdue_invoice(world.session, municipality="2480")
    world.run(REMINDER_DAY)
    # On the reminder's pay-by day the consumer is still in time.
    assert world.run(NOTICE_DAY - timedelta(days=1)).letters == []
    run = world.run(NOTICE_DAY)
    assert kinds(run) == [LetterKind.CONSUMER_NOTICE, LetterKind.SOCIAL_NOTICE]
    to_consumer, to_committee = world.mailbox.letters[1:]
    assert (to_consumer.title, to_consumer.paragraphs) == (BILAGA_1_TITLE, BILAGA_1_PARAGRAPHS)
    assert to_consumer.recipient.name == "Kim Kund"
    assert to_committee.title == BILAGA_2_TITLE
    assert to_committee.numbered_fields
    assert [f.label for f in to_committee.fields] == list(BILAGA_2_LABELS)
    assert to_committee.recipient.name == "Socialnämnden i Umeå kommun"
    values = [f.value for f in to_committee.fields]
    assert values[0].startswith("Norrsken El AB, Kraftgatan 1, 111 22 Stockholm, telefon 08-")
    assert values[1] == "Kim Kund, Sjögatan 3, 903 26 Umeå"
    # Field 3: the last day of the three weeks from receipt (sent 14 March, received 19 March),
    # the day the consumer can pay by to prevent the disconnection; the passed due date after it.
    assert values[2] == (
        f"1\xa0000,00\xa0kr, senast 9 april 2026 (faktura {invoice.number}, förföll 2 mars 2026)"
    )
    consumer_fields = {f.label: f.value for f in to_consumer.fields}
    assert consumer_fields["Betala senast för att förhindra avstängning:"] == "9 april 2026"
    assert run.letters[0].pay_by == date(2026, 4, 9)
    assert values[3] == f"Bankgiro 5050-1055, OCR-nummer {invoice.ocr}"
    rows = letter_rows(world.session, [invoice.id])
    assert [(r.kind, r.municipality_code) for r in rows][1:] == [
        ("consumer_notice", None),
        ("social_notice", "2480"),
    ]


def test_sup_27_the_three_weeks_run_from_when_the_consumer_received_the_notice(
    world: World,
) -> None:
    invoice = overdue_invoice(world.session)
    notice, _ = to_notice(world, invoice).letters
    received = NOTICE_DAY + timedelta(days=5)  # post_days
    assert (notice.sent_on, notice.received_on) == (NOTICE_DAY, received)
    assert notice.pay_by == received + timedelta(days=21) == notice_deadline(received)
    assert notice.disconnection_from == received + timedelta(days=22)
    # Still in time on the last day of the three weeks; disconnection may be asked the day after.
    assert world.run(notice.pay_by).notes == []
    assert notes(world.run(notice.pay_by + timedelta(days=1))) == ["disconnection_allowed"]
    # Known to have been received later: the three weeks move with it.
    later = received + timedelta(days=4)
    recorded = record_receipt(world.session, invoice, received_on=later)
    assert (recorded.received_on, recorded.pay_by) == (later, later + timedelta(days=21))
    assert recorded.disconnection_from == disconnection_from(later)
    assert world.run(later + timedelta(days=21)).notes == []
    with pytest.raises(Invalid):
        record_receipt(world.session, invoice, received_on=NOTICE_DAY - timedelta(days=1))


def test_sup_27_no_letter_is_sent_twice_on_a_rerun_or_a_later_date(world: World) -> None:
    invoice = overdue_invoice(world.session)
    assert kinds(world.run(REMINDER_DAY)) == [LetterKind.REMINDER]
    assert world.run(REMINDER_DAY).letters == []
    assert len(world.run(NOTICE_DAY).letters) == 2
    for day in (NOTICE_DAY, NOTICE_DAY + timedelta(days=3), NOTICE_DAY + timedelta(days=60)):
        assert world.run(day).letters == []
    assert len(letter_rows(world.session, [invoice.id])) == 3
    assert len(world.mailbox.letters) == 3


# --- what stops it --------------------------------------------------------------------------------


def test_sup_27_a_full_payment_before_the_reminder_stops_the_process(world: World) -> None:
    invoice = overdue_invoice(world.session)
    record_payment(world.session, invoice, invoice.total, DUE + timedelta(days=5))
    assert world.run(DUE + timedelta(days=1)).letters != []  # not paid yet on that day
    paid = overdue_invoice(world.session)
    record_payment(world.session, paid, paid.total, DUE)
    later = world.run(NOTICE_DAY)
    assert paid.number not in [letter.invoice for letter in later.letters]
    assert letter_rows(world.session, [paid.id]) == []
    assert notes(later) == ["paid"]  # the first invoice: paid after its reminder
    assert case(world.session, invoice).status == CaseStatus.PAID


def test_sup_27_a_payment_after_the_notice_but_before_the_deadline_stops_it(
    world: World,
) -> None:
    invoice = overdue_invoice(world.session)
    (notice, _) = to_notice(world, invoice).letters
    record_payment(world.session, invoice, invoice.total, NOTICE_DAY + timedelta(days=10))
    run = world.run(NOTICE_DAY + timedelta(days=12))
    assert (run.letters, notes(run)) == ([], ["paid"])
    assert case(world.session, invoice).status == CaseStatus.PAID
    after = world.run(notice.pay_by + timedelta(days=5))  # no disconnection once paid
    assert (after.letters, after.notes) == ([], [])


def test_sup_27_a_disputed_invoice_is_held_until_the_dispute_is_withdrawn(world: World) -> None:
    invoice = overdue_invoice(world.session)
    dispute(world.session, invoice, reason="Fel mätarställning", on=DUE)
    held = world.run(REMINDER_DAY)
    assert (held.letters, notes(held)) == ([], ["disputed"])
    assert case(world.session, invoice).dispute_reason == "Fel mätarställning"
    undispute(world.session, invoice, on=REMINDER_DAY)
    assert kinds(world.run(REMINDER_DAY)) == [LetterKind.REMINDER]
    dispute(world.session, invoice, reason="Ny invändning", on=REMINDER_DAY)
    assert world.run(NOTICE_DAY).letters == []  # a dispute after the reminder holds the notice
    with pytest.raises(Invalid):
        dispute(world.session, invoice, reason="  ", on=NOTICE_DAY)


def test_disputes_are_refused_when_there_is_nothing_to_hold_or_release(world: World) -> None:
    invoice = overdue_invoice(world.session)
    with pytest.raises(NotDisputed):
        undispute(world.session, invoice, on=DUE)
    world.run(REMINDER_DAY)
    record_payment(world.session, invoice, invoice.total, REMINDER_DAY)
    world.run(NOTICE_DAY)
    with pytest.raises(DunningClosed):
        dispute(world.session, invoice, reason="Fel", on=NOTICE_DAY)


def test_sup_27_a_business_customer_gets_a_reminder_but_never_the_bilaga_letters(
    world: World,
) -> None:
    invoice = overdue_invoice(world.session, business=True)
    customer = world.session.get(Customer, invoice.customer_id)
    assert customer is not None
    assert customer.kind == "business"
    assert kinds(world.run(REMINDER_DAY)) == [LetterKind.REMINDER]
    for day in (NOTICE_DAY, NOTICE_DAY + timedelta(days=90)):
        assert world.run(day).letters == []
    assert [r.kind for r in letter_rows(world.session, [invoice.id])] == ["reminder"]


def test_credited_invoices_are_never_dunned(world: World) -> None:
    invoice = overdue_invoice(world.session)
    invoice.status = "credited"
    world.session.flush()
    assert world.run(NOTICE_DAY).letters == []


# --- errors -------------------------------------------------------------------------------------


def test_sup_27_a_missing_committee_address_is_an_error_for_that_invoice_only(
    world: World, tmp_path: Path
) -> None:
    nowhere = overdue_invoice(world.session, municipality="0114")  # Upplands Väsby: not in file
    umea = overdue_invoice(world.session, municipality="2480")
    world.run(REMINDER_DAY)
    run = world.run(NOTICE_DAY)
    assert [(letter.invoice, letter.kind) for letter in run.letters] == [
        (umea.number, "consumer_notice"),
        (umea.number, "social_notice"),
    ]
    (refusal,) = run.refused
    assert (refusal.invoice, refusal.error) == (nowhere.number, "social_committee_missing")
    assert "0114" in refusal.detail
    # Neither letter went to the consumer whose committee cannot be told.
    assert [r.kind for r in letter_rows(world.session, [nowhere.id])] == ["reminder"]
    directory = tmp_path / "socialnamnder.csv"
    directory.write_text(
        "# operator's file\nmunicipality_code,name,street,postal_code,city\n"
        "0114,Socialnämnden i Upplands Väsby kommun,Box 1,19480,Upplands Väsby\n",
        encoding="utf-8",
    )
    configured = DunningTerms(reminder_days=10, post_days=5, committees=directory)
    again = world.run(NOTICE_DAY, terms=configured)
    assert [letter.recipient for letter in again.letters] == [
        "Kim Kund",
        "Socialnämnden i Upplands Väsby kommun",
    ]
    assert again.refused == []


def test_a_supplier_profile_missing_is_refused_not_a_crash(world: World) -> None:
    invoice = overdue_invoice(world.session)
    other = overdue_invoice(world.session)
    from elkund.supply.models import SupplierProfile

    world.session.delete(
        world.session.scalars(
            select(SupplierProfile).where(SupplierProfile.party_id == invoice.supplier_id)
        ).one()
    )
    world.session.flush()
    run = world.run(REMINDER_DAY)
    assert [r.error for r in run.refused] == ["supplier_profile_missing"]
    assert [letter.invoice for letter in run.letters] == [other.number]


def test_only_the_given_suppliers_invoices_are_dunned(world: World) -> None:
    first = overdue_invoice(world.session)
    overdue_invoice(world.session)
    from elkund.parties.models import Party

    supplier = world.session.get(Party, first.supplier_id)
    assert supplier is not None
    run = world.run(REMINDER_DAY, supplier_org=supplier.org_number)
    assert [letter.invoice for letter in run.letters] == [first.number]
    assert find_invoice(world.session, first.number, supplier_org=supplier.org_number) == first


def test_sup_27_only_a_private_customer_gets_the_bilaga_letters(world: World) -> None:
    """A customer of any kind but private (here one no code knows yet) is not a consumer."""
    invoice = overdue_invoice(world.session)
    customer = world.session.get(Customer, invoice.customer_id)
    assert customer is not None
    customer.kind = "estate"  # type: ignore[assignment]  # a kind added later, say a dödsbo
    world.session.flush()
    assert kinds(world.run(REMINDER_DAY)) == [LetterKind.REMINDER]
    assert world.run(NOTICE_DAY).letters == []
    assert [r.kind for r in letter_rows(world.session, [invoice.id])] == ["reminder"]


# --- the letters' files ---------------------------------------------------------------------------


def test_the_row_is_kept_before_its_pdf_is_written_and_names_the_file(world: World) -> None:
    invoice = overdue_invoice(world.session)
    rows_when_rendered: list[int] = []

    def render(letter: Letter) -> bytes:
        # The letter's row is in the database (flushed) before its PDF is made.
        query = (
            select(DunningLetter.id).join(DunningCase).where(DunningCase.invoice_id == invoice.id)
        )
        rows_when_rendered.extend(world.session.scalars(query.execution_options(autoflush=False)))
        return b"%PDF-1.7 test"

    (reminder,) = run_dunning(
        world.session, on=REMINDER_DAY, output=world.output, terms=TERMS, render=render
    ).letters
    (row,) = letter_rows(world.session, [invoice.id])
    assert rows_when_rendered == [row.id]
    path = Path(reminder.pdf_path)
    assert path.name == f"{invoice.number}-reminder-{row.id}.pdf"
    assert row.pdf_path == str(path)
    assert path.read_bytes() == b"%PDF-1.7 test"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


# --- the reference rate's period ------------------------------------------------------------------


def test_a_run_outside_the_reference_rate_period_warns_but_still_sends(world: World) -> None:
    invoice = overdue_invoice(world.session)
    assert world.run(REMINDER_DAY).warnings == []  # 2026-03-03 is in 2026-01-01–2026-06-30
    dated = DunningTerms(reference_period="2025-07-01–2025-12-31", reminder_days=10, post_days=5)
    run = world.run(NOTICE_DAY, terms=dated)
    (warning,) = run.warnings
    assert "2025-07-01–2025-12-31" in warning
    assert "2026-03-14" in warning
    assert run.as_dict()["warnings"] == [warning]
    assert [letter.invoice for letter in run.letters] == [invoice.number] * 2  # not refused
    assert DunningTerms(reference_period="2026-01-01/2026-06-30").reference_dates == (
        date(2026, 1, 1),
        date(2026, 6, 30),
    )


@pytest.mark.parametrize("period", ["2026-01-01", "2026-06-30–2026-01-01", "H1 2026", ""])
def test_a_malformed_reference_rate_period_is_refused(period: str) -> None:
    with pytest.raises(InvalidDunningTerms):
        DunningTerms(reference_period=period)
    with pytest.raises(InvalidDunningTerms):
        DunningTerms.from_settings(Settings(dunning_reference_rate_period=period))


def test_a_malformed_committee_file_refuses_the_notices_not_the_run(
    world: World, tmp_path: Path
) -> None:
    noticed = overdue_invoice(world.session)
    directory = tmp_path / "socialnamnder.csv"
    directory.write_text(
        "municipality_code,name,street,postal_code,city\n2480,Socialnämnden i Umeå kommun\n",
        encoding="utf-8",
    )
    broken = DunningTerms(reminder_days=10, post_days=5, committees=directory)
    world.run(REMINDER_DAY, terms=broken)
    reminded = overdue_invoice(world.session)  # overdue only after that run
    run = world.run(NOTICE_DAY, terms=broken)
    assert [(r.invoice, r.error) for r in run.refused] == [
        (noticed.number, "social_committees_malformed")
    ]
    assert [(letter.invoice, letter.kind) for letter in run.letters] == [
        (reminded.number, "reminder")
    ]

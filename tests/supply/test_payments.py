"""Importing BgMax files on both databases: payments matched by OCR in full, in part or too
much, unmatched ones kept, files refused whole, a second import a no-op, matching by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elkund.core.errors import AppError
from elkund.supply import payments
from elkund.supply.bgmax import MalformedBgMax
from elkund.supply.ledger import open_amount, paid_amount
from elkund.supply.payment_models import Payment, PaymentFile
from elkund.supply.payments import (
    Flag,
    Outcome,
    import_bgmax,
    match_payment,
    unmatched_payments,
)
from tests.supply.payment_setup import (
    add_invoice,
    billed_for_correct_file,
    fixture,
    make_billed_supplier,
)
from tests.supply.test_bgmax import bgmax_file


def _stored(session: Session) -> tuple[int, int]:
    files = session.scalar(select(func.count()).select_from(PaymentFile))
    payments = session.scalar(select(func.count()).select_from(Payment))
    return files or 0, payments or 0


def test_payments_are_matched_by_ocr_in_full_in_part_and_over(session: Session) -> None:
    billed = billed_for_correct_file(session)
    report = import_bgmax(session, data=fixture("correct.bgmax"), filename="correct.bgmax")
    assert report.already_imported is False
    assert [
        (p.line, p.invoice_number, p.amount, p.outcome, p.open_amount) for p in report.payments
    ] == [
        (3, "00000001", Decimal("797.00"), Outcome.PAID, Decimal("0.00")),
        (7, "00000002", Decimal("200.00"), Outcome.PARTIAL, Decimal("300.00")),
        (8, "00000003", Decimal("300.00"), Outcome.OVERPAID, Decimal("-50.00")),
        (9, None, Decimal("123.45"), Outcome.UNMATCHED, None),
    ]
    assert report.payments[3].flags == (Flag.NO_INVOICE,)
    assert report.summary() == {
        "paid": {"count": 1, "amount": "797.00"},
        "partial": {"count": 1, "amount": "200.00"},
        "overpaid": {"count": 1, "amount": "300.00"},
        "unmatched": {"count": 1, "amount": "123.45"},
    }
    assert report.needs_attention is True
    invoices = billed.invoices
    assert open_amount(session, invoices["00000002"]) == Decimal("300.00")
    assert paid_amount(session, invoices["00000003"].id) == Decimal("300.00")
    first = session.get(Payment, report.payments[0].payment_id)
    assert first is not None
    assert (first.supplier_id, first.matched_by, first.payer, first.bank_serial) == (
        billed.supplier.id,
        "ocr",
        "Kund Ett",
        "250505000101",
    )
    stored = session.get(PaymentFile, report.file_id)
    assert stored is not None
    assert (stored.payment_count, stored.total, stored.format) == (4, Decimal("1420.45"), "bgmax")


def test_an_unmatched_payment_is_kept_without_invoice(session: Session) -> None:
    billed = billed_for_correct_file(session)
    import_bgmax(session, data=fixture("correct.bgmax"), filename="correct.bgmax")
    (kept,) = unmatched_payments(session)
    assert (kept.invoice_id, kept.matched_by, kept.reference, kept.amount, kept.file_line) == (
        None,
        None,
        "12345",
        Decimal("123.45"),
        9,
    )
    assert unmatched_payments(session, supplier_id=billed.supplier.id) == [kept]
    assert unmatched_payments(session, supplier_id=billed.supplier.id + 1000) == []


def test_the_same_file_twice_books_nothing_the_second_time(session: Session) -> None:
    billed_for_correct_file(session)
    first = import_bgmax(session, data=fixture("correct.bgmax"), filename="correct.bgmax")
    again = import_bgmax(session, data=fixture("correct.bgmax"), filename="copy.bgmax")
    assert (again.already_imported, again.file_id, again.payments) == (True, first.file_id, [])
    assert again.needs_attention is False
    assert _stored(session) == (1, 4)


def test_a_file_imported_at_the_same_moment_elsewhere_is_reported_as_imported(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two imports of one file racing: the loser's unique SHA-256 clash books nothing twice."""
    billed_for_correct_file(session)
    first = import_bgmax(session, data=fixture("correct.bgmax"), filename="correct.bgmax")
    # The second import looked before the first one's rows were there.
    monkeypatch.setattr(payments, "imported_file", lambda session, digest: None)
    monkeypatch.setattr(payments, "_refuse_booked", lambda session, parsed, suppliers: None)
    again = import_bgmax(session, data=fixture("correct.bgmax"), filename="copy.bgmax")
    assert (again.already_imported, again.file_id, again.payments) == (True, first.file_id, [])
    assert _stored(session) == (1, 4)


def test_a_rewritten_file_with_booked_payments_is_refused(session: Session) -> None:
    """Bankgirot's serial numbers recognise payments booked from another copy of the file."""
    billed_for_correct_file(session)
    import_bgmax(session, data=fixture("correct.bgmax"), filename="correct.bgmax")
    with pytest.raises(AppError) as caught:
        import_bgmax(session, data=fixture("rewritten.bgmax"), filename="rewritten.bgmax")
    assert caught.value.code == "payment_already_booked"
    assert caught.value.detail.startswith("line 3: ")
    assert _stored(session) == (1, 4)


@pytest.mark.parametrize(
    ("name", "line", "code"),
    [
        ("bad_record_type.bgmax", 10, "bgmax_bad_record_type"),
        ("wrong_count_tk70.bgmax", 12, "bgmax_count_mismatch"),
        ("wrong_deposit_total.bgmax", 11, "bgmax_total_mismatch"),
        ("bad_date.bgmax", 11, "bgmax_invalid_date"),
        ("truncated_line.bgmax", 7, "bgmax_truncated_line"),
        ("non_digit_amount.bgmax", 8, "bgmax_invalid_amount"),
    ],
)
def test_a_malformed_file_books_nothing(session: Session, name: str, line: int, code: str) -> None:
    billed_for_correct_file(session)
    with pytest.raises(MalformedBgMax) as caught:
        import_bgmax(session, data=fixture(name), filename=name)
    assert (caught.value.line, caught.value.code) == (line, code)
    assert _stored(session) == (0, 0)


def test_an_unknown_bankgiro_is_refused(session: Session) -> None:
    billed_for_correct_file(session)
    with pytest.raises(AppError) as caught:
        import_bgmax(session, data=fixture("unknown_bankgiro.bgmax"), filename="x.bgmax")
    assert caught.value.code == "unknown_bankgiro"
    assert "991-2346" in caught.value.detail
    assert _stored(session) == (0, 0)


def test_a_bankgiro_two_suppliers_give_is_refused(session: Session) -> None:
    billed_for_correct_file(session)
    make_billed_supplier(session)  # the same bankgiro again
    with pytest.raises(AppError) as caught:
        import_bgmax(session, data=fixture("correct.bgmax"), filename="correct.bgmax")
    assert (caught.value.code, "several suppliers" in caught.value.detail) == (
        "unknown_bankgiro",
        True,
    )
    assert _stored(session) == (0, 0)


def test_a_test_file_is_refused(session: Session) -> None:
    billed_for_correct_file(session)
    with pytest.raises(AppError) as caught:
        import_bgmax(session, data=fixture("test_mark.bgmax"), filename="t.bgmax")
    assert caught.value.code == "bgmax_test_file"
    assert _stored(session) == (0, 0)


def test_references_are_looked_up_among_the_receiving_suppliers_invoices(session: Session) -> None:
    """The OCR numbers are looked up among the receiving bankgiro's supplier's invoices only."""
    billed_for_correct_file(session)
    other = make_billed_supplier(session, bankgiro="991-2346")
    add_invoice(session, other, 1, "797.00")
    report = import_bgmax(session, data=fixture("unknown_bankgiro.bgmax"), filename="o.bgmax")
    assert [(p.invoice_number, p.outcome) for p in report.payments][:2] == [
        ("00000001", Outcome.PAID),
        (None, Outcome.UNMATCHED),
    ]
    booked = session.get(Payment, report.payments[0].payment_id)
    assert booked is not None
    assert booked.supplier_id == other.supplier.id


def test_a_deduction_settles_a_credit_note_and_several_references_wait(session: Session) -> None:
    billed = make_billed_supplier(session)
    add_invoice(session, billed, 4, "800.00")
    add_invoice(session, billed, 5, "-200.00", kind="credit_note")
    add_invoice(session, billed, 6, "100.00")
    add_invoice(session, billed, 7, "50.00")
    report = import_bgmax(session, data=fixture("deductions.bgmax"), filename="d.bgmax")
    assert [(p.invoice_number, p.amount, p.outcome, p.flags) for p in report.payments] == [
        ("00000004", Decimal("800.00"), Outcome.PAID, ()),
        ("00000005", Decimal("-200.00"), Outcome.PAID, ()),
        (None, Decimal("150.00"), Outcome.UNMATCHED, (Flag.SEVERAL_REFERENCES,)),
    ]
    assert open_amount(session, billed.invoices["00000005"]) == Decimal("0.00")


def test_a_payment_on_a_credited_invoice_is_booked_and_flagged(session: Session) -> None:
    billed = make_billed_supplier(session)
    add_invoice(session, billed, 1, "797.00", status="credited")
    add_invoice(session, billed, 2, "-500.00", kind="credit_note")
    add_invoice(session, billed, 3, "250.00")
    report = import_bgmax(session, data=fixture("correct.bgmax"), filename="c.bgmax")
    assert [(p.invoice_number, p.outcome, p.flags) for p in report.payments[:2]] == [
        ("00000001", Outcome.PAID, (Flag.CREDITED_INVOICE,)),
        ("00000002", Outcome.OVERPAID, (Flag.CREDIT_NOTE,)),
    ]


def test_an_unmatched_payment_is_matched_by_hand(session: Session) -> None:
    billed = billed_for_correct_file(session)
    add_invoice(session, billed, 8, "123.45")
    import_bgmax(session, data=fixture("correct.bgmax"), filename="correct.bgmax")
    (kept,) = unmatched_payments(session)
    booked = match_payment(session, payment_id=kept.id, invoice_number="00000008")
    assert (booked.invoice_number, booked.outcome, booked.open_amount) == (
        "00000008",
        Outcome.PAID,
        Decimal("0.00"),
    )
    assert (kept.invoice_id, kept.matched_by) == (billed.invoices["00000008"].id, "manual")
    assert unmatched_payments(session) == []


def test_matching_by_hand_refuses_a_matched_payment_and_a_stranger_invoice(
    session: Session,
) -> None:
    billed = billed_for_correct_file(session)
    other = make_billed_supplier(session, bankgiro="991-2346")
    add_invoice(session, other, 9, "123.45")
    report = import_bgmax(session, data=fixture("correct.bgmax"), filename="correct.bgmax")
    matched, kept = report.payments[0].payment_id, report.payments[3].payment_id
    cases = [
        (matched, "00000002", "payment_already_matched"),
        (kept, "00000009", "invoice_of_other_supplier"),
        (kept, "99999999", "invoice_not_found"),
        (kept + 1000, "00000001", "payment_not_found"),
    ]
    for payment_id, number, code in cases:
        with pytest.raises(AppError) as caught:
            match_payment(session, payment_id=payment_id, invoice_number=number)
        assert caught.value.code == code
    assert paid_amount(session, billed.invoices["00000002"].id) == Decimal("200.00")
    assert [p.id for p in unmatched_payments(session)] == [kept]


def test_an_overpaid_invoice_needs_a_person_to_refund_it(session: Session) -> None:
    billed_for_correct_file(session)
    data = bgmax_file(
        [("0000000109", "797.00", "250505000101"), ("0000000307", "300.00", "250505000103")]
    )
    report = import_bgmax(session, data=data, filename="overpaid.bgmax")
    assert [p.outcome for p in report.payments] == [Outcome.PAID, Outcome.OVERPAID]
    assert all(p.flags == () for p in report.payments)
    assert report.needs_attention is True  # 50 kr is to be refunded
    paid_only = bgmax_file([("0000000208", "500.00", "250505000102")])
    assert import_bgmax(session, data=paid_only, filename="paid.bgmax").needs_attention is False


def test_a_payment_twice_in_one_file_books_nothing(session: Session) -> None:
    billed_for_correct_file(session)
    data = bgmax_file(
        [("0000000109", "797.00", "250505000101"), ("0000000208", "200.00", "250505000101")]
    )
    with pytest.raises(MalformedBgMax) as caught:
        import_bgmax(session, data=data, filename="twice.bgmax")
    assert (caught.value.code, caught.value.line) == ("bgmax_duplicate_payment", 4)
    assert _stored(session) == (0, 0)


def test_the_database_keeps_one_payment_per_supplier_and_bank_serial(session: Session) -> None:
    billed = billed_for_correct_file(session)

    def add(serial: str | None) -> None:
        session.add(
            Payment(
                supplier_id=billed.supplier.id,
                amount=Decimal("1.00"),
                paid_on=date(2025, 5, 5),
                reference="1",
                bank_serial=serial,
            )
        )
        session.flush()

    add(None)
    add(None)  # payments without a serial (entered by hand) are many
    add("250505000101")
    with pytest.raises(IntegrityError), session.begin_nested():
        add("250505000101")


def test_a_payment_booked_meanwhile_by_another_import_is_refused(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies of a payment imported at the same moment: the unique serial stops the second."""
    billed_for_correct_file(session)
    import_bgmax(session, data=fixture("correct.bgmax"), filename="correct.bgmax")
    monkeypatch.setattr(payments, "_refuse_booked", lambda session, parsed, suppliers: None)
    with pytest.raises(AppError) as caught:
        import_bgmax(session, data=fixture("rewritten.bgmax"), filename="rewritten.bgmax")
    assert caught.value.code == "payment_already_booked"
    assert _stored(session)[1] == 4

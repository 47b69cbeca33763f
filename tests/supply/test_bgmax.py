"""Reading BgMax files (no database): the payments of a correct file, and each malformed one
rejected with its line number and a stable error code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from elkund.supply.bgmax import MalformedBgMax, format_bankgiro, parse_bgmax
from tests.supply.payment_setup import fixture


def test_a_correct_file_gives_its_payments_in_kronor_with_date_and_reference() -> None:
    parsed = parse_bgmax(fixture("correct.bgmax"))
    assert (parsed.timestamp, parsed.test) == ("20250505061500123456", False)
    (deposit,) = parsed.deposits
    assert (deposit.bankgiro, deposit.paid_on, deposit.total) == (
        "5050-1055",
        date(2025, 5, 5),
        Decimal("1420.45"),
    )
    assert [
        (p.line, p.reference, p.reference_code, p.amount, p.paid_on, p.bank_serial)
        for p in parsed.payments
    ] == [
        (3, "0000000109", "2", Decimal("797.00"), date(2025, 5, 5), "250505000101"),
        (7, "0000000208", "2", Decimal("200.00"), date(2025, 5, 5), "250505000102"),
        (8, "0000000307", "2", Decimal("300.00"), date(2025, 5, 5), "250505000103"),
        (9, "12345", "5", Decimal("123.45"), date(2025, 5, 5), "250505000104"),
    ]
    first = parsed.payments[0]
    assert (first.payer, first.sender_bankgiro) == ("Kund Ett", "991-2346")
    assert parsed.payments[1].sender_bankgiro is None  # paid from a bank account


def test_a_deduction_is_negative_and_extra_references_stay_with_their_payment() -> None:
    parsed = parse_bgmax(fixture("deductions.bgmax"))
    assert [(p.record, p.reference, p.amount) for p in parsed.payments] == [
        ("20", "0000000406", Decimal("800.00")),
        ("21", "0000000505", Decimal("-200.00")),
        ("20", "0000000604", Decimal("150.00")),
    ]
    extra = parsed.payments[2].extra_references
    assert [(e.line, e.reference, e.amount) for e in extra] == [
        (6, "0000000604", Decimal("100.00")),
        (7, "0000000703", Decimal("50.00")),
    ]
    assert parsed.deposits[0].total == Decimal("750.00")  # payments less the deduction


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
def test_a_malformed_file_is_rejected_with_line_and_code(name: str, line: int, code: str) -> None:
    with pytest.raises(MalformedBgMax) as caught:
        parse_bgmax(fixture(name))
    assert (caught.value.line, caught.value.code) == (line, code)
    assert caught.value.detail.startswith(f"line {line}: ")
    assert caught.value.status == 422


def _lines() -> list[str]:
    return fixture("correct.bgmax").decode().splitlines()


def _parse(lines: list[str]) -> None:
    parse_bgmax("\n".join(lines).encode())


@pytest.mark.parametrize(
    ("edit", "line", "code"),
    [
        (lambda ls: ls[1:], 1, "bgmax_unexpected_record"),  # no TK01
        (lambda ls: ls[:-1], 11, "bgmax_missing_end"),  # no TK70
        (lambda ls: [*ls, ls[-1]], 13, "bgmax_unexpected_record"),  # a second TK70
        (lambda ls: [ls[0], *ls[2:]], 2, "bgmax_unexpected_record"),  # payment outside deposit
        (lambda ls: [*ls[:10], ls[-1]], 11, "bgmax_unexpected_record"),  # deposit never closed
        (lambda ls: [ls[0].replace("BGMAX", "BGMIN"), *ls[1:]], 1, "bgmax_bad_header"),
        (lambda ls: [ls[0], ls[1].replace("SEK", "EUR"), *ls[2:]], 2, "bgmax_currency"),
        (lambda ls: [ls[0], ls[1] + "X", *ls[2:]], 2, "bgmax_line_too_long"),
        (lambda ls: [ls[0], "0500000000" + ls[1][12:], *ls[2:]], 2, "bgmax_invalid_number"),
        (lambda ls: [ls[0], ls[1], ls[3], *ls[4:]], 3, "bgmax_unexpected_record"),  # TK26 first
    ],
)
def test_records_out_of_place_are_rejected(
    edit: Callable[[list[str]], list[str]], line: int, code: str
) -> None:
    with pytest.raises(MalformedBgMax) as caught:
        _parse(edit(_lines()))
    assert (caught.value.line, caught.value.code) == (line, code)


def test_an_empty_file_is_rejected() -> None:
    with pytest.raises(MalformedBgMax) as caught:
        parse_bgmax(b"\r\n")
    assert (caught.value.line, caught.value.code) == (1, "bgmax_empty")


def test_trailing_blanks_may_be_trimmed_and_latin_1_is_read() -> None:
    lines = [line.rstrip() for line in _lines()]
    lines[3] = lines[3].replace("Kund Ett", "Åsa Öberg")
    parsed = parse_bgmax("\r\n".join(lines).encode("latin-1"))
    assert parsed.payments[0].payer == "Åsa Öberg"


def test_a_test_file_is_marked() -> None:
    assert parse_bgmax(fixture("test_mark.bgmax")).test is True


@pytest.mark.parametrize(
    ("digits", "bankgiro"), [("0050501055", "5050-1055"), ("0009912346", "991-2346")]
)
def test_bankgiro_numbers_are_written_with_a_dash(digits: str, bankgiro: str) -> None:
    assert format_bankgiro(digits) == bankgiro


def bgmax_file(
    payments: list[tuple[str, str, str]], *, payer: str | None = None, newline: str = "\r\n"
) -> bytes:
    """A correct BgMax file paying bankgiro 5050-1055 on 5 May 2025: one TK20 per
    ``(reference, kronor, bank serial)``, the first with a TK26 payer name if given."""
    lines = [f"{'01BGMAX':<22}0120250505061500123456P", "050050501055          SEK"]
    total = 0
    for number, (reference, kronor, serial) in enumerate(payments):
        ore = int(Decimal(kronor) * 100)
        total += ore
        lines.append(f"20{0:010d}{reference:<25}{ore:018d}21{serial:<12}0")
        if payer is not None and number == 0:
            lines.append(f"26{payer}")
    lines.append(f"15{0:035d}20250505{1:05d}{total:018d}SEK{len(payments):08d}")
    lines.append(f"70{len(payments):08d}{0:08d}{0:08d}{1:08d}")
    return newline.join(line.ljust(80) for line in lines).encode("latin-1")


def test_the_file_builder_writes_what_the_parser_reads() -> None:
    parsed = parse_bgmax(bgmax_file([("0000000109", "797.00", "250505000101")]))
    (payment,) = parsed.payments
    assert (payment.reference, payment.amount, payment.bank_serial) == (
        "0000000109",
        Decimal("797.00"),
        "250505000101",
    )


@pytest.mark.parametrize("separator", ["\x85", "\x1c", "\x1d", "\x1e", "\x0b", "\x0c"])
def test_only_cr_lf_and_lf_end_a_record(separator: str) -> None:
    """Characters str.splitlines() also breaks on stay inside the record (here a payer's name)."""
    data = bgmax_file([("0000000109", "797.00", "250505000101")], payer=f"Kund{separator}Ett")
    (payment,) = parse_bgmax(data).payments
    assert payment.payer == "Kund Ett"  # a name's whitespace, as any other, is one space
    lf_only = bgmax_file([("0000000109", "797.00", "250505000101")], newline="\n")
    assert len(parse_bgmax(lf_only).payments) == 1


def test_a_payment_twice_in_one_file_is_refused_with_its_line() -> None:
    data = bgmax_file(
        [
            ("0000000109", "797.00", "250505000101"),
            ("0000000208", "200.00", "250505000102"),
            ("0000000307", "300.00", "250505000101"),  # the first payment's serial again
        ]
    )
    with pytest.raises(MalformedBgMax) as caught:
        parse_bgmax(data)
    assert (caught.value.line, caught.value.code) == (5, "bgmax_duplicate_payment")
    assert "line 3" in caught.value.detail
    # Payments without a serial (zeros or blank) are not the same payment.
    zeros = [("0000000109", "797.00", "000000000000"), ("0000000208", "200.00", "000000000000")]
    assert len(parse_bgmax(bgmax_file(zeros)).payments) == 2

"""Bankgirot's BgMax payment file ("Bankgiro Inbetalningar"), read into plain values: no I/O.

Every record is one line of 80 characters; the first two give its type (TK, "transaktionskod"):

- TK01 start of file: layout name ``BGMAX``, version, timestamp, ``P`` (production) or ``T`` (test)
- TK05 opening of a deposit: the **receiving** bankgiro (10 digits) and the currency
- TK20 payment, TK21 deduction (a payer's credit subtracted from the deposit): the sender's
  bankgiro, the reference (25 characters), the amount in öre (18 digits), the reference code,
  the payment channel, Bankgirot's serial number
- TK22/TK23 an extra reference (positive/negative) of the payment before it
- TK25 information text; TK26 name, TK27-28 address, TK29 organisation number of the payer
- TK15 deposit closing: the booking date (YYYYMMDD), the deposit's amount in öre and count
- TK70 end of file: the counts of TK20, TK21, TK22+TK23 and TK15 records

The totals are checked: a deposit's amount is its payments less its deductions, and its count
the number of TK20 and TK21 records; the end record's counts are the file's. Any fault rejects
the whole file with the line number and a stable error code (``MalformedBgMax``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from elkund.core.errors import Invalid

RECORD_LENGTH = 80
ORE = Decimal("0.01")
# The shortest a record may be: up to the end of its last field that is never blank. Banks'
# software often trims trailing blanks, so the optional fields after it may be missing.
MIN_LENGTH = {
    "01": 45,
    "05": 25,
    "20": 70,
    "21": 71,
    "22": 70,
    "23": 70,
    "25": 2,
    "26": 2,
    "27": 2,
    "28": 2,
    "29": 14,
    "15": 79,
    "70": 34,
}
PAYER_RECORDS = {"25", "26", "27", "28", "29"}
_LINE_END = re.compile(r"\r?\n")


class MalformedBgMax(Invalid):
    """The file breaks the BgMax layout; nothing of it is booked."""

    code = "bgmax_malformed"

    def __init__(self, line: int, reason: str, *, code: str) -> None:
        super().__init__(f"line {line}: {reason}", code=code)
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class ExtraReference:
    """A further reference the payer gave (TK22 positive, TK23 negative amount)."""

    line: int
    reference: str
    amount: Decimal


@dataclass
class BgMaxPayment:
    """A TK20 payment or TK21 deduction (then ``amount`` is negative), in kronor."""

    line: int
    record: str  # "20" | "21"
    sender_bankgiro: str | None
    reference: str
    reference_code: str
    amount: Decimal
    channel: str
    bank_serial: str
    payer: str | None = None
    extra_references: list[ExtraReference] = field(default_factory=list)
    paid_on: date | None = None  # from the deposit's TK15


@dataclass
class Deposit:
    """One TK05…TK15 section: payments to one receiving bankgiro, booked on one day."""

    line: int
    bankgiro: str  # NNN-NNNN or NNNN-NNNN
    currency: str
    payments: list[BgMaxPayment] = field(default_factory=list)
    paid_on: date | None = None
    total: Decimal = Decimal("0.00")
    serial: str = ""


@dataclass
class BgMaxFile:
    timestamp: str
    test: bool
    deposits: list[Deposit] = field(default_factory=list)

    @property
    def payments(self) -> list[BgMaxPayment]:
        return [payment for deposit in self.deposits for payment in deposit.payments]


def format_bankgiro(digits: str) -> str:
    """``0050501055`` → ``5050-1055`` (the last four digits after the dash)."""
    number = digits.lstrip("0")
    return f"{number[:-4]}-{number[-4:]}"


def _bankgiro_or_none(digits: str) -> str | None:
    """The payer's bankgiro; zeros (a payment from a bank account) give none."""
    return format_bankgiro(digits) if 7 <= len(digits.lstrip("0")) <= 8 else None


def decode(data: bytes) -> str:
    """Bankgirot writes ISO 8859-1; a hand-made UTF-8 file is accepted too."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def parse_bgmax(data: bytes) -> BgMaxFile:
    """The file's deposits and payments; ``MalformedBgMax`` on the first fault found."""
    # Only LF or CR LF ends a record: str.splitlines() would also break on U+0085 and
    # \x1c-\x1e, which a Latin-1 name may hold, and shift every line number after it.
    lines = _LINE_END.split(decode(data))
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise MalformedBgMax(1, "the file is empty", code="bgmax_empty")
    reader = _Reader()
    for number, text in enumerate(lines, start=1):
        reader.read(_record(number, text))
    return reader.finish(len(lines))


@dataclass(frozen=True)
class _Record:
    line: int
    type: str
    text: str  # padded to 80 characters

    def field(self, start: int, end: int) -> str:
        """Positions as the manual numbers them: 1-based, both ends included."""
        return self.text[start - 1 : end]

    def fail(self, reason: str, code: str) -> MalformedBgMax:
        return MalformedBgMax(self.line, reason, code=code)

    def digits(self, start: int, end: int, what: str, code: str = "bgmax_invalid_number") -> str:
        value = self.field(start, end)
        if not (value.isascii() and value.isdigit()):
            raise self.fail(f"{what} (positions {start}-{end}) is not digits: {value!r}", code)
        return value

    def amount(self, start: int, end: int) -> Decimal:
        ore = self.digits(start, end, "the amount", "bgmax_invalid_amount")
        return (Decimal(int(ore)) * ORE).quantize(ORE)

    def day(self, start: int, end: int) -> date:
        text = self.digits(start, end, "the date", "bgmax_invalid_date")
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise self.fail(f"{text!r} is not a date YYYYMMDD", "bgmax_invalid_date") from None


def _record(number: int, text: str) -> _Record:
    kind = text[:2]
    if kind not in MIN_LENGTH:
        raise MalformedBgMax(number, f"unknown record type {kind!r}", code="bgmax_bad_record_type")
    if len(text) > RECORD_LENGTH:
        raise MalformedBgMax(
            number, f"{len(text)} characters, a record has 80", code="bgmax_line_too_long"
        )
    if len(text) < MIN_LENGTH[kind]:
        raise MalformedBgMax(
            number,
            f"TK{kind} cut short: {len(text)} characters, at least {MIN_LENGTH[kind]} needed",
            code="bgmax_truncated_line",
        )
    return _Record(number, kind, text.ljust(RECORD_LENGTH))


class _Reader:
    """Reads the records in order, checking that each may follow the one before it."""

    def __init__(self) -> None:
        self.file: BgMaxFile | None = None
        self.deposit: Deposit | None = None
        self.counts = {"20": 0, "21": 0, "22": 0, "15": 0}
        self.serials: dict[tuple[str, str], int] = {}  # (receiving bankgiro, serial) → line
        self.ended = False

    def read(self, record: _Record) -> None:
        if self.ended:
            raise record.fail("a record after the end record TK70", "bgmax_unexpected_record")
        if self.file is None and record.type != "01":
            raise record.fail("the file must start with TK01", "bgmax_unexpected_record")
        handler = getattr(self, f"_tk{record.type}")
        handler(record)

    def finish(self, last_line: int) -> BgMaxFile:
        if not self.ended or self.file is None:
            raise MalformedBgMax(last_line, "no end record TK70", code="bgmax_missing_end")
        return self.file

    def _open(self, record: _Record) -> Deposit:
        if self.deposit is None:
            raise record.fail(
                f"TK{record.type} outside a deposit (TK05…TK15)", "bgmax_unexpected_record"
            )
        return self.deposit

    def _last_payment(self, record: _Record) -> BgMaxPayment:
        deposit = self._open(record)
        if not deposit.payments:
            raise record.fail(f"TK{record.type} before any payment", "bgmax_unexpected_record")
        return deposit.payments[-1]

    def _tk01(self, record: _Record) -> None:
        if self.file is not None:
            raise record.fail("a second start record TK01", "bgmax_unexpected_record")
        layout, version = record.field(3, 22).strip(), record.field(23, 24)
        if layout != "BGMAX" or version != "01":
            raise record.fail(
                f"layout {layout!r} version {version!r}, not BGMAX 01", "bgmax_bad_header"
            )
        timestamp = record.digits(25, 44, "the timestamp")
        mark = record.field(45, 45)
        if mark not in ("P", "T"):
            raise record.fail(f"test mark {mark!r} is neither P nor T", "bgmax_bad_header")
        self.file = BgMaxFile(timestamp=timestamp, test=mark == "T")

    def _tk05(self, record: _Record) -> None:
        if self.deposit is not None:
            raise record.fail("TK05 inside an open deposit (no TK15)", "bgmax_unexpected_record")
        digits = record.digits(3, 12, "the receiving bankgiro")
        if not 7 <= len(digits.lstrip("0")) <= 8:
            raise record.fail(f"{digits} is not a bankgiro number", "bgmax_invalid_number")
        currency = record.field(23, 25)
        if currency != "SEK":
            raise record.fail(f"currency {currency!r}; only SEK is accepted", "bgmax_currency")
        self.deposit = Deposit(
            line=record.line, bankgiro=format_bankgiro(digits), currency=currency
        )

    def _tk20(self, record: _Record) -> None:
        deposit = self._open(record)
        sender = record.digits(3, 12, "the sender's bankgiro")
        amount = record.amount(38, 55)
        serial = record.field(58, 69).strip()
        self._check_serial(record, deposit, serial)
        deposit.payments.append(
            BgMaxPayment(
                line=record.line,
                record=record.type,
                sender_bankgiro=_bankgiro_or_none(sender),
                reference=record.field(13, 37).strip(),
                reference_code=record.field(56, 56),
                amount=-amount if record.type == "21" else amount,
                channel=record.field(57, 57),
                bank_serial=serial,
            )
        )
        self.counts[record.type] += 1

    _tk21 = _tk20

    def _check_serial(self, record: _Record, deposit: Deposit, serial: str) -> None:
        """Bankgirot numbers each payment once: a serial twice in a file is one payment twice."""
        if not serial.strip("0"):
            return  # no serial given
        earlier = self.serials.setdefault((deposit.bankgiro, serial), record.line)
        if earlier != record.line:
            raise record.fail(
                f"Bankgirot's payment {serial} is in the file twice (line {earlier} too)",
                "bgmax_duplicate_payment",
            )

    def _tk22(self, record: _Record) -> None:
        payment = self._last_payment(record)
        amount = record.amount(38, 55)
        reference = record.field(13, 37).strip()
        signed = -amount if record.type == "23" else amount
        payment.extra_references.append(ExtraReference(record.line, reference, signed))
        self.counts["22"] += 1

    _tk23 = _tk22

    def _tk25(self, record: _Record) -> None:
        self._last_payment(record)  # information text: only where it may stand

    _tk27 = _tk28 = _tk29 = _tk25

    def _tk26(self, record: _Record) -> None:
        payment = self._last_payment(record)
        payment.payer = " ".join(record.field(3, 72).split()) or None

    def _tk15(self, record: _Record) -> None:
        deposit = self._open(record)
        deposit.paid_on = record.day(38, 45)
        deposit.serial = record.field(46, 50)
        deposit.total = record.amount(51, 68)
        currency = record.field(69, 71)
        if currency != deposit.currency:
            raise record.fail(
                f"currency {currency!r}, the deposit's is {deposit.currency!r}", "bgmax_currency"
            )
        count = int(record.digits(72, 79, "the number of payments"))
        if count != len(deposit.payments):
            raise record.fail(
                f"the deposit counts {count} payments, it holds {len(deposit.payments)}",
                "bgmax_count_mismatch",
            )
        summed = sum((payment.amount for payment in deposit.payments), Decimal("0.00"))
        if summed != deposit.total:
            raise record.fail(
                f"the deposit's amount is {deposit.total}, its payments add up to {summed}",
                "bgmax_total_mismatch",
            )
        for payment in deposit.payments:
            payment.paid_on = deposit.paid_on
        assert self.file is not None  # TK01 was read first
        self.file.deposits.append(deposit)
        self.deposit = None
        self.counts["15"] += 1

    def _tk70(self, record: _Record) -> None:
        if self.deposit is not None:
            raise record.fail(
                "the end record TK70 inside an open deposit", "bgmax_unexpected_record"
            )
        fields = {"20": (3, 10), "21": (11, 18), "22": (19, 26), "15": (27, 34)}
        names = {"20": "payment", "21": "deduction", "22": "extra reference", "15": "deposit"}
        for kind, (start, end) in fields.items():
            stated = int(record.digits(start, end, f"the number of {names[kind]} records"))
            if stated != self.counts[kind]:
                raise record.fail(
                    f"the end record counts {stated} {names[kind]} records, the file holds"
                    f" {self.counts[kind]}",
                    "bgmax_count_mismatch",
                )
        self.ended = True

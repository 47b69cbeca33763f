"""The dunning letters' content: the reminder, Bilaga 1 to the consumer, Bilaga 2 to the social
welfare committee (SUP-27, 27 § SFS 2023:242), and where each committee is.

The texts of Bilaga 1 and the four labels of Bilaga 2 are the ordinance's own words: they are
constants here, copied from the seed, and the tests read the rendered PDFs back and compare them
with the seed. Only facts are added after them (invoice, amount, how to pay), never other words
in their place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path

from elkund.core.errors import AppError
from elkund.portal.components.formatting import format_date, format_sek
from elkund.supply.document import SupplierInfo
from elkund.supply.letters import Letter, LetterField, LetterParty

BILAGA_1_TITLE = "Underrättelse till en konsument vid bristande betalning för el"
BILAGA_1_PARAGRAPHS = (
    "Eftersom du inte har betalat avgiften för levererad el i tid kan överföringen av din el "
    "komma att stängas av. Enligt bestämmelser i ellagen kan du hindra avstängningen genom att "
    "betala skulden inom tre veckor från det att du har fått del av detta meddelande.",
    "Socialnämnden i din kommun kommer att få ett meddelande om den uteblivna betalningen.",
)
BILAGA_2_TITLE = (
    "Meddelande till socialnämnden om en konsument som riskerar att få överföringen av el avbruten"
)
BILAGA_2_LABELS = (
    "Elleverantörens namn, postadress och telefonnummer:",
    "Konsumentens namn och postadress:",
    "Belopp, med angivande av förfallodag, som konsumenten ska betala för att förhindra att "
    "överföringen av el avbryts:",
    "Elleverantörens postgiro- eller bankgirokonto eller annan anvisning om sättet för betalning:",
)


class SocialCommitteeMissing(AppError):
    """No postal address is configured for the consumer's municipality's social committee."""

    code = "social_committee_missing"
    status = 422


class SocialCommitteesMalformed(AppError):
    """A row of the socialnämnder file lacks a field: the invoices that need the file are
    refused one by one (the run goes on), with the line to fix."""

    code = "social_committees_malformed"
    status = 422


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    postal_code: str
    city: str

    def lines(self) -> tuple[str, str]:
        return self.street, f"{postal_code(self.postal_code)} {self.city}"

    def one_line(self) -> str:
        return ", ".join(self.lines())


@dataclass(frozen=True, slots=True)
class DunningFacts:
    """What every letter about one overdue invoice says."""

    supplier: SupplierInfo
    customer_name: str
    customer_address: Address
    invoice_number: str
    ocr: str
    due_date: date
    owed: Decimal  # what is still open on the invoice
    sent_on: date
    # The last day the letter asks the customer to pay by: the reminder's own day, or for the
    # notices the end of the three weeks from receipt (after it, disconnection may follow).
    pay_by: date


@dataclass(frozen=True, slots=True)
class ReminderCharges:
    fee: Decimal
    interest: Decimal
    annual_rate: Decimal  # percent: the reference rate + the margin


def reminder_letter(facts: DunningFacts, charges: ReminderCharges) -> Letter:
    """A reminder (påminnelse): the open amount, the fee and the interest so far."""
    total = facts.owed + charges.fee + charges.interest
    rate = f"{charges.annual_rate.normalize():f}".replace(".", ",")
    return Letter(
        sender=_supplier_party(facts.supplier),
        recipient=_customer_party(facts),
        sent_on=facts.sent_on,
        title="Påminnelse om obetald faktura",
        reference=f"Faktura {facts.invoice_number}",
        paragraphs=(
            f"Vi har inte fått betalt för faktura {facts.invoice_number}, som förföll till "
            f"betalning {_day(facts.due_date)}. Betala beloppet nedan senast "
            f"{_day(facts.pay_by)}. Har du redan betalat kan du bortse från påminnelsen.",
        ),
        fields=(
            LetterField("Obetalt belopp:", _sek(facts.owed)),
            LetterField("Påminnelseavgift:", _sek(charges.fee)),
            LetterField(
                f"Dröjsmålsränta ({rate} % per år) till och med {_day(facts.sent_on)}:",
                _sek(charges.interest),
            ),
            LetterField("Att betala:", _sek(total)),
            LetterField("Betala senast:", _day(facts.pay_by)),
            *_payment_fields(facts),
        ),
        closing=(
            "Räntan löper till dess att fakturan är betald. Tycker du att fakturan är fel? "
            f"Kontakta kundservice, {facts.supplier.customer_service_phone} eller "
            f"{facts.supplier.customer_service_email}, så pausar vi påminnelserna medan vi "
            "utreder saken.",
        ),
    )


def consumer_notice(facts: DunningFacts) -> Letter:
    """Bilaga 1, word for word, followed by the facts the consumer needs to pay: first of them
    the last day to pay to prevent the disconnection (the prescribed text is never altered)."""
    return Letter(
        sender=_supplier_party(facts.supplier),
        recipient=_customer_party(facts),
        sent_on=facts.sent_on,
        title=BILAGA_1_TITLE,
        reference=f"Faktura {facts.invoice_number}",
        paragraphs=BILAGA_1_PARAGRAPHS,
        fields=(
            LetterField("Skuld:", _sek(facts.owed)),
            LetterField("Betala senast för att förhindra avstängning:", _day(facts.pay_by)),
            LetterField("Fakturans förfallodag:", _day(facts.due_date)),
            *_payment_fields(facts),
        ),
        closing=(
            f"Frågor? Kontakta kundservice, {facts.supplier.customer_service_phone} eller "
            f"{facts.supplier.customer_service_email}.",
        ),
    )


def social_notice(facts: DunningFacts, committee: LetterParty) -> Letter:
    """Bilaga 2: exactly its four numbered fields, filled in. Field 3's "förfallodag" is the
    last day the consumer can pay to prevent the disconnection, not the invoice's own (passed)
    due date, which follows for reference."""
    supplier = facts.supplier
    values = (
        f"{supplier.name}, {_supplier_address(supplier).one_line()}, "
        f"telefon {supplier.customer_service_phone}",
        f"{facts.customer_name}, {facts.customer_address.one_line()}",
        f"{_sek(facts.owed)}, senast {_day(facts.pay_by)} "
        f"(faktura {facts.invoice_number}, förföll {_day(facts.due_date)})",
        f"Bankgiro {supplier.bankgiro}, OCR-nummer {facts.ocr}",
    )
    return Letter(
        sender=_supplier_party(supplier),
        recipient=committee,
        sent_on=facts.sent_on,
        title=BILAGA_2_TITLE,
        fields=tuple(
            LetterField(label, value) for label, value in zip(BILAGA_2_LABELS, values, strict=True)
        ),
        numbered_fields=True,
    )


def committee_for(municipality_code: str, directory: Path | None = None) -> LetterParty:
    """The social welfare committee of a municipality, from the configured directory."""
    found = social_committees(directory).get(municipality_code)
    if found is None:
        raise SocialCommitteeMissing(
            f"No social committee address is configured for municipality {municipality_code}; "
            "add it to the socialnämnder file (ELKUND_DUNNING_SOCIAL_COMMITTEES)."
        )
    return found


COMMITTEE_COLUMNS = ("municipality_code", "name", "street", "postal_code", "city")


@cache
def social_committees(directory: Path | None = None) -> dict[str, LetterParty]:
    """Municipality code → committee; ``#`` lines are comments. Default: the demo's file.
    A row missing a field is ``SocialCommitteesMalformed`` with its line number."""
    if directory is None:
        text = files("elkund.supply").joinpath("data/socialnamnder.csv").read_text("utf-8")
    else:
        text = directory.read_text(encoding="utf-8")
    lines = [
        (number, next(csv.reader([line])))
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]
    header = lines[0][1] if lines else []
    committees = {}
    for number, cells in lines[1:]:
        row = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        values = [row.get(column, "") for column in COMMITTEE_COLUMNS]
        if len(cells) != len(header) or not all(values):
            raise SocialCommitteesMalformed(
                f"Line {number} of the socialnämnder file must give each of "
                f"{', '.join(COMMITTEE_COLUMNS)}, and nothing more."
            )
        code, name, street, postal, city = values
        committees[code] = LetterParty(name, Address(street, postal, city).lines())
    return committees


def postal_code(code: str) -> str:
    """``90326`` → ``903 26``, as Swedish addresses are written."""
    return f"{code[:3]} {code[3:]}" if len(code) == 5 and code.isdigit() else code


def _payment_fields(facts: DunningFacts) -> tuple[LetterField, ...]:
    return (
        LetterField("Bankgiro:", facts.supplier.bankgiro),
        LetterField("OCR-nummer:", facts.ocr),
    )


def _supplier_address(supplier: SupplierInfo) -> Address:
    address = supplier.address
    return Address(address.street, address.postal_code, address.city)


def _supplier_party(supplier: SupplierInfo) -> LetterParty:
    return LetterParty(
        supplier.name,
        _supplier_address(supplier).lines(),
        (
            f"Telefon {supplier.customer_service_phone}",
            supplier.customer_service_email,
            f"Org.nr {supplier.org_number}",
        ),
    )


def _customer_party(facts: DunningFacts) -> LetterParty:
    return LetterParty(facts.customer_name, facts.customer_address.lines())


def _sek(amount: Decimal) -> str:
    return format_sek(amount, "sv")


def _day(day: date) -> str:
    return format_date(day, "sv")

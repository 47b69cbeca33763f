"""SUP-27: the rendered notices read back from their PDFs are the ordinance's Bilaga 1 and Bilaga 2
word for word; the expected text is parsed from the seed (SFS 2023:242), not copied here."""

from __future__ import annotations

import io
import os
import re
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest
from pypdf import PdfReader

from elkund.supply.document import Address as SupplierAddress
from elkund.supply.document import SupplierInfo
from elkund.supply.dunning_letters import (
    Address,
    DunningFacts,
    ReminderCharges,
    SocialCommitteeMissing,
    SocialCommitteesMalformed,
    committee_for,
    consumer_notice,
    reminder_letter,
    social_committees,
    social_notice,
)
from elkund.supply.letters import letter_pdf

# The seed lives in shared/ beside the repository (as in CI); ELKUND_SEEDS_DIR overrides.
SEED = (
    Path(
        os.environ.get("ELKUND_SEEDS_DIR", Path(__file__).resolve().parents[3] / "shared" / "seeds")
    )
    / "sfs-2023-242-leverans-av-el.txt"
)

FACTS = DunningFacts(
    supplier=SupplierInfo(
        name="Norrsken Energi AB",
        org_number="556677-8899",
        vat_number="SE556677889901",
        f_skatt=True,
        address=SupplierAddress("Storgatan 12", "90326", "Umeå"),
        customer_service_phone="090-10 20 30",
        customer_service_email="kundservice@norrsken.example",
        website="https://norrsken.example",
        bankgiro="5050-1055",
    ),
    customer_name="Anna Andersson",
    customer_address=Address("Sjögatan 3", "90422", "Umeå"),
    invoice_number="2026-000123",
    ocr="123456789012",
    due_date=date(2026, 11, 2),
    owed=Decimal("1234.00"),
    sent_on=date(2026, 12, 5),
    pay_by=date(2026, 12, 31),  # the last day of the three weeks from receipt
)


def words(text: str) -> str:
    """Whitespace (line breaks, no-break spaces) made single spaces: PDFs wrap lines."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


@cache
def seed_appendix(number: int) -> list[str]:
    """The non-empty lines of Bilaga ``number`` in the seed: the title, then its text."""
    if not SEED.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"The seed {SEED} is required under CI=true.")
        pytest.skip(f"The seed {SEED} is not beside the repository.")
    text = SEED.read_text(encoding="utf-8")
    start = text.index(f"\nBilaga {number}\n") + len(f"\nBilaga {number}\n")
    ends = [text.find(marker, start) for marker in ("\nBilaga ", "\nÄndringar")]
    end = min(position for position in ends if position != -1)
    return [line.strip() for line in text[start:end].splitlines() if line.strip()]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_seed_holds_both_appendices() -> None:
    assert seed_appendix(1)[0].startswith("Underrättelse till en konsument")
    assert len(seed_appendix(1)) == 3
    assert seed_appendix(2)[0].startswith("Meddelande till socialnämnden")
    assert [line[:2] for line in seed_appendix(2)[1:]] == ["1.", "2.", "3.", "4."]


def test_sup_27_the_consumer_notice_pdf_is_bilaga_1_word_for_word() -> None:
    text = words(pdf_text(letter_pdf(consumer_notice(FACTS))))
    title, *paragraphs = seed_appendix(1)
    # The title, then each paragraph, in the seed's order and words, nothing in between.
    expected = words(" ".join([title, *paragraphs]))
    assert expected in text
    assert text.index(words(title)) < text.index(words(paragraphs[0]))
    # Facts follow the prescribed text, after it: first the last day to pay to prevent it.
    end_of_text = text.index(words(paragraphs[-1])) + len(words(paragraphs[-1]))
    facts = text[end_of_text:]
    assert "Skuld: 1 234,00 kr" in facts
    assert "Betala senast för att förhindra avstängning: 31 december 2026" in facts
    assert "Fakturans förfallodag: 2 november 2026" in facts


def test_sup_27_the_committee_notice_pdf_has_exactly_the_four_fields_of_bilaga_2() -> None:
    committee = committee_for("2480")
    raw = pdf_text(letter_pdf(social_notice(FACTS, committee)))
    text = words(raw)
    title, *fields = seed_appendix(2)
    assert words(title) in text
    positions = [text.index(words(field)) for field in fields]  # "1. Elleverantörens namn, …:"
    assert positions == sorted(positions)
    assert re.findall(r"(?m)^\s*(\d)\.\s", raw) == ["1", "2", "3", "4"]
    values = [
        "Norrsken Energi AB, Storgatan 12, 903 26 Umeå, telefon 090-10 20 30",
        "Anna Andersson, Sjögatan 3, 904 22 Umeå",
        # The last day to pay to prevent the disconnection, not the invoice's passed due date.
        "1 234,00 kr, senast 31 december 2026 (faktura 2026-000123, förföll 2 november 2026)",
        "Bankgiro 5050-1055, OCR-nummer 123456789012",
    ]
    for field, value in zip(fields, values, strict=True):
        assert f"{words(field)} {value}" in text
    assert "Socialnämnden i Umeå kommun" in text


def test_the_demo_file_has_every_demo_municipality_and_says_it_is_for_demonstration() -> None:
    from elkund.demo.people import COTTAGE_PLACES, TOWNS

    committees = social_committees(None)
    assert {place.municipality_code for place in TOWNS + COTTAGE_PLACES} <= set(committees)
    text = files("elkund.supply").joinpath("data/socialnamnder.csv").read_text("utf-8")
    assert "DEMONSTRATION ADDRESSES ONLY" in text.split("municipality_code,")[0]


def test_a_municipality_without_an_address_is_a_clear_error() -> None:
    with pytest.raises(SocialCommitteeMissing, match="0114"):
        committee_for("0114")


def test_sup_27_the_reminder_pdf_gives_the_fee_the_interest_and_the_amount_to_pay() -> None:
    charges = ReminderCharges(
        fee=Decimal("60.00"), interest=Decimal("11.83"), annual_rate=Decimal("10.5")
    )
    text = words(pdf_text(letter_pdf(reminder_letter(FACTS, charges))))
    assert "Påminnelse om obetald faktura" in text
    assert "Obetalt belopp: 1 234,00 kr" in text
    assert "Påminnelseavgift: 60,00 kr" in text
    assert "Dröjsmålsränta (10,5 % per år) till och med 5 december 2026: 11,83 kr" in text
    assert "Att betala: 1 305,83 kr" in text
    assert "Betala senast: 31 december 2026" in text
    assert "OCR-nummer: 123456789012" in text


@pytest.mark.parametrize(
    "row",
    [
        "2480,Socialnämnden i Umeå kommun,Box 1,90178",  # the city missing
        "2480,Socialnämnden i Umeå kommun,,90178,Umeå",  # the street empty
        "2480,Socialnämnden i Umeå kommun,Box 1,90178,Umeå,extra",  # one field too many
    ],
)
def test_a_malformed_committee_row_is_an_app_error_with_its_line(tmp_path: Path, row: str) -> None:
    directory = tmp_path / "socialnamnder.csv"
    directory.write_text(
        f"# operator's file\nmunicipality_code,name,street,postal_code,city\n{row}\n",
        encoding="utf-8",
    )
    with pytest.raises(SocialCommitteesMalformed, match="Line 3 ") as caught:
        committee_for("2480", directory)
    assert caught.value.code == "social_committees_malformed"

"""Letters to customers, to the grid company and to authorities, as HTML and as A4 PDF.

Every letter the supplier side sends (reminders, the non-payment notices of Bilaga 1 and 2,
contract and assignment notices) is a ``Letter``: who sends it, to whom, a title, paragraphs of
text and, where a form prescribes them, labelled fields. One template and the invoices'
stylesheet render them all, so a letter looks like the invoice it is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from elkund.supply.pdf import TEMPLATES, environment


@dataclass(frozen=True, slots=True)
class LetterParty:
    name: str
    address: tuple[str, ...]  # street, "903 26 Umeå", …
    contact: tuple[str, ...] = ()  # phone, e-mail, organisationsnummer: shown under the sender


@dataclass(frozen=True, slots=True)
class LetterField:
    """A labelled entry of a prescribed form, e.g. one of Bilaga 2's four numbered fields."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Letter:
    sender: LetterParty
    recipient: LetterParty
    sent_on: date
    title: str
    paragraphs: tuple[str, ...] = ()
    fields: tuple[LetterField, ...] = ()
    numbered_fields: bool = False  # Bilaga 2 numbers its fields 1–4
    reference: str | None = None  # e.g. "Faktura 2026-000123"
    closing: tuple[str, ...] = ()  # paragraphs after the fields


def letter_html(letter: Letter) -> str:
    return (
        environment()
        .get_template("letter.html")
        .render(letter=letter, css=(TEMPLATES / "invoice.css").read_text(encoding="utf-8"))
    )


def letter_pdf(letter: Letter) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    pdf: bytes = HTML(string=letter_html(letter)).write_pdf()
    return pdf

"""The invoice PDF carries every item SFS 2023:242 §§ 9–10 and § 16 ask for (SUP-9, SUP-10, SUP-16).

The text is extracted from the generated PDF (pypdf), so what is checked is what a customer can
read, not the HTML that produced it.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from functools import cache

import pytest
from pypdf import PdfReader

from elkund.supply.document import DocumentKind
from elkund.supply.pdf import invoice_html, invoice_pdf
from tests.supply.documents import CONTRACT, invoice


@cache
def text_of_default_pdf() -> str:
    return pdf_text(invoice_pdf(invoice()))


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)  # line breaks fall anywhere in running text
    return text.replace(":// ", "://")  # a web address may break after its scheme


def test_the_pdf_is_an_a4_pdf() -> None:
    pdf = invoice_pdf(invoice())
    assert pdf.startswith(b"%PDF-")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in page.mediabox.upper_right)
    assert (round(width_mm), round(height_mm)) == (210, 297)


# Each SUP-9 item and what the customer reads for it (with the test document's data).
SUP_9 = {
    1: ["Norrsken Energi AB", "Kundtjänst: 090-123 45 00", "kundtjanst@norrsken.example"],
    2: ["Faktureringsperiod", "1 mars 2025 – 31 mars 2025", "812,345 kWh", "Summa exkl. moms"],
    3: ["Övriga tjänster: inga under faktureringsperioden"],
    4: ["Förfallodag", "30 april 2025"],
    5: ["Anläggnings-ID", "735999123456789012"],
    6: ["Timpris kvart (dynamiskt elpris)", "tills vidare", "norrsken.example/villkor/timpris"],
    8: ["Uppsägning av avtalet", "Uppsägningen är avgiftsfri."],
    9: ["Byta elleverantör", "Att byta kostar ingenting"],
    10: ["Jämför elpriser", "www.elpriskollen.se"],
    11: ["Elens ursprung 2024", "Vattenkraft 40,00 %", "koldioxid 209,64 g/kWh"],
    12: ["Våra övriga tjänster"],
    13: ["Ersättning och återbetalning"],
    14: ["Klagomål", "Lämna klagomål till kundtjänst"],
    15: ["Dina rättigheter som konsument", "www.energimarknadsbyran.se"],
    16: ["Tvistlösning", "Allmänna reklamationsnämnden (ARN)", "www.arn.se"],
}


@pytest.mark.parametrize("item", sorted(SUP_9))
def test_sup_9_item_is_on_the_invoice(item: int) -> None:
    """SUP-9 (1)–(16), one test per item (7 has its own: it applies to anvisat avtal only)."""
    text = text_of_default_pdf()
    for expected in SUP_9[item]:
        assert expected in text, f"SUP-9 ({item}): {expected!r} missing"


def test_sup_9_item_7_explains_an_anvisat_avtal_only_when_it_is_one() -> None:
    assert "Anvisat avtal" not in text_of_default_pdf()
    default = invoice(contract=replace(CONTRACT, is_default_contract=True))
    text = pdf_text(invoice_pdf(default))
    assert "Anvisat avtal" in text
    assert "elnätsföretaget har anvisat oss" in text


def test_sup_9_items_8_to_16_may_point_to_named_web_pages_but_not_item_11() -> None:
    pointers = tuple((n, f"https://norrsken.example/info/{n}") for n in (8, 9, 10, 12, 13, 14))
    text = pdf_text(invoice_pdf(invoice(pointers=((11, "https://x.example"), *pointers))))
    for _, url in pointers:
        assert f"Läs om detta på vår webbplats: {url}" in text
    assert "Allmänna reklamationsnämnden" in text  # 16 had no pointer: printed in full
    assert "Vattenkraft 40,00 %" in text  # 11 stays on the invoice whatever is configured
    assert "https://x.example" not in text


SUP_10 = {
    1: ["Din förbrukning", "jämfört med samma period förra året"],
    2: ["energi- och klimatrådgivning i Umeå", "hitta-energiradgivare"],
    3: ["normalförbrukare", "Villa utan elvärme (5 000 kWh/år)", "480,000 kWh"],
}


@pytest.mark.parametrize("item", sorted(SUP_10))
def test_sup_10_item_is_on_an_invoice_based_on_actual_consumption(item: int) -> None:
    """SUP-10 (1)–(3)."""
    text = text_of_default_pdf().replace("Oberoende energi", "oberoende energi")
    html = invoice_html(invoice())
    if item == 1:  # the comparison is a chart: its accessible title is in the SVG
        assert "Din elförbrukning jämfört med samma period förra året" in html
        assert html.count("<rect") > 31 * 2
    for expected in SUP_10[item]:
        assert expected in text or expected in html, f"SUP-10 ({item}): {expected!r} missing"


def test_an_estimated_invoice_has_no_sup_10_section() -> None:
    text = pdf_text(invoice_pdf(invoice(based_on_actual=False)))
    assert "Din förbrukning" not in text
    assert "uppskattad förbrukning" in text


def test_a_credit_note_says_what_it_credits_and_what_comes_back() -> None:
    note = invoice(
        kind=DocumentKind.CREDIT_NOTE, number="2025-000050", credited_number="2025-000042"
    )
    text = pdf_text(invoice_pdf(note))
    assert "Kreditfaktura" in text
    assert "Krediterar faktura 2025-000042" in text
    assert "Att få tillbaka" in text


def test_totals_vat_and_rounding_are_printed_to_the_ore() -> None:
    """SUP-9 (2): 421,17 kr net + 105,29 kr VAT = 526,46 kr → 526 kr with -0,46 kr rounding."""
    text = text_of_default_pdf()
    assert "Summa exkl. moms 421,17 kr" in text
    assert "Moms 25 % 105,29 kr" in text
    assert "Öresavrundning -0,46 kr" in text
    assert "Att betala 526,00 kr" in text


def test_customer_texts_are_escaped() -> None:
    hostile = replace(invoice().customer, name="<script>alert(1)</script>")
    html = invoice_html(invoice(customer=hostile))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_sup_16_without_the_years_figures_the_invoice_says_so() -> None:
    text = pdf_text(invoice_pdf(invoice(disclosure=None)))
    assert "Elens ursprung" in text
    assert "inte publicerat residualmixen" in text


def test_the_stylesheet_reaches_weasyprint_whole() -> None:
    """The page footer comes from the stylesheet's @page rule (quotes intact, not escaped)."""
    assert "Sida 1 av 3" in text_of_default_pdf()

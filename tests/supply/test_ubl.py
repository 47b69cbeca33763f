"""SUP-6: business invoices and credit notes as Peppol BIS Billing 3.0, checked against the official
CEN EN 16931 and Peppol (incl. Swedish SE-R) Schematron rules."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from elkund.core.errors import Invalid
from elkund.grid.gsrn import make_installation_id
from elkund.supply.document import (
    Address,
    ContractInfo,
    CustomerInfo,
    DocumentKind,
    InvoiceDocument,
    InvoiceLine,
    LineKind,
    SupplierInfo,
)
from elkund.supply.ubl import invoice_ubl
from tests.factories import org_number
from tests.supply.peppol.validator import (
    FailedAssert,
    PeppolValidator,
    fatal_ids,
    require_peppol_dir,
    shared_validator,
)

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
SUPPLIER_ORG = org_number(4201)
CUSTOMER_ORG = org_number(4202)
KWH = Decimal("2345.678")


@pytest.fixture(scope="session")
def validator(tmp_path_factory: pytest.TempPathFactory) -> PeppolValidator:
    require_peppol_dir()
    return shared_validator(tmp_path_factory.getbasetemp() / "peppol-xslt")


def _printed(org: str) -> str:
    return f"{org[:6]}-{org[6:]}"


def _line(kind: LineKind, text: str, quantity: Decimal, unit: str, price: str) -> InvoiceLine:
    amount = (quantity * Decimal(price)).quantize(Decimal("0.01"))
    return InvoiceLine(kind, text, quantity, unit, Decimal(price), amount, f"{text} för perioden.")


def business_invoice(**overrides: object) -> InvoiceDocument:
    """A dynamic-price (kvartspris) electricity invoice to a company, January 2025, SE3."""
    energy = InvoiceLine(
        LineKind.ENERGY,
        "Elenergi, spotpris SE3 per kvart (snittpris 87,36 öre/kWh)",
        KWH,
        "kWh",
        Decimal("0.8736"),  # the printed average; the amount is the sum over the quarter-hours
        Decimal("2049.16"),
        "Förbrukad el gånger spotpriset för varje kvart.",
    )
    fields: dict[str, object] = {
        "kind": DocumentKind.INVOICE,
        "number": "2025000123",
        "ocr": "202500012308",
        "issue_date": date(2025, 2, 3),
        "due_date": date(2025, 3, 3),
        "period_start": date(2025, 1, 1),
        "period_end": date(2025, 1, 31),
        "supplier": SupplierInfo(
            name="Testkraft Elhandel AB",
            org_number=_printed(SUPPLIER_ORG),
            vat_number=f"SE{SUPPLIER_ORG}01",
            f_skatt=True,
            address=Address("Kraftgatan 1", "111 22", "Stockholm"),
            customer_service_phone="08-123 456 00",
            customer_service_email="kundtjanst@testkraft.example",
            website="https://testkraft.example",
            bankgiro="5050-1055",
        ),
        "customer": CustomerInfo(
            name="Bageriet i Byn AB",
            is_business=True,
            identity_number=_printed(CUSTOMER_ORG),
            address=Address("Storgatan 5", "753 20", "Uppsala"),
            org_number=CUSTOMER_ORG,
            vat_number=f"SE{CUSTOMER_ORG}01",
            peppol_id=f"0007:{CUSTOMER_ORG}",
        ),
        "installation_id": make_installation_id(4242),
        "bidding_zone": "SE3",
        "grid_area": "UPP",
        "contract": ContractInfo(
            name="Timpris (dynamiskt elpris per kvart)",
            kind="dynamic",
            start=date(2024, 6, 1),
            end=None,
            terms_url="https://testkraft.example/villkor",
            termination="Säg upp avtalet på Mina sidor eller hos kundtjänst.",
            termination_free=True,
            is_default_contract=False,
        ),
        "lines": (
            energy,
            _line(LineKind.MARKUP, "Påslag", KWH, "kWh", "0.0590"),
            _line(LineKind.CERTIFICATES, "Elcertifikat", KWH, "kWh", "0.0040"),
            _line(LineKind.MONTHLY_FEE, "Fast månadsavgift", Decimal("1"), "mån", "99.00"),
        ),
        "consumption_kwh": KWH,
        "based_on_actual": True,
        "notes": ("Villkor och information enligt 9 § 8–16: https://testkraft.example/info",),
    }
    return InvoiceDocument(**(fields | overrides))  # type: ignore[arg-type]


def credit_note(**overrides: object) -> InvoiceDocument:
    fields: dict[str, object] = {
        "kind": DocumentKind.CREDIT_NOTE,
        "number": "2025000124",
        "ocr": "202500012407",
        "credited_number": "2025000123",
    }
    return business_invoice(**(fields | overrides))


def _text(tree: etree._Element, path: str) -> str:
    found = tree.findtext(path, namespaces=NS)
    assert found is not None, path
    return found


def _decimal(tree: etree._Element, path: str) -> Decimal:
    return Decimal(_text(tree, path))


def _fatal(failed: list[FailedAssert]) -> list[FailedAssert]:
    return [item for item in failed if item.flag == "fatal"]


def test_sup6_business_invoice_passes_cen_and_peppol_schematron(
    validator: PeppolValidator,
) -> None:
    """SUP-6: the dynamic-price business invoice has no fatal assert in either rule file."""
    doc = business_invoice()
    assert doc.rounding == Decimal("0.07")  # the fixture really exercises öresavrundning
    failed = validator.validate(invoice_ubl(doc))
    assert _fatal(failed) == []
    assert failed == []  # nor any warning


def test_sup6_invoice_totals_equal_the_document(validator: PeppolValidator) -> None:
    """SUP-6: every total in the UBL is the document's own number, incl. the öresavrundning."""
    doc = business_invoice()
    tree = etree.fromstring(invoice_ubl(doc))
    totals = "cac:LegalMonetaryTotal/cbc:"
    assert _decimal(tree, totals + "LineExtensionAmount") == doc.net == Decimal("2295.94")
    assert _decimal(tree, totals + "TaxExclusiveAmount") == doc.net
    assert _decimal(tree, totals + "TaxInclusiveAmount") == doc.gross == Decimal("2869.93")
    assert _decimal(tree, totals + "PayableRoundingAmount") == doc.rounding
    assert _decimal(tree, totals + "PayableAmount") == doc.total == Decimal("2870")
    # 2 295,94 kr × 25 % = 573,985 kr, rounded half up
    assert _decimal(tree, "cac:TaxTotal/cbc:TaxAmount") == doc.vat == Decimal("573.99")
    assert _decimal(tree, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount") == doc.net
    assert _text(tree, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") == "25"
    lines = tree.findall("cac:InvoiceLine", NS)
    assert [_decimal(line, "cbc:LineExtensionAmount") for line in lines] == [
        line.amount for line in doc.lines
    ]
    units = [line.find("cbc:InvoicedQuantity", NS) for line in lines]
    assert [(u.get("unitCode"), u.text) for u in units if u is not None] == [
        ("KWH", "2345.678"),
        ("KWH", "2345.678"),
        ("KWH", "2345.678"),
        ("MON", "1"),
    ]


def test_sup6_invoice_identifies_parties_payment_and_installation() -> None:
    """SUP-6: Peppol ids (0007), VAT, F-skatt, bankgiro + OCR, period and anläggnings-ID."""
    doc = business_invoice()
    tree = etree.fromstring(invoice_ubl(doc))
    seller = "cac:AccountingSupplierParty/cac:Party/"
    buyer = "cac:AccountingCustomerParty/cac:Party/"
    assert etree.QName(tree).localname == "Invoice"
    assert _text(tree, "cbc:InvoiceTypeCode") == "380"
    assert _text(tree, "cbc:DueDate") == "2025-03-03"
    assert _text(tree, "cbc:BuyerReference") == doc.ocr
    assert _text(tree, "cbc:DocumentCurrencyCode") == "SEK"
    assert _text(tree, "cac:InvoicePeriod/cbc:StartDate") == "2025-01-01"
    assert _text(tree, "cac:InvoicePeriod/cbc:EndDate") == "2025-01-31"
    endpoint = tree.find(seller + "cbc:EndpointID", NS)
    assert endpoint is not None
    assert (endpoint.get("schemeID"), endpoint.text) == ("0007", SUPPLIER_ORG)
    assert _text(tree, buyer + "cbc:EndpointID") == CUSTOMER_ORG
    assert _text(tree, seller + "cac:PartyLegalEntity/cbc:CompanyID") == SUPPLIER_ORG
    schemes = {
        _text(scheme, "cac:TaxScheme/cbc:ID"): _text(scheme, "cbc:CompanyID")
        for scheme in tree.findall(seller + "cac:PartyTaxScheme", NS)
    }
    assert schemes == {"VAT": f"SE{SUPPLIER_ORG}01", "TAX": "Godkänd för F-skatt"}
    legal_form = seller + "cac:PartyLegalEntity/cbc:CompanyLegalForm"
    assert _text(tree, legal_form) == "Godkänd för F-skatt"
    assert _text(tree, "cac:PaymentMeans/cbc:PaymentMeansCode") == "30"
    assert _text(tree, "cac:PaymentMeans/cbc:PaymentID") == doc.ocr
    account = "cac:PaymentMeans/cac:PayeeFinancialAccount/"
    assert _text(tree, account + "cbc:ID") == "50501055"
    assert _text(tree, account + "cac:FinancialInstitutionBranch/cbc:ID") == "SE:BANKGIRO"
    assert _text(tree, "cac:AdditionalDocumentReference/cbc:ID") == doc.installation_id
    assert _text(tree, "cac:AdditionalDocumentReference/cbc:DocumentTypeCode") == "130"
    assert _text(tree, "cac:Delivery/cac:DeliveryLocation/cbc:ID") == doc.installation_id
    assert f"Anläggnings-ID {doc.installation_id}" in _text(tree, "cbc:Note")


def test_sup6_spot_priced_line_states_a_price_that_reproduces_its_amount() -> None:
    """SUP-6: quantity × price equals the line amount (R120), also for a spot-priced line."""
    tree = etree.fromstring(invoice_ubl(business_invoice()))
    for line in tree.findall("cac:InvoiceLine", NS):
        quantity = _decimal(line, "cbc:InvoicedQuantity")
        price = _decimal(line, "cac:Price/cbc:PriceAmount")
        assert abs(quantity * price - _decimal(line, "cbc:LineExtensionAmount")) <= Decimal("0.01")
    energy = tree.find("cac:InvoiceLine", NS)
    assert energy is not None
    # The printed average 0.8736 kr gives 2049.18, not 2049.16: the UBL states 0.87359.
    assert _text(energy, "cac:Price/cbc:PriceAmount") == "0.87359"
    assert _text(energy, "cac:Item/cac:SellersItemIdentification/cbc:ID") == "energy"


def test_sup6_credit_note_passes_and_references_the_invoice(validator: PeppolValidator) -> None:
    """SUP-6: a credit note is a CreditNote (381) naming the credited invoice; it passes."""
    doc = credit_note()
    xml = invoice_ubl(doc)
    assert validator.validate(xml) == []
    tree = etree.fromstring(xml)
    assert etree.QName(tree).localname == "CreditNote"
    assert _text(tree, "cbc:CreditNoteTypeCode") == "381"
    assert _text(tree, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == "2025000123"
    assert _decimal(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == doc.total
    assert len(tree.findall("cac:CreditNoteLine", NS)) == 4
    assert tree.find("cac:PaymentMeans", NS) is None  # the seller's bankgiro is not for credits


def test_sup6_credit_note_with_negative_amounts_is_stated_positive(
    validator: PeppolValidator,
) -> None:
    """SUP-6: a credit note mirroring the invoice with negative lines becomes positive UBL."""
    invoice = business_invoice()
    mirrored = tuple(
        dataclasses.replace(line, quantity=-line.quantity, amount=-line.amount)
        for line in invoice.lines
    )
    doc = credit_note(lines=mirrored)
    assert doc.total == -invoice.total
    xml = invoice_ubl(doc)
    assert validator.validate(xml) == []
    tree = etree.fromstring(xml)
    assert _decimal(tree, "cac:LegalMonetaryTotal/cbc:PayableAmount") == invoice.total
    assert _decimal(tree, "cac:LegalMonetaryTotal/cbc:PayableRoundingAmount") == invoice.rounding
    assert _decimal(tree, "cac:TaxTotal/cbc:TaxAmount") == invoice.vat


def test_sup6_negative_line_keeps_a_non_negative_price(validator: PeppolValidator) -> None:
    """SUP-6: a discount line is a negative quantity at a positive price (BR-27), and passes."""
    discount = InvoiceLine(
        LineKind.OTHER_SERVICE, "Rabatt", Decimal("1"), "st", Decimal("-50.00"), Decimal("-50.00")
    )
    doc = business_invoice(lines=(*business_invoice().lines, discount))
    xml = invoice_ubl(doc)
    assert validator.validate(xml) == []
    last = etree.fromstring(xml).findall("cac:InvoiceLine", NS)[-1]
    assert _text(last, "cbc:InvoicedQuantity") == "-1"
    assert _text(last, "cac:Price/cbc:PriceAmount") == "50.00"


def test_sup6_seller_vat_number_in_wrong_swedish_format_fails_se_r_001(
    validator: PeppolValidator,
) -> None:
    """SUP-6: the check can fail: a Swedish VAT number without the trailing 01 breaks SE-R-001."""
    supplier = dataclasses.replace(business_invoice().supplier, vat_number=f"SE{SUPPLIER_ORG}")
    failed = validator.validate(invoice_ubl(business_invoice(supplier=supplier)))
    assert fatal_ids(failed) == {"SE-R-001"}


def test_sup6_seller_org_number_with_wrong_check_digit_fails_se_r_013(
    validator: PeppolValidator,
) -> None:
    """SUP-6: an organisationsnummer failing Luhn is caught by SE-R-013 (and its Peppol id)."""
    wrong = SUPPLIER_ORG[:9] + str((int(SUPPLIER_ORG[9]) + 1) % 10)
    supplier = dataclasses.replace(
        business_invoice().supplier, org_number=wrong, vat_number=f"SE{wrong}01"
    )
    failed = validator.validate(invoice_ubl(business_invoice(supplier=supplier)))
    assert "SE-R-013" in fatal_ids(failed)


def test_sup6_wrong_payable_total_fails_br_co_16(validator: PeppolValidator) -> None:
    """SUP-6: a payable amount that is not gross + rounding is caught (BR-CO-16)."""
    tree = etree.fromstring(invoice_ubl(business_invoice()))
    payable = tree.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS)
    assert payable is not None
    payable.text = "2808.00"
    failed = validator.validate(etree.tostring(tree))
    assert fatal_ids(failed) == {"BR-CO-16"}


def test_sup6_non_swedish_vat_rate_fails_se_r_006(validator: PeppolValidator) -> None:
    """SUP-6: a Swedish supplier may only use 25, 12 or 6 % (SE-R-006)."""
    failed = validator.validate(invoice_ubl(business_invoice(vat_rate=Decimal("20"))))
    assert fatal_ids(failed) == {"SE-R-006"}


def test_sup6_short_bankgiro_number_warns_se_r_009(validator: PeppolValidator) -> None:
    """SUP-6: a bankgiro number must have 7–8 digits (SE-R-009, a warning)."""
    supplier = dataclasses.replace(business_invoice().supplier, bankgiro="505-105")
    failed = validator.validate(invoice_ubl(business_invoice(supplier=supplier)))
    assert [(item.id, item.flag) for item in failed] == [("SE-R-009", "warning")]


def test_sup6_consumer_invoice_is_refused() -> None:
    """SUP-6: Peppol e-invoices are for business customers; a consumer document is refused."""
    customer = dataclasses.replace(
        business_invoice().customer,
        is_business=False,
        org_number=None,
        vat_number=None,
        peppol_id=None,
    )
    with pytest.raises(Invalid) as refused:
        invoice_ubl(business_invoice(customer=customer))
    assert refused.value.code == "einvoice_requires_business_customer"


def test_sup6_buyer_without_peppol_id_is_addressed_by_organisation_number() -> None:
    """SUP-6: without a stored Peppol id the buyer's endpoint is 0007 + its organisationsnummer."""
    customer = dataclasses.replace(
        business_invoice().customer, peppol_id=None, org_number=f"16{CUSTOMER_ORG}"
    )
    tree = etree.fromstring(invoice_ubl(business_invoice(customer=customer)))
    endpoint = tree.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert endpoint is not None
    assert (endpoint.get("schemeID"), endpoint.text) == ("0007", CUSTOMER_ORG)


def test_sup6_credit_note_without_credited_invoice_is_refused() -> None:
    """SUP-6: a credit note must name the invoice it credits."""
    with pytest.raises(Invalid):
        invoice_ubl(credit_note(credited_number=None))


def test_sup6_ubl_is_well_formed_utf8_with_declaration() -> None:
    """SUP-6: the bytes are a UTF-8 XML document (Swedish characters intact)."""
    xml = invoice_ubl(business_invoice())
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Påslag".encode() in xml

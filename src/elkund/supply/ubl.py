"""SUP-6: an invoice or credit note as a Peppol BIS Billing 3.0 e-invoice (UBL 2.1).

Business customers receive the same ``InvoiceDocument`` that the PDF renders, as an
``Invoice`` (type 380) or ``CreditNote`` (type 381). Swedish usage follows the Peppol SE rules:
organisation numbers with ICD 0007 as electronic addresses, "Godkänd för F-skatt" as the seller's
tax registration (SE-R-005), bankgiro as credit transfer (code 30, branch ``SE:BANKGIRO``) with
the OCR number as payment reference, and öresavrundning as ``PayableRoundingAmount``. The
installation's ID (anläggnings-ID) is the invoiced object (BT-18), the deliver-to location
(BT-71) and is named in the note.

A credit note states its amounts positive, as UBL requires; a document that mirrors the credited
invoice with negative amounts is turned around.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from lxml import etree

from elkund.core.errors import Invalid
from elkund.supply.document import (
    Address,
    CustomerInfo,
    DocumentKind,
    InvoiceDocument,
    InvoiceLine,
    SupplierInfo,
)

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
ORGANISATION_NUMBER_SCHEME = "0007"  # ISO 6523 ICD: Swedish organisationsnummer
F_SKATT = "Godkänd för F-skatt"

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_ROOT_NS = {
    DocumentKind.INVOICE: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    DocumentKind.CREDIT_NOTE: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
_UNIT_CODES = {"kwh": "KWH", "mwh": "MWH", "mån": "MON", "månad": "MON", "st": "H87"}
_ONE = "C62"  # UN/ECE rec 20 "one": a unit-less quantity


def invoice_ubl(doc: InvoiceDocument) -> bytes:
    """The document as Peppol BIS Billing 3.0 UBL (UTF-8 XML bytes)."""
    if not doc.customer.is_business:
        raise Invalid(
            "Peppol e-invoices are for business customers only",
            code="einvoice_requires_business_customer",
        )
    credit = doc.kind is DocumentKind.CREDIT_NOTE
    sign = Decimal(-1) if credit and doc.total < 0 else Decimal(1)
    root_ns = _ROOT_NS[doc.kind]
    root = etree.Element(
        f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: root_ns, "cac": CAC, "cbc": CBC},
    )
    _header(root, doc)
    _supplier(_sub(_sub(root, "AccountingSupplierParty"), "Party"), doc.supplier)
    _customer(_sub(_sub(root, "AccountingCustomerParty"), "Party"), doc.customer)
    _delivery(root, doc)
    if not credit:  # the seller's bankgiro is where the buyer pays, not where a credit goes
        _payment_means(root, doc)
    _tax_total(root, doc, sign)
    _monetary_total(root, doc, sign)
    for number, line in enumerate(doc.lines, start=1):
        _line(root, doc, number, line, sign)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(
    parent: etree._Element, local: str, text: str | None = None, /, **attrs: str
) -> etree._Element:
    """A ``cac:`` aggregate (no text) or a ``cbc:`` basic component (with text)."""
    namespace = CAC if text is None else CBC
    element = etree.SubElement(parent, f"{{{namespace}}}{local}", attrs)
    if text is not None:
        element.text = text
    return element


def _header(root: etree._Element, doc: InvoiceDocument) -> None:
    credit = doc.kind is DocumentKind.CREDIT_NOTE
    _sub(root, "CustomizationID", CUSTOMIZATION_ID)
    _sub(root, "ProfileID", PROFILE_ID)
    _sub(root, "ID", doc.number)
    _sub(root, "IssueDate", doc.issue_date.isoformat())
    if not credit:
        _sub(root, "DueDate", doc.due_date.isoformat())
    _sub(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    _sub(root, "Note", _note(doc))
    _sub(root, "DocumentCurrencyCode", doc.currency)
    # Peppol wants a buyer reference (R003); billing has none from the buyer, so the OCR is it.
    _sub(root, "BuyerReference", doc.ocr)
    _period(root, doc.period_start, doc.period_end)
    if credit:
        if not doc.credited_number:
            raise Invalid("A credit note must name the invoice it credits")
        reference = _sub(_sub(root, "BillingReference"), "InvoiceDocumentReference")
        _sub(reference, "ID", doc.credited_number)
    invoiced_object = _sub(root, "AdditionalDocumentReference")
    _sub(invoiced_object, "ID", doc.installation_id)
    _sub(invoiced_object, "DocumentTypeCode", "130")  # invoiced object identifier (BT-18)


def _note(doc: InvoiceDocument) -> str:
    """Peppol allows one document note (R002): the installation first, then the billing notes."""
    parts = [
        f"Anläggnings-ID {doc.installation_id}, elområde {doc.bidding_zone}.",
        f"Avtal: {doc.contract.name}.",
        *doc.notes,
    ]
    if doc.credited_number:
        parts.insert(0, f"Kreditering av faktura {doc.credited_number}.")
    return "\n".join(parts)


def _period(parent: etree._Element, start: date, end: date) -> None:
    period = _sub(parent, "InvoicePeriod")
    _sub(period, "StartDate", start.isoformat())
    _sub(period, "EndDate", end.isoformat())


def _digits(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


def _org_number(value: str) -> str:
    """Ten digits, as Peppol and SE-R-004 want; the stored form has the century prefix 16."""
    digits = _digits(value)
    return digits[2:] if len(digits) == 12 and digits.startswith("16") else digits


def _address(party: etree._Element, address: Address) -> None:
    postal = _sub(party, "PostalAddress")
    _sub(postal, "StreetName", address.street)
    _sub(postal, "CityName", address.city)
    _sub(postal, "PostalZone", address.postal_code)
    _sub(_sub(postal, "Country"), "IdentificationCode", address.country)


def _tax_scheme(party: etree._Element, company_id: str, scheme: str) -> None:
    tax_scheme = _sub(party, "PartyTaxScheme")
    _sub(tax_scheme, "CompanyID", company_id)
    _sub(_sub(tax_scheme, "TaxScheme"), "ID", scheme)


def _supplier(party: etree._Element, supplier: SupplierInfo) -> None:
    org_number = _org_number(supplier.org_number)
    _sub(party, "EndpointID", org_number, schemeID=ORGANISATION_NUMBER_SCHEME)
    _sub(_sub(party, "PartyName"), "Name", supplier.name)
    _address(party, supplier.address)
    _tax_scheme(party, supplier.vat_number.replace(" ", ""), "VAT")
    if supplier.f_skatt:
        _tax_scheme(party, F_SKATT, "TAX")  # BT-32, the form SE-R-005 checks
    legal = _sub(party, "PartyLegalEntity")
    _sub(legal, "RegistrationName", supplier.name)
    _sub(legal, "CompanyID", org_number, schemeID=ORGANISATION_NUMBER_SCHEME)
    if supplier.f_skatt:
        _sub(legal, "CompanyLegalForm", F_SKATT)  # BT-33, where Swedish readers look for it
    contact = _sub(party, "Contact")
    _sub(contact, "Name", "Kundtjänst")
    _sub(contact, "Telephone", supplier.customer_service_phone)
    _sub(contact, "ElectronicMail", supplier.customer_service_email)


def _endpoint(customer: CustomerInfo) -> tuple[str, str]:
    """The buyer's Peppol participant id as (scheme, id); else its organisation number."""
    if customer.peppol_id and ":" in customer.peppol_id:
        scheme, identifier = customer.peppol_id.split(":", 1)
        return scheme.strip(), identifier.strip()
    if customer.org_number:
        return ORGANISATION_NUMBER_SCHEME, _org_number(customer.org_number)
    raise Invalid(
        "A Peppol e-invoice needs the buyer's Peppol id or organisation number",
        code="einvoice_requires_business_customer",
    )


def _customer(party: etree._Element, customer: CustomerInfo) -> None:
    scheme, identifier = _endpoint(customer)
    _sub(party, "EndpointID", identifier, schemeID=scheme)
    _sub(_sub(party, "PartyName"), "Name", customer.name)
    _address(party, customer.address)
    if customer.vat_number:
        _tax_scheme(party, customer.vat_number.replace(" ", ""), "VAT")
    legal = _sub(party, "PartyLegalEntity")
    _sub(legal, "RegistrationName", customer.name)
    if customer.org_number:
        _sub(
            legal,
            "CompanyID",
            _org_number(customer.org_number),
            schemeID=ORGANISATION_NUMBER_SCHEME,
        )


def _delivery(root: etree._Element, doc: InvoiceDocument) -> None:
    location = _sub(_sub(root, "Delivery"), "DeliveryLocation")
    _sub(location, "ID", doc.installation_id)  # BT-71: the metering point is where power goes


def _payment_means(root: etree._Element, doc: InvoiceDocument) -> None:
    means = _sub(root, "PaymentMeans")
    _sub(means, "PaymentMeansCode", "30", name="Bankgiro")  # credit transfer (SE-R-011/012)
    _sub(means, "PaymentID", doc.ocr)
    account = _sub(means, "PayeeFinancialAccount")
    _sub(account, "ID", _digits(doc.supplier.bankgiro))  # SE-R-008/009: 7–8 digits
    _sub(_sub(account, "FinancialInstitutionBranch"), "ID", "SE:BANKGIRO")


def _amount(parent: etree._Element, name: str, value: Decimal, currency: str) -> None:
    value = value.quantize(Decimal("0.01"))
    if value == 0:
        value = abs(value)  # never "-0.00"
    _sub(parent, name, f"{value:f}", currencyID=currency)


def _tax_category(parent: etree._Element, name: str, rate: Decimal) -> None:
    category = _sub(parent, name)
    _sub(category, "ID", "S")  # standard rate
    _sub(category, "Percent", f"{rate.normalize():f}")
    _sub(_sub(category, "TaxScheme"), "ID", "VAT")


def _tax_total(root: etree._Element, doc: InvoiceDocument, sign: Decimal) -> None:
    total = _sub(root, "TaxTotal")
    _amount(total, "TaxAmount", sign * doc.vat, doc.currency)
    subtotal = _sub(total, "TaxSubtotal")
    _amount(subtotal, "TaxableAmount", sign * doc.net, doc.currency)
    _amount(subtotal, "TaxAmount", sign * doc.vat, doc.currency)
    _tax_category(subtotal, "TaxCategory", doc.vat_rate)


def _monetary_total(root: etree._Element, doc: InvoiceDocument, sign: Decimal) -> None:
    totals = _sub(root, "LegalMonetaryTotal")
    for name, value in (
        ("LineExtensionAmount", doc.net),
        ("TaxExclusiveAmount", doc.net),
        ("TaxInclusiveAmount", doc.gross),
        ("PayableRoundingAmount", doc.rounding),
        ("PayableAmount", doc.total),
    ):
        _amount(totals, name, sign * value, doc.currency)


def _line(
    root: etree._Element, doc: InvoiceDocument, number: int, line: InvoiceLine, sign: Decimal
) -> None:
    credit = doc.kind is DocumentKind.CREDIT_NOTE
    amount = sign * line.amount
    # Net price may not be negative (BR-27): a negative line has a negative quantity instead.
    quantity = abs(line.quantity) if amount >= 0 else -abs(line.quantity)
    element = _sub(root, "CreditNoteLine" if credit else "InvoiceLine")
    _sub(element, "ID", str(number))
    _sub(
        element,
        "CreditedQuantity" if credit else "InvoicedQuantity",
        f"{quantity:f}",
        unitCode=_unit_code(line.unit),
    )
    _amount(element, "LineExtensionAmount", amount, doc.currency)
    item = _sub(element, "Item")
    if line.explanation:
        _sub(item, "Description", line.explanation)
    _sub(item, "Name", line.description)
    _sub(_sub(item, "SellersItemIdentification"), "ID", line.kind.value)
    _tax_category(item, "ClassifiedTaxCategory", doc.vat_rate)
    price = _net_price(line.unit_price, quantity, amount)
    _sub(_sub(element, "Price"), "PriceAmount", f"{price:f}", currencyID=doc.currency)


def _unit_code(unit: str) -> str:
    return _UNIT_CODES.get(unit.strip().lower(), _ONE)


def _net_price(unit_price: Decimal, quantity: Decimal, amount: Decimal) -> Decimal:
    """The printed unit price if quantity × price gives the line amount (Peppol R120 allows 0.02).

    A spot-priced energy line is the sum of kWh × price per interval, so its printed average price
    may not reproduce the amount; then the UBL states the effective price amount / quantity, with
    as many decimals as the quantity needs.
    """
    price = abs(unit_price)
    if quantity == 0 or abs(quantity * price - amount) <= Decimal("0.01"):
        return price
    exact = abs(amount / quantity)
    return next(p for p in _rounded(exact) if abs(quantity * p - amount) <= Decimal("0.005"))


def _rounded(exact: Decimal) -> Iterator[Decimal]:
    """``exact`` with 2, 3, … decimals: the shortest that is close enough comes first."""
    for decimals in range(2, 16):
        yield exact.quantize(Decimal(1).scaleb(-decimals))
    yield exact

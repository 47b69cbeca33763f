"""Mina sidor – Fakturor, Förklara min faktura, Elens ursprung and the monthly consumption
statement (SUP-5, SUP-6, SUP-12, SUP-16).

Every invoice is found through the acting customer (``invoice_view.own_invoice``), so another
customer's invoice answers 404 whether it is a page, a PDF or an XML file. PDF and XML are
rendered from the stored ``InvoiceDocument``, the same one billing printed, so a missing or moved
file never breaks a download. Everything here is free of charge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.requests import Request

from elkund.api.deps import DbSession
from elkund.core.errors import AppError
from elkund.core.localtime import local_date, utcnow
from elkund.parties.models import Party
from elkund.portal import invoice_view as view
from elkund.portal import statement as sup12
from elkund.portal.auth import ActingCustomer
from elkund.portal.auth.pages import render, templates
from elkund.portal.components.i18n import Lang, language_of, translate
from elkund.portal.invoice_filters import install_invoice_filters, plain_decimal
from elkund.supply.billing_models import Invoice
from elkund.supply.disclosure import Disclosure
from elkund.supply.disclosure_service import latest_disclosure
from elkund.supply.document import DocumentKind
from elkund.supply.pie import COLOURS, Slice, pie_svg
from elkund.supply.stored import document_of

router = APIRouter(prefix="/mina-sidor", include_in_schema=False)

PDF = "application/pdf"
XML = "application/xml"

install_invoice_filters(templates.env)


@router.get("/fakturor", response_class=HTMLResponse)
def invoices_page(request: Request, customer: ActingCustomer, session: DbSession) -> HTMLResponse:
    """SUP-6: the customer's invoices and credit notes, newest first, each to download."""
    context = {
        "invoices": view.invoices_of(session, customer=customer),
        "statements": sup12.statement_links(session, customer=customer, today=_today()),
    }
    return render(request, "invoices/index.html", context)


@router.get("/fakturor/{invoice_id}.pdf")
def invoice_pdf_file(invoice_id: str, customer: ActingCustomer, session: DbSession) -> Response:
    from elkund.supply.pdf import invoice_pdf  # WeasyPrint is loaded only when needed

    invoice = view.own_invoice(session, customer=customer, invoice_id=invoice_id)
    return _attachment(invoice_pdf(document_of(invoice)), PDF, _filename(invoice, "pdf"))


@router.get("/fakturor/{invoice_id}.xml")
def invoice_xml_file(invoice_id: str, customer: ActingCustomer, session: DbSession) -> Response:
    """SUP-6: the Peppol BIS Billing 3.0 e-invoice, made for business customers only."""
    from elkund.supply.ubl import invoice_ubl

    invoice = view.own_invoice(session, customer=customer, invoice_id=invoice_id)
    if not view.is_business_document(invoice):
        raise view.UnknownInvoice("Ingen sådan faktura hos dig.")
    return _attachment(invoice_ubl(document_of(invoice)), XML, _filename(invoice, "xml"))


@router.get("/fakturor/{invoice_id}/forklara", response_class=HTMLResponse)
def explain_page(
    request: Request, invoice_id: str, customer: ActingCustomer, session: DbSession
) -> HTMLResponse:
    """SUP-5: every part of the invoice in plain words, on the customer's request."""
    invoice = view.own_invoice(session, customer=customer, invoice_id=invoice_id)
    doc = document_of(invoice)
    credit = doc.kind is DocumentKind.CREDIT_NOTE
    context = {
        "invoice_id": invoice.id,
        "doc": doc,
        "credit": credit,
        "credited": invoice.status == "credited",
        "has_xml": doc.customer.is_business,
        "heading_key": "explain_credit_heading" if credit else "explain_heading",
    }
    return render(request, "invoices/explain.html", context)


@dataclass(frozen=True, slots=True)
class OriginView:
    supplier: str
    year: int
    disclosure: Disclosure | None  # None: the year's figures are not published yet
    pie: Markup | None


@router.get("/elens-ursprung", response_class=HTMLResponse)
def origin_page(request: Request, customer: ActingCustomer, session: DbSession) -> HTMLResponse:
    """SUP-16: each supplier's energy sources and their impact in the previous year."""
    year = _today().year - 1
    lang = language_of(request)
    views = [
        _origin(session, supplier, year, lang)
        for supplier in view.suppliers_of(session, customer=customer)
    ]
    return render(request, "invoices/origin.html", {"suppliers": views, "year": year})


@router.get("/anlaggning/{gsrn}/manadsbesked")
def statement_file(
    request: Request, gsrn: str, month: str, customer: ActingCustomer, session: DbSession
) -> Response:
    """SUP-12: a month's actual consumption when invoices come less often than monthly."""
    chosen = sup12.parse_month(month)
    found = sup12.statement(
        session, customer=customer, installation_id=gsrn, month=chosen, today=_today()
    )
    name = f"forbrukningsbesked-{found.installation_id}-{chosen:%Y-%m}.pdf"
    return _attachment(sup12.statement_pdf(found, language_of(request)), PDF, name)


def _origin(session: Session, supplier: Party, year: int, lang: Lang) -> OriginView:
    try:
        disclosure = latest_disclosure(session, supplier=supplier, year=year).disclosure
    except AppError:  # no sold volume or no residual mix for the year or any before it
        return OriginView(supplier.name, year, None, None)
    # pie_svg escapes every text it writes, so the SVG is safe to insert as it is.
    pie = Markup(_pie(disclosure, supplier, lang))  # noqa: S704
    return OriginView(supplier.name, disclosure.year, disclosure, pie)


def _pie(disclosure: Disclosure, supplier: Party, lang: Lang) -> str:
    """The pie of ``supply.pie`` with its words in the visitor's language."""
    slices = [
        Slice(translate(f"source_{s.source.value}", lang), s.share_pct, COLOURS[s.source])
        for s in disclosure.sources
    ]
    impact = translate(
        "origin_pie_impact",
        lang,
        co2=plain_decimal(disclosure.co2_g_per_kwh, lang),
        waste=plain_decimal(disclosure.waste_mg_per_kwh, lang),
    )
    title = translate("origin_pie_title", lang, year=disclosure.year)
    return pie_svg(slices, title=title, extra_description=impact, id_prefix=f"mix-{supplier.id}")


def _filename(invoice: Invoice, ext: str) -> str:
    prefix = "kreditfaktura" if invoice.kind == DocumentKind.CREDIT_NOTE.value else "faktura"
    return f"{prefix}-{invoice.number}.{ext}"


def _attachment(content: bytes, media_type: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(content, media_type=media_type, headers=headers)


def _today() -> date:
    return local_date(utcnow())

"""An ``InvoiceDocument`` as HTML and as an A4 PDF (WeasyPrint), in Swedish.

One template serves the PDF and the portal's HTML view, with the portal's number and date
formatting (sv-SE), so what the customer reads on screen and on paper is the same.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from elkund.portal.components.formatting import (
    format_date,
    format_number,
    format_sek,
    percent,
    quantity,
    unit_price,
)
from elkund.supply.document import DocumentKind, InvoiceDocument, LineKind, SourceShare
from elkund.supply.items import information_items
from elkund.supply.pie import Slice, pie_svg
from elkund.supply.usage_chart import usage_chart

TEMPLATES = Path(__file__).parent / "templates"
PIE_COLOURS = ("#1f5f99", "#7ab6e0", "#f2c230", "#3f7f2f", "#a6d68a", "#7b4fa0", "#4d4d4d")


def invoice_html(doc: InvoiceDocument) -> str:
    credit = doc.kind is DocumentKind.CREDIT_NOTE
    return (
        environment()
        .get_template("invoice.html")
        .render(
            doc=doc,
            credit=credit,
            title="Kreditfaktura" if credit else "Faktura",
            css=(TEMPLATES / "invoice.css").read_text(encoding="utf-8"),
            items=information_items(doc),
            other_services=any(line.kind is LineKind.OTHER_SERVICE for line in doc.lines),
            usage_svg=usage_chart(doc.usage) if doc.usage else "",
            pie_svg=_pie(doc.disclosure.shares) if doc.disclosure else "",
        )
    )


def invoice_pdf(doc: InvoiceDocument) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    pdf: bytes = HTML(string=invoice_html(doc)).write_pdf()
    return pdf


def _pie(shares: tuple[SourceShare, ...]) -> str:
    slices = [
        Slice(share.source, share.percent, PIE_COLOURS[index % len(PIE_COLOURS)])
        for index, share in enumerate(shares)
    ]
    return pie_svg(slices, title="Elens ursprung", id_prefix="ursprung")


@cache
def environment() -> Environment:
    """The supply templates (invoices, letters) with sv-SE filters for money, dates and numbers."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["kr"] = lambda amount: format_sek(amount, "sv")
    env.filters["datum"] = lambda day: format_date(day, "sv")
    env.filters["kwh"] = lambda kwh: format_number(kwh, "sv", decimals=3)
    env.filters["qty"] = lambda value, unit: quantity(value, unit, "sv")
    env.filters["postnr"] = _postal_code
    env.filters["price"] = lambda value, unit: unit_price(value, unit, "sv")
    env.filters["dec"] = lambda value, decimals: format_number(value, "sv", decimals=decimals)
    env.filters["pct"] = lambda value: percent(value, "sv")
    return env


def _postal_code(code: str) -> str:
    """``90326`` → ``903 26``, as Swedish addresses are written."""
    return f"{code[:3]} {code[3:]}" if len(code) == 5 and code.isdigit() else code

"""An issued invoice's ``InvoiceDocument`` back from its stored JSON (for credit notes, the
portal's "Förklara min faktura" and re-rendering)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import orjson

from elkund.supply import document as d
from elkund.supply.billing_models import Invoice


def document_of(invoice: Invoice) -> d.InvoiceDocument:
    data: dict[str, Any] = orjson.loads(invoice.document)
    return from_dict(data)


def from_dict(data: dict[str, Any]) -> d.InvoiceDocument:
    contract = data["contract"]
    disclosure = data.get("disclosure")
    return d.InvoiceDocument(
        kind=d.DocumentKind(data["kind"]),
        number=data["number"],
        ocr=data["ocr"],
        issue_date=_date(data["issue_date"]),
        due_date=_date(data["due_date"]),
        period_start=_date(data["period_start"]),
        period_end=_date(data["period_end"]),
        supplier=d.SupplierInfo(**(data["supplier"] | {"address": _address(data["supplier"])})),
        customer=d.CustomerInfo(**(data["customer"] | {"address": _address(data["customer"])})),
        installation_id=data["installation_id"],
        bidding_zone=data["bidding_zone"],
        grid_area=data["grid_area"],
        contract=d.ContractInfo(
            **contract | {"start": _date(contract["start"]), "end": _optional_date(contract["end"])}
        ),
        lines=tuple(_line(line) for line in data["lines"]),
        consumption_kwh=Decimal(data["consumption_kwh"]),
        based_on_actual=data["based_on_actual"],
        vat_rate=Decimal(data["vat_rate"]),
        currency=data["currency"],
        credited_number=data["credited_number"],
        notes=tuple(data["notes"]),
        usage=tuple(
            d.UsagePoint(
                u["label"],
                Decimal(u["kwh"]),
                None if u["last_year_kwh"] is None else Decimal(u["last_year_kwh"]),
            )
            for u in data["usage"]
        ),
        benchmark=(
            d.Benchmark(data["benchmark"]["category"], Decimal(data["benchmark"]["kwh"]))
            if data.get("benchmark")
            else None
        ),
        advice=d.Advice(**data["advice"]) if data.get("advice") else None,
        disclosure=(
            d.Disclosure(
                year=disclosure["year"],
                shares=tuple(
                    d.SourceShare(s["source"], Decimal(s["percent"])) for s in disclosure["shares"]
                ),
                co2_g_per_kwh=Decimal(disclosure["co2_g_per_kwh"]),
                nuclear_waste_mg_per_kwh=Decimal(disclosure["nuclear_waste_mg_per_kwh"]),
                residual_mix_source=disclosure["residual_mix_source"],
            )
            if disclosure
            else None
        ),
        pointers=tuple((int(n), url) for n, url in data["pointers"]),
    )


def _line(line: dict[str, Any]) -> d.InvoiceLine:
    return d.InvoiceLine(
        kind=d.LineKind(line["kind"]),
        description=line["description"],
        quantity=Decimal(line["quantity"]),
        unit=line["unit"],
        unit_price=Decimal(line["unit_price"]),
        amount=Decimal(line["amount"]),
        explanation=line["explanation"],
    )


def _address(party: dict[str, Any]) -> d.Address:
    return d.Address(**party["address"])


def _date(value: str) -> date:
    return date.fromisoformat(value)


def _optional_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)

"""Finished invoices for the renderers' tests: realistic, built by hand, nothing computed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from elkund.supply.document import (
    Address,
    Advice,
    Benchmark,
    ContractInfo,
    CustomerInfo,
    Disclosure,
    DocumentKind,
    InvoiceDocument,
    InvoiceLine,
    LineKind,
    SourceShare,
    SupplierInfo,
    UsagePoint,
)

SUPPLIER = SupplierInfo(
    name="Norrsken Energi AB",
    org_number="556677-8899",
    vat_number="SE556677889901",
    f_skatt=True,
    address=Address("Storgatan 1", "903 26", "Umeå"),
    customer_service_phone="090-123 45 00",
    customer_service_email="kundtjanst@norrsken.example",
    website="https://norrsken.example",
    bankgiro="5050-1055",
)
CUSTOMER = CustomerInfo(
    name="Anna Andersson",
    is_business=False,
    identity_number="19800101-****",
    address=Address("Björkvägen 3", "903 31", "Umeå"),
)
CONTRACT = ContractInfo(
    name="Timpris kvart (dynamiskt elpris)",
    kind="dynamic",
    start=date(2024, 1, 1),
    end=None,
    terms_url="https://norrsken.example/villkor/timpris",
    termination="Säg upp avtalet genom att ringa kundtjänst eller på Mina sidor;"
    " uppsägningstiden är en månad.",
    termination_free=True,
    is_default_contract=False,
)


def lines() -> tuple[InvoiceLine, ...]:
    return (
        InvoiceLine(
            LineKind.ENERGY,
            "Elenergi, spotpris per kvart (snitt 41,27 öre/kWh)",
            Decimal("812.345"),
            "kWh",
            Decimal("0.4127"),
            Decimal("335.26"),
            "Elen du använt, kvart för kvart, till spotpriset för just den kvarten.",
        ),
        InvoiceLine(
            LineKind.MARKUP,
            "Påslag",
            Decimal("812.345"),
            "kWh",
            Decimal("0.0495"),
            Decimal("40.21"),
            "Vårt påslag per kWh ovanpå spotpriset.",
        ),
        InvoiceLine(
            LineKind.CERTIFICATES,
            "Elcertifikat",
            Decimal("812.345"),
            "kWh",
            Decimal("0.008"),
            Decimal("6.50"),
            "Kostnaden för elcertifikat som lagen kräver att vi köper.",
        ),
        InvoiceLine(
            LineKind.MONTHLY_FEE,
            "Fast månadsavgift",
            Decimal("1"),
            "mån",
            Decimal("39.20"),
            Decimal("39.20"),
            "En fast avgift per månad för avtalet.",
        ),
    )


def invoice(**changes: Any) -> InvoiceDocument:
    document = InvoiceDocument(
        kind=DocumentKind.INVOICE,
        number="2025-000042",
        ocr="20250000421",
        issue_date=date(2025, 4, 3),
        due_date=date(2025, 4, 30),
        period_start=date(2025, 3, 1),
        period_end=date(2025, 3, 31),
        supplier=SUPPLIER,
        customer=CUSTOMER,
        installation_id="735999123456789012",
        bidding_zone="SE1",
        grid_area="UMA",
        contract=CONTRACT,
        lines=lines(),
        consumption_kwh=Decimal("812.345"),
        based_on_actual=True,
        usage=tuple(
            UsagePoint(str(day), Decimal(20 + day % 7), Decimal(22 + day % 5))
            for day in range(1, 32)
        ),
        benchmark=Benchmark("Villa utan elvärme (5 000 kWh/år)", Decimal("480.000")),
        advice=Advice(
            "Umeå",
            "Energi- och klimatrådgivningen",
            None,
            None,
            "https://www.energimyndigheten.se/energiradgivning/hitta-energiradgivare/",
        ),
        disclosure=Disclosure(
            2024,
            (
                SourceShare("Vattenkraft", Decimal("40.00")),
                SourceShare("Vindkraft", Decimal("20.00")),
                SourceShare("Residualmix: förnybart", Decimal("2.60")),
                SourceShare("Residualmix: kärnkraft", Decimal("5.87")),
                SourceShare("Residualmix: fossilt", Decimal("31.53")),
            ),
            Decimal("209.64"),
            Decimal("0.18"),
            "Energimarknadsinspektionen, residualmix 2023",
        ),
    )
    return replace(document, **changes)

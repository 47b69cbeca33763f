"""An invoice as a finished document: what the PDF, the Peppol UBL and the portal all render.

Billing builds one ``InvoiceDocument`` per invoice (or credit note) and stores it; renderers only
read it, so the PDF, the UBL and "Förklara min faktura" can never disagree about a number. Amounts
are ``Decimal`` kronor; line amounts are rounded to the öre, the total to whole kronor with the
difference as ``rounding`` (öresavrundning). Unit prices are kronor per unit (kWh or month),
excluding VAT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class LineKind(StrEnum):
    ENERGY = "energy"  # kWh × energy price (fixed, variable monthly average or spot per interval)
    MARKUP = "markup"  # påslag, kWh × öre/kWh
    CERTIFICATES = "certificates"  # elcertifikat, kWh × öre/kWh
    MONTHLY_FEE = "monthly_fee"  # fast månadsavgift, months × kr/month
    OTHER_SERVICE = "other_service"  # SUP-9 (3): other services in the period


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    postal_code: str
    city: str
    country: str = "SE"


@dataclass(frozen=True, slots=True)
class SupplierInfo:
    """SUP-9 (1): who sends the invoice and how to reach customer service."""

    name: str
    org_number: str  # 10 digits, NNNNNN-NNNN as printed
    vat_number: str  # SE + 10 digits + 01
    f_skatt: bool  # "Godkänd för F-skatt"
    address: Address
    customer_service_phone: str
    customer_service_email: str
    website: str
    bankgiro: str


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    name: str
    is_business: bool
    identity_number: str  # as printed: personnummer masked, organisationsnummer in full
    address: Address
    org_number: str | None = None  # business customers: 10 digits (Peppol buyer id)
    vat_number: str | None = None
    peppol_id: str | None = None  # e.g. "0007:5567321707"


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    kind: LineKind
    description: str  # Swedish, as printed
    quantity: Decimal  # kWh (3 decimals) or months
    unit: str  # "kWh" or "mån"
    unit_price: Decimal  # kr per unit, excl. VAT (may have more decimals than the öre)
    amount: Decimal  # kr excl. VAT, rounded to the öre
    explanation: str = ""  # SUP-5: what this line is, in plain Swedish


@dataclass(frozen=True, slots=True)
class ContractInfo:
    """SUP-9 (6)–(8): which contract applies, for how long, where its terms are, how to end it."""

    name: str  # e.g. "Timpris (dynamiskt elpris per kvart)"
    kind: str  # fixed | variable | dynamic | default
    start: date
    end: date | None
    terms_url: str
    termination: str  # how to terminate, in Swedish
    termination_free: bool
    is_default_contract: bool  # anvisat avtal: SUP-9 (7) explains what it means


@dataclass(frozen=True, slots=True)
class UsagePoint:
    """SUP-10 (1): one bar pair of the comparison chart (a day of a monthly invoice, or a month)."""

    label: str  # "1", "2", … or "jan", "feb", …
    kwh: Decimal  # this period
    last_year_kwh: Decimal | None  # the same period a year earlier (None: no values then)


@dataclass(frozen=True, slots=True)
class Benchmark:
    """SUP-10 (3): the normalised user of the customer's category over the same period."""

    category: str  # Swedish, e.g. "Villa utan elvärme (5 000 kWh/år)"
    kwh: Decimal


@dataclass(frozen=True, slots=True)
class Advice:
    """SUP-10 (2): independent energy-efficiency advice for the customer's municipality."""

    municipality: str
    name: str
    phone: str | None
    email: str | None
    url: str


@dataclass(frozen=True, slots=True)
class SourceShare:
    source: str  # Swedish name, e.g. "Vattenkraft", "Kärnkraft", "Fossilt"
    percent: Decimal  # two decimals; the shares sum to 100.00


@dataclass(frozen=True, slots=True)
class Disclosure:
    """SUP-16/17: the supplier's mix of the previous year; always printed on the invoice."""

    year: int
    shares: tuple[SourceShare, ...]
    co2_g_per_kwh: Decimal
    nuclear_waste_mg_per_kwh: Decimal
    residual_mix_source: str


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    kind: DocumentKind
    number: str  # gap-free per supplier
    ocr: str  # OCR reference with mod-10 check digit
    issue_date: date
    due_date: date  # SUP-9 (4)
    period_start: date  # first day of the billing period
    period_end: date  # last day (inclusive)
    supplier: SupplierInfo
    customer: CustomerInfo
    installation_id: str  # SUP-9 (5): anläggnings-ID (GSRN, 18 digits)
    bidding_zone: str  # elområde SE1–SE4
    grid_area: str
    contract: ContractInfo
    lines: tuple[InvoiceLine, ...]
    consumption_kwh: Decimal  # the metered kWh the invoice is based on (SUP-9 (2))
    based_on_actual: bool  # SUP-10 applies only then
    vat_rate: Decimal = Decimal("25")
    currency: str = "SEK"
    credited_number: str | None = None  # a credit note names the invoice it credits
    notes: tuple[str, ...] = field(default=())
    usage: tuple[UsagePoint, ...] = field(default=())  # SUP-10 (1), when based on actual use
    benchmark: Benchmark | None = None  # SUP-10 (3)
    advice: Advice | None = None  # SUP-10 (2)
    disclosure: Disclosure | None = None  # SUP-9 (11), SUP-16
    # SUP-9 (8)–(16): item number → the supplier's web page that carries it (else printed in full)
    pointers: tuple[tuple[int, str], ...] = field(default=())

    @property
    def net(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def vat(self) -> Decimal:
        return (self.net * self.vat_rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    @property
    def total(self) -> Decimal:
        """What the customer pays: whole kronor (half away from zero)."""
        return self.gross.quantize(Decimal("1"), rounding=ROUND_HALF_UP)

    @property
    def rounding(self) -> Decimal:
        """Öresavrundning: the difference between the total and the exact gross amount."""
        return self.total - self.gross

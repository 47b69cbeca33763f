"""The parts of an ``InvoiceDocument`` that come from stored records (customer, energy-source mix,
SUP-10 extras, web-page pointers), so that ``billing`` only orchestrates. The supplier's and the
contract's parts are ``suppliers.supplier_info`` and ``contracts.contract_info``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from elkund.core.errors import AppError
from elkund.customers.identity import format_number, mask
from elkund.customers.models import Customer, CustomerKind
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.supply import advice as advice_module
from elkund.supply.benchmark import BenchmarkCategory, benchmark_kwh
from elkund.supply.disclosure_service import latest_disclosure
from elkund.supply.document import (
    Address,
    Advice,
    Benchmark,
    CustomerInfo,
    Disclosure,
    SourceShare,
)
from elkund.supply.models import Contract, Product, SupplierProfile

POINTER_FIELDS = {
    8: "termination_url",
    9: "switching_url",
    10: "price_comparison_url",
    12: "other_services_url",
    13: "compensation_url",
    14: "complaints_url",
    15: "consumer_rights_url",
    16: "dispute_resolution_url",
}


def pointers(profile: SupplierProfile) -> tuple[tuple[int, str], ...]:
    """SUP-9 (8)–(16) that the supplier keeps on named web pages."""
    found = ((item, getattr(profile, name)) for item, name in POINTER_FIELDS.items())
    return tuple((item, url) for item, url in found if url)


def customer_info(customer: Customer, installation: Installation) -> CustomerInfo:
    """The billing address is the installation's: elkund keeps no separate postal address."""
    business = customer.kind != CustomerKind.PRIVATE
    number = format_number(customer.identity_number)
    return CustomerInfo(
        name=customer.name,
        is_business=business,
        identity_number=number if business else mask(customer.identity_number),
        address=Address(installation.street, installation.postal_code, installation.city),
        org_number=number.replace("-", "")[-10:] if business else None,
        vat_number=f"SE{number.replace('-', '')[-10:]}01" if business else None,
    )


def disclosure(session: Session, supplier: Party, year: int) -> Disclosure | None:
    """SUP-16: the supplier's mix of ``year`` (the year before the invoice) or the latest before."""
    try:
        found = latest_disclosure(session, supplier=supplier, year=year).disclosure
    except AppError:
        return None
    return Disclosure(
        year=found.year,
        shares=tuple(SourceShare(s.source.label, s.share_pct) for s in found.sources),
        co2_g_per_kwh=found.co2_g_per_kwh,
        nuclear_waste_mg_per_kwh=found.waste_mg_per_kwh,
        residual_mix_source=f"Energimarknadsinspektionen, residualmix {found.residual_mix.year}",
    )


def advice(installation: Installation) -> Advice:
    contact = advice_module.advice_contact(installation.municipality_code)
    return Advice(contact.municipality, contact.name, contact.phone, contact.email, contact.url)


def benchmark(kwh: Decimal, start: date, end: date) -> Benchmark:
    """SUP-10 (3): the SCB type customer nearest to this use, scaled to a year by the profile.

    elkund does not know the building, so the category is the one whose normalised use over the
    same period is nearest (on a ratio scale) to the customer's own.
    """
    category = min(
        BenchmarkCategory,
        key=lambda c: ratio_distance(kwh, benchmark_kwh(c, start, end)),
    )
    return Benchmark(category.label, benchmark_kwh(category, start, end))


def product_of(session: Session, contract: Contract) -> Product:
    product = session.get(Product, contract.product_id)
    assert product is not None  # a foreign key
    return product


def ratio_distance(a: Decimal, b: Decimal) -> Decimal:
    """How far apart two uses are on a ratio scale: max(a/b, b/a), 1 when equal. It orders as
    |ln(a/b)| does, without a logarithm (a run compares three categories per invoice)."""
    if a <= 0 or b <= 0:
        return Decimal("Infinity")
    return max(a / b, b / a)

"""The parts of an ``InvoiceDocument`` that come from stored records (supplier, customer, contract,
energy-source mix, SUP-10 extras), so that ``billing`` only orchestrates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError
from elkund.customers.identity import format_number, mask
from elkund.customers.models import Customer, CustomerKind
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.supply import advice as advice_module
from elkund.supply.benchmark import BenchmarkCategory, benchmark_kwh
from elkund.supply.disclosure_service import supplier_disclosure
from elkund.supply.document import (
    Address,
    Advice,
    Benchmark,
    ContractInfo,
    CustomerInfo,
    Disclosure,
    SourceShare,
    SupplierInfo,
)
from elkund.supply.models import Contract, Product, ProductKind, SupplierProfile

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


def supplier_info(party: Party, profile: SupplierProfile) -> SupplierInfo:
    return SupplierInfo(
        name=party.name,
        org_number=format_number(party.org_number),
        vat_number=profile.vat_number,
        f_skatt=profile.f_skatt,
        address=Address(profile.street, _postal(profile.postal_code), profile.city),
        customer_service_phone=profile.customer_service_phone,
        customer_service_email=profile.customer_service_email,
        website=profile.website,
        bankgiro=profile.bankgiro,
    )


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
        address=Address(installation.street, _postal(installation.postal_code), installation.city),
        org_number=number.replace("-", "")[-10:] if business else None,
        vat_number=f"SE{number.replace('-', '')[-10:]}01" if business else None,
    )


def contract_info(contract: Contract, product: Product) -> ContractInfo:
    return ContractInfo(
        name=contract.name,
        kind=ProductKind(product.kind).value,
        start=contract.start_date,
        end=contract.end_date - timedelta(days=1) if contract.end_date else None,
        terms_url=product.terms_url,
        termination=product.termination_text,
        termination_free=product.termination_free,
        is_default_contract=ProductKind(product.kind) is ProductKind.DEFAULT,
    )


def disclosure(session: Session, supplier: Party, year: int) -> Disclosure | None:
    """SUP-16: the supplier's mix of ``year`` (the year before the invoice), if it is known."""
    try:
        found = supplier_disclosure(session, supplier=supplier, year=year).disclosure
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
        key=lambda c: abs(_log_ratio(kwh, benchmark_kwh(c, start, end))),
    )
    return Benchmark(category.label, benchmark_kwh(category, start, end))


def product_of(session: Session, contract: Contract) -> Product:
    product = session.get(Product, contract.product_id)
    assert product is not None  # a foreign key
    return product


def profile_of(session: Session, supplier: Party) -> SupplierProfile | None:
    return session.scalar(select(SupplierProfile).where(SupplierProfile.party_id == supplier.id))


def _log_ratio(a: Decimal, b: Decimal) -> Decimal:
    if a <= 0 or b <= 0:
        return Decimal(10**6)
    return (a / b).ln()


def _postal(code: str) -> str:
    return f"{code[:3]} {code[3:]}" if len(code) == 5 else code

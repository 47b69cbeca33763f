"""A supplier's profile: what its invoices say about it (SUP-9 (1)) and where on its website the
information of SUP-9 items 8–16 is (9 § andra stycket SFS 2023:242)."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum import luhn

from elkund.customers.identity import format_number
from elkund.parties.credentials import PartySuspended
from elkund.parties.models import Party, PartyRole
from elkund.supply.document import Address, SupplierInfo
from elkund.supply.errors import InvalidProfile, NotASupplier, ProfileMissing
from elkund.supply.models import SupplierProfile

_POSTAL_CODE = re.compile(r"^\d{3} ?\d{2}$")
_BANKGIRO = re.compile(r"^(\d{3,4})-?(\d{4})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PAYMENT_DAYS, MAX_PAYMENT_DAYS = 10, 60


@dataclass(frozen=True, slots=True)
class WebsitePages:
    """Where SUP-9 items 8–16 are on the supplier's website; ``None`` means on the invoice."""

    termination_url: str | None = None  # (8) how to terminate, and whether free of charge
    switching_url: str | None = None  # (9) switching supplier
    price_comparison_url: str | None = None  # (10) price comparison tools
    other_services_url: str | None = None  # (12) other services
    compensation_url: str | None = None  # (13) compensation and refunds
    complaints_url: str | None = None  # (14) complaints
    consumer_rights_url: str | None = None  # (15) consumer rights
    dispute_resolution_url: str | None = None  # (16) independent dispute resolution


@dataclass(frozen=True, slots=True)
class ProfileDraft:
    f_skatt: bool
    street: str
    postal_code: str
    city: str
    customer_service_phone: str
    customer_service_email: str
    bankgiro: str
    website: str
    pages: WebsitePages = WebsitePages()
    payment_terms_days: int = 30
    vat_number: str | None = None  # default: SE + the organisationsnummer + 01


def save_profile(session: Session, *, supplier: Party, draft: ProfileDraft) -> SupplierProfile:
    """Register the supplier's profile, or replace every field of the one it has."""
    require_supplier(supplier)
    values = _checked(supplier, draft)
    profile = find_profile(session, supplier=supplier)
    if profile is None:
        profile = SupplierProfile(party_id=supplier.id, **values)
        session.add(profile)
    else:
        for name, value in values.items():
            setattr(profile, name, value)
    session.flush()
    return profile


def require_supplier(party: Party) -> None:
    if party.role != PartyRole.SUPPLIER:
        raise NotASupplier("Only an electricity supplier can do this.")
    if not party.is_active:
        raise PartySuspended("This party is suspended and can do nothing.")


def find_profile(session: Session, *, supplier: Party) -> SupplierProfile | None:
    query = select(SupplierProfile).where(SupplierProfile.party_id == supplier.id)
    return session.scalars(query).one_or_none()


def profile_of(session: Session, *, supplier: Party) -> SupplierProfile:
    profile = find_profile(session, supplier=supplier)
    if profile is None:
        raise ProfileMissing(f"{supplier.name} has no supplier profile yet.")
    return profile


def supplier_info(session: Session, *, supplier: Party) -> SupplierInfo:
    """SUP-9 (1) as the invoice document prints it."""
    profile = profile_of(session, supplier=supplier)
    return SupplierInfo(
        name=supplier.name,
        org_number=format_number(supplier.org_number),
        vat_number=profile.vat_number,
        f_skatt=profile.f_skatt,
        address=Address(profile.street, profile.postal_code, profile.city),
        customer_service_phone=profile.customer_service_phone,
        customer_service_email=profile.customer_service_email,
        website=profile.website,
        bankgiro=profile.bankgiro,
    )


def vat_number_of(org_number: str) -> str:
    """The Swedish VAT number of an organisationsnummer (stored as 16 + 10 digits)."""
    return f"SE{org_number[-10:]}01"


def _checked(supplier: Party, draft: ProfileDraft) -> dict[str, object]:
    vat = (draft.vat_number or vat_number_of(supplier.org_number)).replace(" ", "").upper()
    if vat != vat_number_of(supplier.org_number):
        raise InvalidProfile("vat_number: a Swedish VAT number is SE, the organisationsnummer, 01.")
    if not _POSTAL_CODE.match(draft.postal_code.strip()):
        raise InvalidProfile("postal_code: a Swedish postnummer has 5 digits.")
    if not _EMAIL.match(draft.customer_service_email):
        raise InvalidProfile("customer_service_email: not an e-mail address.")
    if not MIN_PAYMENT_DAYS <= draft.payment_terms_days <= MAX_PAYMENT_DAYS:
        raise InvalidProfile(
            f"payment_terms_days: between {MIN_PAYMENT_DAYS} and {MAX_PAYMENT_DAYS} days."
        )
    pages = {f.name: getattr(draft.pages, f.name) for f in fields(WebsitePages)}
    for name, url in [("website", draft.website), *pages.items()]:
        if url is not None:
            check_url(url, field=name)
    return {
        "vat_number": vat,
        "f_skatt": draft.f_skatt,
        "street": _required(draft.street, "street"),
        "postal_code": draft.postal_code.replace(" ", ""),
        "city": _required(draft.city, "city"),
        "customer_service_phone": _required(draft.customer_service_phone, "phone"),
        "customer_service_email": draft.customer_service_email,
        "bankgiro": parse_bankgiro(draft.bankgiro),
        "website": draft.website,
        "payment_terms_days": draft.payment_terms_days,
        **pages,
    }


def parse_bankgiro(raw: str) -> str:
    """A bankgiro number (7 or 8 digits, mod-10 check digit) in its written form NNN(N)-NNNN."""
    match = _BANKGIRO.match(raw.strip())
    if not match or not luhn.is_valid(match[1] + match[2]):
        raise InvalidProfile("bankgiro: 7 or 8 digits with a valid check digit, e.g. 5050-1055.")
    return f"{match[1]}-{match[2]}"


def check_url(url: str, *, field: str) -> str:
    if not re.match(r"^https://[^\s/]+\.[^\s]+$", url) or len(url) > 300:
        raise InvalidProfile(f"{field}: an https address of at most 300 characters.")
    return url


def _required(value: str, name: str) -> str:
    if not value.strip():
        raise InvalidProfile(f"{name}: required.")
    return value.strip()

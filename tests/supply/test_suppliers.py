"""Supplier profiles (SUP-9 (1), items 8–16 on the website) and products."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from elkund.parties.credentials import PartySuspended
from elkund.parties.models import PartyStatus
from elkund.supply.errors import (
    InvalidProduct,
    InvalidProfile,
    NotASupplier,
    ProductExists,
    ProfileMissing,
)
from elkund.supply.models import ProductKind
from elkund.supply.products import ProductDraft, create_product, products_of
from elkund.supply.suppliers import (
    ProfileDraft,
    WebsitePages,
    parse_bankgiro,
    profile_of,
    save_profile,
    supplier_info,
)
from tests.factories import make_esco, make_product, make_supplier, make_supplier_profile

DRAFT = ProfileDraft(
    f_skatt=True,
    street="Kraftgatan 1",
    postal_code="111 22",
    city="Stockholm",
    customer_service_phone="08-123 456 00",
    customer_service_email="kundservice@elhandel.example",
    bankgiro="50501055",
    website="https://elhandel.example",
    pages=WebsitePages(
        termination_url="https://elhandel.example/uppsagning",
        dispute_resolution_url="https://elhandel.example/arn",
    ),
)


def test_sup_9_1_profile_registered_with_derived_vat_number_and_printed_info(
    session: Session,
) -> None:
    """SUP-9 (1): the invoice's supplier block comes from the party and its profile."""
    supplier = make_supplier(session, name="Kraftbolaget AB", org_number="5590000013")
    profile = save_profile(session, supplier=supplier, draft=DRAFT)
    assert profile.vat_number == "SE559000001301"
    assert profile.postal_code == "11122"
    assert profile.bankgiro == "5050-1055"
    assert profile.termination_url == "https://elhandel.example/uppsagning"
    assert profile.switching_url is None  # item (9) then goes on the invoice itself
    info = supplier_info(session, supplier=supplier)
    assert (info.name, info.org_number, info.vat_number) == (
        "Kraftbolaget AB",
        "559000-0013",
        "SE559000001301",
    )
    assert info.f_skatt is True
    assert info.address.postal_code == "11122"


def test_saving_again_updates_the_one_profile(session: Session) -> None:
    supplier = make_supplier(session)
    first = save_profile(session, supplier=supplier, draft=DRAFT)
    second = save_profile(
        session, supplier=supplier, draft=replace(DRAFT, payment_terms_days=20, f_skatt=False)
    )
    assert second.id == first.id
    assert (profile_of(session, supplier=supplier).payment_terms_days, second.f_skatt) == (
        20,
        False,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"vat_number": "SE999999999901"}, "vat_number"),
        ({"postal_code": "1234"}, "postal_code"),
        ({"customer_service_email": "ingen-snabel-a"}, "customer_service_email"),
        ({"bankgiro": "5050-1056"}, "bankgiro"),
        ({"website": "http://elhandel.example"}, "website"),
        ({"pages": WebsitePages(complaints_url="ftp://x")}, "complaints_url"),
        ({"payment_terms_days": 5}, "payment_terms_days"),
        ({"city": " "}, "city"),
    ],
)
def test_invalid_profile_fields_are_refused_with_the_field_named(
    session: Session, change: dict[str, object], field: str
) -> None:
    supplier = make_supplier(session)
    with pytest.raises(InvalidProfile) as error:
        save_profile(session, supplier=supplier, draft=replace(DRAFT, **change))  # type: ignore[arg-type]
    assert error.value.code == "invalid_supplier_profile"
    assert error.value.detail.startswith(field)


def test_only_an_active_supplier_has_a_profile(session: Session) -> None:
    with pytest.raises(NotASupplier):
        save_profile(session, supplier=make_esco(session), draft=DRAFT)
    suspended = make_supplier(session)
    suspended.status = PartyStatus.SUSPENDED
    with pytest.raises(PartySuspended):
        save_profile(session, supplier=suspended, draft=DRAFT)
    with pytest.raises(ProfileMissing):
        supplier_info(session, supplier=make_supplier(session))


def test_bankgiro_forms() -> None:
    assert parse_bankgiro("5050-1055") == "5050-1055"
    assert parse_bankgiro("991-2346") == "991-2346"
    with pytest.raises(InvalidProfile):
        parse_bankgiro("12-34")


def test_products_of_every_kind_are_stored_exactly(session: Session) -> None:
    supplier = make_supplier(session)
    make_supplier_profile(session, supplier)
    fixed = make_product(
        session,
        supplier,
        code="FAST-24",
        kind=ProductKind.FIXED,
        markup_ore_per_kwh=None,
        energy_price_ore_per_kwh=Decimal("89.9"),
        term_months=24,
        termination_free=False,
    )
    dynamic = make_product(
        session, supplier, code="KVART", kind=ProductKind.DYNAMIC, price_resolution="PT15M"
    )
    default = make_product(session, supplier, code="ANVISAT", kind=ProductKind.DEFAULT)
    session.expire_all()
    assert fixed.energy_price_ore_per_kwh == Decimal("89.9")
    assert (fixed.term_months, fixed.termination_free) == (24, False)
    assert (dynamic.price_resolution, dynamic.markup_ore_per_kwh) == ("PT15M", Decimal("4.5"))
    assert default.kind == ProductKind.DEFAULT
    assert [p.code for p in products_of(session, supplier=supplier)] == [
        "ANVISAT",
        "FAST-24",
        "KVART",
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"kind": ProductKind.FIXED},  # no energy price or term
        {"kind": ProductKind.DYNAMIC},  # no price resolution
        {"kind": ProductKind.VARIABLE, "price_resolution": "PT15M"},
        {"markup_ore_per_kwh": None},
        {"markup_ore_per_kwh": Decimal("1.00001")},  # more than 4 decimals
        {"monthly_fee_sek": Decimal("-1")},
        {"terms_url": "http://elhandel.example"},
        {"code": ""},
    ],
)
def test_inconsistent_products_are_refused(session: Session, change: dict[str, object]) -> None:
    supplier = make_supplier(session)
    draft = ProductDraft(
        code="X",
        name="Rörligt",
        kind=ProductKind.VARIABLE,
        terms_url="https://elhandel.example/villkor",
        termination_text="Ring kundservice.",
        termination_free=True,
        markup_ore_per_kwh=Decimal("3"),
    )
    with pytest.raises(InvalidProduct) as error:
        create_product(session, supplier=supplier, draft=replace(draft, **change))  # type: ignore[arg-type]
    assert error.value.code == "invalid_product"


def test_product_codes_are_unique_per_supplier(session: Session) -> None:
    supplier = make_supplier(session)
    make_product(session, supplier, code="RORLIGT")
    make_product(session, make_supplier(session), code="RORLIGT")  # another supplier may
    with pytest.raises(ProductExists):
        make_product(session, supplier, code="RORLIGT")

"""Test data with sensible defaults; override any field by keyword."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from elkund.customers.identity import with_check_digit
from elkund.customers.models import Customer
from elkund.customers.service import register_customer
from elkund.grid.gsrn import make_installation_id
from elkund.grid.models import BiddingZone, GridTariff, Installation
from elkund.grid.service import move_in, register_installation, register_tariff
from elkund.metering.domain import Resolution
from elkund.parties.credentials import issue_client, issue_token
from elkund.parties.models import Party, PartyRole
from elkund.parties.service import register_party
from elkund.supply.models import Product, ProductKind, SupplierProfile
from elkund.supply.products import ProductDraft, create_product
from elkund.supply.suppliers import ProfileDraft, WebsitePages, save_profile

_serial = count(1)


def fake_personnummer(birth: str = "19900101", serial: int = 980) -> str:
    """A personnummer from Skatteverket's test range (birth serials 980-999)."""
    return birth[:2] + with_check_digit(f"{birth[2:]}{serial:03d}")


def org_number(serial: int) -> str:
    return with_check_digit(f"559{serial:06d}")


def make_party(session: Session, **overrides: Any) -> Party:
    n = next(_serial)
    fields: dict[str, Any] = {
        "role": PartyRole.ESCO,
        "name": f"Energitjänst {n} AB",
        "org_number": org_number(n),
    }
    return register_party(session, **(fields | overrides))


def make_customer(session: Session, **overrides: Any) -> Customer:
    n = next(_serial)
    fields: dict[str, Any] = {
        "identity_number": fake_personnummer(f"1985{1 + n % 12:02d}{1 + n % 28:02d}", 980 + n % 20),
        "name": f"Testperson {n}",
    }
    return register_customer(session, **(fields | overrides))


def make_tariff(session: Session, **overrides: Any) -> GridTariff:
    n = next(_serial)
    fields: dict[str, Any] = {
        "code": f"T{n}",
        "name": "Säkringstariff 16-25 A",
        "fixed_fee_sek_per_year": Decimal("3900"),
        "transfer_fee_ore_per_kwh": Decimal("28.5"),
        "terms_url": "https://example.se/villkor",
    }
    return register_tariff(session, **(fields | overrides))


def make_installation(
    session: Session,
    *,
    holder: Customer | None = None,
    since: date = date(2020, 1, 1),
    **overrides: Any,
) -> Installation:
    n = next(_serial)
    fields: dict[str, Any] = {
        "installation_id": make_installation_id(10_000 + n),
        "street": f"Storgatan {n}",
        "postal_code": "11122",
        "city": "Stockholm",
        "municipality_code": "0180",
        "grid_area": "STH",
        "bidding_zone": BiddingZone.SE3,
        "fuse_amperes": 20,
        "resolution": Resolution.PT15M,
    }
    if "tariff" not in overrides:
        fields["tariff"] = make_tariff(session)
    installation = register_installation(session, **(fields | overrides))
    if holder is not None:
        move_in(session, installation=installation, customer=holder, day=since)
    return installation


def make_esco(session: Session, *, webhook_url: str | None = None, **overrides: Any) -> Party:
    """An active ESCO; with ``webhook_url`` it also gets a signing secret."""
    esco = make_party(session, role=PartyRole.ESCO, **overrides)
    if webhook_url:
        esco.webhook_url = webhook_url
        esco.webhook_secret = "whsec_" + base64.b64encode(b"test-secret-of-24-bytes!").decode()
    return esco


def make_token(session: Session, party: Party, *, now: datetime | None = None) -> str:
    """Client credentials and a bearer token for ``party``."""
    client, secret = issue_client(session, party=party)
    issued = issue_token(
        session, client_id=client.client_id, secret=secret, now=now or datetime.now(UTC)
    )
    return issued.access_token


def make_supplier(session: Session, **overrides: Any) -> Party:
    """An active electricity supplier (no profile; see ``make_supplier_profile``)."""
    n = next(_serial)
    fields: dict[str, Any] = {"name": f"Elhandel {n} AB"}
    return make_party(session, role=PartyRole.SUPPLIER, **(fields | overrides))


def make_supplier_profile(session: Session, supplier: Party, **overrides: Any) -> SupplierProfile:
    fields: dict[str, Any] = {
        "f_skatt": True,
        "street": "Kraftgatan 1",
        "postal_code": "11122",
        "city": "Stockholm",
        "customer_service_phone": "08-123 456 00",
        "customer_service_email": "kundservice@elhandel.example",
        "bankgiro": "5050-1055",
        "website": "https://elhandel.example",
        "pages": WebsitePages(termination_url="https://elhandel.example/uppsagning"),
    }
    return save_profile(session, supplier=supplier, draft=ProfileDraft(**(fields | overrides)))


def make_product(session: Session, supplier: Party, **overrides: Any) -> Product:
    """A variable-price product unless ``kind`` and its prices say otherwise."""
    n = next(_serial)
    fields: dict[str, Any] = {
        "code": f"RORLIGT-{n}",
        "name": "Rörligt elpris",
        "kind": ProductKind.VARIABLE,
        "terms_url": "https://elhandel.example/villkor/rorligt",
        "termination_text": "Säg upp avtalet på Mina sidor eller via kundservice.",
        "termination_free": True,
        "monthly_fee_sek": Decimal("39"),
        "certificate_ore_per_kwh": Decimal("0.6"),
        "markup_ore_per_kwh": Decimal("4.5"),
    }
    return create_product(session, supplier=supplier, draft=ProductDraft(**(fields | overrides)))

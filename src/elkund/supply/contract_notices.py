"""Before a time-limited contract expires, the supplier writes to the customer (SUP-23).

A contract expires when its fixed-price term ends (its start plus the product's ``term_months``)
or on its ``end_date`` if it was signed with one and is still active. ``send_expiry_notices``
finds the contracts that expire within the lead time (``Settings.contract_expiry_notice_days``)
and writes each one letter: when the contract expires, which of the supplier's products the
customer then gets unless they choose otherwise (its variable product, else its default one),
that product's type, binding time, termination and price, and that the customer may freely
choose another contract or supplier. What Ei asks of the letter: docs/notices.md.

One letter per contract and expiry, however often the run is repeated (a unique key holds it).
Ended and refused contracts get none, nor do open-ended ones: nothing of theirs expires.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError, Invalid
from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.portal.components.formatting import format_date, format_sek
from elkund.supply.billing_period import add_months
from elkund.supply.errors import ProfileMissing
from elkund.supply.letters import Letter, LetterField, LetterParty
from elkund.supply.models import Contract, ContractStatus, Product, ProductKind
from elkund.supply.notice_letters import (
    VAT_FACTOR,
    customer_recipient,
    ore_with_vat,
    postal_line,
    store_letter,
)
from elkund.supply.notice_models import ContractExpiryNotice
from elkund.supply.products import MAX_TERM_MONTHS
from elkund.supply.suppliers import find_profile

# Ei: the letter reaches the customer at the latest this many days before the contract expires.
LATEST_NOTICE_DAYS = 60

KIND_LABELS = {
    ProductKind.FIXED: "Fast pris",
    ProductKind.VARIABLE: "Rörligt pris, tills vidare",
    ProductKind.DYNAMIC: "Dynamiskt pris (spotpris per kvart eller timme), tills vidare",
    ProductKind.DEFAULT: "Anvisat avtal, tills vidare",
}


class NoSuccessorProduct(AppError):
    """The supplier offers no variable or default product the customer could continue on."""

    code = "no_successor_product"
    status = 409


@dataclass(frozen=True, slots=True)
class Expiry:
    """An active contract that expires on ``expires_on`` (the first day under other terms)."""

    contract: Contract
    product: Product
    expires_on: date


@dataclass(frozen=True, slots=True)
class ExpiryLetter:
    notice_id: int
    contract_id: int
    supplier: str
    customer: str
    installation_id: str
    expires_on: date
    successor: str
    days_left: int
    late: bool  # fewer than the LATEST_NOTICE_DAYS Ei asks for are left
    pdf_path: str | None

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self) | {"expires_on": self.expires_on.isoformat()}


@dataclass(frozen=True, slots=True)
class ExpiryRefusal:
    contract_id: int
    error: str
    detail: str


@dataclass(frozen=True, slots=True)
class ExpiryRun:
    made: list[ExpiryLetter]
    refused: list[ExpiryRefusal]


def expiry_of(contract: Contract, product: Product) -> date | None:
    """When the contract's current terms end: its end date, else its fixed-price term's end."""
    if contract.end_date is not None:
        return contract.end_date
    if product.kind == ProductKind.FIXED and product.term_months:
        return add_months(contract.start_date, product.term_months)
    return None


def expiring(session: Session, *, today: date, lead_days: int) -> list[Expiry]:
    """Active contracts expiring after ``today`` and at most ``lead_days`` later, not yet told."""
    if lead_days < 1:
        raise Invalid("The lead time is at least one day.", code="invalid_lead_time")
    horizon = today + timedelta(days=lead_days)
    found = []
    for contract, product in session.execute(_candidates(today, horizon)):
        expires_on = expiry_of(contract, product)
        if expires_on is not None and today < expires_on <= horizon:
            found.append(Expiry(contract, product, expires_on))
    told = _told(session, today, horizon)
    return [e for e in found if (e.contract.id, e.expires_on) not in told]


def send_expiry_notices(
    session: Session, *, today: date, lead_days: int, output: Path
) -> ExpiryRun:
    """One letter (row and PDF under ``output``) for every contract ``expiring`` finds.

    A contract whose letter cannot be written (the supplier has no profile, or no product to
    continue on) is refused with a code and written nothing; the others are not held up.
    """
    made, refused = [], []
    for expiry in expiring(session, today=today, lead_days=lead_days):
        try:
            made.append(_send(session, expiry, today, output))
        except AppError as error:
            refused.append(ExpiryRefusal(expiry.contract.id, error.code, error.detail))
    return ExpiryRun(made, refused)


def successor_product(session: Session, *, supplier_id: int) -> Product:
    """The product a customer continues on: the supplier's variable one, else its default one.

    With several of a kind, the oldest (lowest id): the supplier's standing offer.
    """
    query = (
        select(Product)
        .where(
            Product.supplier_id == supplier_id,
            Product.kind.in_([ProductKind.VARIABLE, ProductKind.DEFAULT]),
        )
        .order_by(Product.id)
    )
    products = list(session.scalars(query))
    for kind in (ProductKind.VARIABLE, ProductKind.DEFAULT):
        for product in products:
            if product.kind == kind:
                return product
    raise NoSuccessorProduct("The supplier has no variable or default product to continue on.")


def expiry_letter(
    *,
    sender: LetterParty,
    recipient: LetterParty,
    contract: Contract,
    installation: Installation,
    expires_on: date,
    successor: Product,
    sent_on: date,
    customer_service: str,
) -> Letter:
    """The letter of SUP-23, in Swedish: when, what follows, and that the customer may choose."""
    last_day = format_date(expires_on - timedelta(days=1), "sv")
    place = f"{installation.street}, {postal_line(installation.postal_code, installation.city)}"
    return Letter(
        sender=sender,
        recipient=recipient,
        sent_on=sent_on,
        title="Ditt elavtal löper snart ut",
        reference=f"Anläggnings-ID {installation.gsrn}",
        paragraphs=(
            f"Ditt elavtal {contract.name} för {place} löper ut den {last_day}.",
            "Om du inte väljer något annat fortsätter du att vara kund hos oss. Från och med den"
            f" {format_date(expires_on, 'sv')} får du då vårt avtal {successor.name}, med de"
            " villkor som står nedan.",
        ),
        fields=_successor_fields(successor, installation),
        closing=(
            "Du väljer fritt: du kan när som helst välja ett annat av våra avtal eller byta till"
            " en annan elleverantör. Byter du elleverantör sköter den nya leverantören bytet.",
            "Jämför elavtal och priser på Energimarknadsinspektionens jämförelsesajt Elpriskollen,"
            " www.elpriskollen.se.",
            f"Har du frågor? Kontakta vår kundservice: {customer_service}.",
        ),
    )


def _successor_fields(product: Product, installation: Installation) -> tuple[LetterField, ...]:
    binding = (
        f"{product.term_months} månader"
        if product.kind == ProductKind.FIXED and product.term_months
        else "Ingen, avtalet gäller tills vidare"
    )
    return (
        LetterField("Avtal:", product.name),
        LetterField("Avtalstyp:", KIND_LABELS[product.kind]),
        LetterField("Bindningstid:", binding),
        LetterField("Uppsägning:", product.termination_text),
        LetterField("Pris (inklusive moms):", _price_text(product, installation)),
        LetterField("Avtalsvillkor:", product.terms_url),
    )


def _price_text(product: Product, installation: Installation) -> str:
    zone = installation.bidding_zone
    if product.kind == ProductKind.FIXED:
        energy = f"Fast elpris {ore_with_vat(product.energy_price_ore_per_kwh or Decimal(0))}"
    elif product.kind == ProductKind.DYNAMIC:
        energy = f"Spotpriset i elområde {zone} för varje kvart eller timme"
    else:
        energy = f"Månadens genomsnittliga spotpris i elområde {zone}"
    parts = [energy]
    if product.markup_ore_per_kwh:
        parts.append(f"påslag {ore_with_vat(product.markup_ore_per_kwh)}")
    if product.certificate_ore_per_kwh:
        parts.append(f"elcertifikat {ore_with_vat(product.certificate_ore_per_kwh)}")
    fee = format_sek(product.monthly_fee_sek * VAT_FACTOR, "sv")
    return f"{', '.join(parts)}, månadsavgift {fee}."


def _send(session: Session, expiry: Expiry, today: date, output: Path) -> ExpiryLetter:
    contract = expiry.contract
    supplier, customer, installation = _parties_of(session, contract)
    successor = successor_product(session, supplier_id=supplier.id)
    sender, service = _supplier_sender(session, supplier)
    letter = expiry_letter(
        sender=sender,
        recipient=customer_recipient(customer, installation),
        contract=contract,
        installation=installation,
        expires_on=expiry.expires_on,
        successor=successor,
        sent_on=today,
        customer_service=service,
    )
    notice = ContractExpiryNotice(
        contract_id=contract.id,
        supplier_id=supplier.id,
        customer_id=customer.id,
        expires_on=expiry.expires_on,
        successor_product_id=successor.id,
        sent_on=today,
    )
    session.add(notice)
    session.flush()
    name = f"expiry-{contract.id}-{expiry.expires_on.isoformat()}.pdf"
    notice.pdf_path = store_letter(letter, output / str(supplier.id) / name)
    return ExpiryLetter(
        notice_id=notice.id,
        contract_id=contract.id,
        supplier=supplier.name,
        customer=customer.name,
        installation_id=installation.gsrn,
        expires_on=expiry.expires_on,
        successor=successor.name,
        days_left=(expiry.expires_on - today).days,
        late=(expiry.expires_on - today).days < LATEST_NOTICE_DAYS,
        pdf_path=notice.pdf_path,
    )


def _parties_of(session: Session, contract: Contract) -> tuple[Party, Customer, Installation]:
    supplier = session.get(Party, contract.supplier_id)
    customer = session.get(Customer, contract.customer_id)
    installation = session.get(Installation, contract.installation_id)
    assert supplier is not None  # foreign keys: a contract's rows exist
    assert customer is not None
    assert installation is not None
    return supplier, customer, installation


def _supplier_sender(session: Session, supplier: Party) -> tuple[LetterParty, str]:
    """The supplier as the letter's sender, and how its customer service is reached."""
    profile = find_profile(session, supplier=supplier)
    if profile is None:
        raise ProfileMissing(f"{supplier.name} has no supplier profile: no address to write from.")
    service = f"{profile.customer_service_phone}, {profile.customer_service_email}"
    contact = (
        f"Kundservice {profile.customer_service_phone}",
        profile.customer_service_email,
        profile.website,
    )
    address = (profile.street, postal_line(profile.postal_code, profile.city))
    return LetterParty(supplier.name, address, contact), service


def _candidates(today: date, horizon: date) -> Select[Contract, Product]:
    """Active contracts that may expire in ``(today, horizon]``; ``expiry_of`` decides exactly.

    A fixed term is at most ``MAX_TERM_MONTHS`` long, so only contracts started since then can
    still be in one (a month's margin for the clamping of month ends).
    """
    fixed_term = and_(
        Contract.end_date.is_(None),
        Product.kind == ProductKind.FIXED,
        Product.term_months.is_not(None),
        Contract.start_date > add_months(today, -MAX_TERM_MONTHS - 1),
        Contract.start_date <= horizon,
    )
    dated = and_(Contract.end_date > today, Contract.end_date <= horizon)
    return (
        select(Contract, Product)
        .join(Product, Product.id == Contract.product_id)
        .where(Contract.status == ContractStatus.ACTIVE, or_(dated, fixed_term))
        .order_by(Contract.supplier_id, Contract.id)
    )


def _told(session: Session, today: date, horizon: date) -> set[tuple[int, date]]:
    """The (contract, expiry) pairs already written about among expiries in ``(today, horizon]``."""
    query = select(ContractExpiryNotice.contract_id, ContractExpiryNotice.expires_on).where(
        ContractExpiryNotice.expires_on > today, ContractExpiryNotice.expires_on <= horizon
    )
    return {(contract_id, day) for contract_id, day in session.execute(query)}

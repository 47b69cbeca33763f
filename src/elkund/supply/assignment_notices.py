"""The grid company tells a customer it has assigned a supplier (anvisad elleverantör, SUP-22).

``send_assignment_notice`` is the one place that writes this letter, so that whatever assigns a
supplier calls it: the letter names the supplier and how to reach it, and explains what an
anvisat avtal is (its price and terms may be less favourable than a contract the customer
chooses; the customer may choose a supplier and contract at any time). The letter is kept (a row
and its PDF); asking again for the same installation, supplier and start returns the one made.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError, NotFound
from elkund.customers.identity import format_number
from elkund.customers.models import Customer
from elkund.grid import service as grid
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.parties.service import grid_company
from elkund.portal.components.formatting import format_date
from elkund.supply.letters import Letter, LetterField, LetterParty
from elkund.supply.models import Product, ProductKind, SupplierProfile
from elkund.supply.notice_letters import (
    customer_recipient,
    party_contact,
    postal_line,
    store_letter,
)
from elkund.supply.notice_models import AssignmentNotice
from elkund.supply.suppliers import find_profile, require_supplier


class GridCompanyMissing(NotFound):
    """No grid company is registered, so there is nobody to send the letter from."""

    code = "grid_company_missing"


class NoCustomer(AppError):
    """Nobody holds the installation on the start date: there is no customer to write to."""

    code = "no_customer"
    status = 409


@dataclass(frozen=True, slots=True)
class AssignmentLetter:
    notice_id: int
    installation_id: str
    customer: str
    supplier: str
    start: date
    pdf_path: str | None
    created: bool  # False: the letter had been made before

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self) | {"start": self.start.isoformat()}


def send_assignment_notice(
    session: Session,
    *,
    installation_id: str,
    supplier: Party,
    start: date,
    today: date,
    output: Path,
) -> AssignmentLetter:
    """Write to whoever holds the installation on ``start`` that ``supplier`` supplies from then.

    404 ``unknown_installation``, 422 ``not_a_supplier`` (403 ``party_suspended``), 409
    ``no_customer`` if nobody holds the installation that day, 404 ``grid_company_missing``.
    """
    installation = grid.get_installation(session, installation_id=installation_id)
    require_supplier(supplier)
    existing = _existing(session, installation, supplier, start)
    if existing is not None:
        return _result(session, existing, created=False)
    sender = grid_company(session)
    if sender is None:
        raise GridCompanyMissing("No grid company is registered to send the letter from.")
    customer = _customer(session, installation, start)
    letter = assignment_letter(
        sender=LetterParty(sender.name, (), party_contact(sender)),
        recipient=customer_recipient(customer, installation),
        supplier=supplier,
        profile=find_profile(session, supplier=supplier),
        default_product=_default_product(session, supplier),
        installation=installation,
        start=start,
        sent_on=today,
    )
    notice = AssignmentNotice(
        installation_id=installation.id,
        customer_id=customer.id,
        supplier_id=supplier.id,
        grid_company_id=sender.id,
        start_date=start,
        sent_on=today,
    )
    session.add(notice)
    session.flush()
    name = f"assignment-{installation.gsrn}-{supplier.id}-{start.isoformat()}.pdf"
    notice.pdf_path = store_letter(letter, output / str(sender.id) / name)
    return _result(session, notice, created=True)


def assignment_notices_of(
    session: Session, *, installation: Installation
) -> list[AssignmentNotice]:
    query = (
        select(AssignmentNotice)
        .where(AssignmentNotice.installation_id == installation.id)
        .order_by(AssignmentNotice.start_date, AssignmentNotice.id)
    )
    return list(session.scalars(query))


def assignment_letter(
    *,
    sender: LetterParty,
    recipient: LetterParty,
    supplier: Party,
    profile: SupplierProfile | None,
    default_product: Product | None,
    installation: Installation,
    start: date,
    sent_on: date,
) -> Letter:
    """The letter of SUP-22, in Swedish: who supplies from when, and what an anvisat avtal is."""
    place = f"{installation.street}, {postal_line(installation.postal_code, installation.city)}"
    return Letter(
        sender=sender,
        recipient=recipient,
        sent_on=sent_on,
        title="Du har fått en anvisad elleverantör",
        reference=f"Anläggnings-ID {installation.gsrn}",
        paragraphs=(
            f"Vi är elnätsföretaget för din anläggning på {place}. Det finns inget elavtal som"
            " du själv har valt för anläggningen, och därför har vi anvisat en elleverantör så att"
            " du får el."
            f" Från och med den {format_date(start, 'sv')} levererar {supplier.name} el till dig"
            " med ett anvisat avtal.",
        ),
        fields=_supplier_fields(supplier, profile, default_product),
        closing=(
            "Vad är ett anvisat avtal? Det är det elavtal du får när du inte själv har valt"
            " elleverantör. Priset och villkoren kan vara mindre förmånliga än för ett avtal som"
            " du väljer själv.",
            "Du kan när som helst välja elleverantör och elavtal, hos"
            f" {supplier.name} eller hos någon annan. Jämför elavtal och priser på"
            " Energimarknadsinspektionens jämförelsesajt Elpriskollen, www.elpriskollen.se.",
            "Har du frågor om elnätet eller om anvisningen är du välkommen att kontakta oss.",
        ),
    )


def _supplier_fields(
    supplier: Party, profile: SupplierProfile | None, product: Product | None
) -> tuple[LetterField, ...]:
    """The assigned supplier and how to reach it: its customer service if it has a profile."""
    phone = profile.customer_service_phone if profile else supplier.phone
    email = profile.customer_service_email if profile else supplier.email
    website = profile.website if profile else supplier.website
    fields = [
        LetterField("Anvisad elleverantör:", supplier.name),
        LetterField("Organisationsnummer:", format_number(supplier.org_number)),
    ]
    fields += [
        LetterField(label, value)
        for label, value in (("Telefon:", phone), ("E-post:", email), ("Webbplats:", website))
        if value
    ]
    if product is not None:
        fields += [
            LetterField("Avtal:", product.name),
            LetterField("Avtalsvillkor och pris:", product.terms_url),
        ]
    return tuple(fields)


def _existing(
    session: Session, installation: Installation, supplier: Party, start: date
) -> AssignmentNotice | None:
    query = select(AssignmentNotice).where(
        AssignmentNotice.installation_id == installation.id,
        AssignmentNotice.supplier_id == supplier.id,
        AssignmentNotice.start_date == start,
    )
    return session.scalars(query).one_or_none()


def _customer(session: Session, installation: Installation, start: date) -> Customer:
    customer_id = grid.holder_on(session, installation=installation, day=start)
    customer = session.get(Customer, customer_id) if customer_id is not None else None
    if customer is None:
        raise NoCustomer(f"Nobody holds the installation on {start}: no customer to write to.")
    return customer


def _default_product(session: Session, supplier: Party) -> Product | None:
    query = (
        select(Product)
        .where(Product.supplier_id == supplier.id, Product.kind == ProductKind.DEFAULT)
        .order_by(Product.id)
    )
    return session.scalars(query).first()


def _result(session: Session, notice: AssignmentNotice, *, created: bool) -> AssignmentLetter:
    installation = session.get(Installation, notice.installation_id)
    customer = session.get(Customer, notice.customer_id)
    supplier = session.get(Party, notice.supplier_id)
    assert installation is not None  # foreign keys: the notice's rows exist
    assert customer is not None
    assert supplier is not None
    return AssignmentLetter(
        notice_id=notice.id,
        installation_id=installation.gsrn,
        customer=customer.name,
        supplier=supplier.name,
        start=notice.start_date,
        pdf_path=notice.pdf_path,
        created=created,
    )

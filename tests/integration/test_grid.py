"""Customers, parties and installations: who holds and who supplies an installation over time."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from elkund.customers.identity import InvalidIdentityNumber
from elkund.customers.models import CustomerKind
from elkund.customers.service import CustomerExists, find_customer, register_customer
from elkund.grid.errors import (
    InstallationExists,
    InvalidFuse,
    OverlappingPeriod,
    UnknownInstallation,
    UnknownMunicipality,
)
from elkund.grid.gsrn import InvalidInstallationId
from elkund.grid.models import Installation
from elkund.grid.service import (
    get_installation,
    holder_on,
    installations_of,
    move_in,
    move_out,
    set_supplier,
    supplier_on,
)
from elkund.parties.models import Party, PartyRole
from elkund.parties.service import PartyExists, register_party
from tests.factories import (
    fake_personnummer,
    make_customer,
    make_installation,
    make_party,
    org_number,
)


def test_customer_kind_follows_the_identity_number(session: Session) -> None:
    person = register_customer(session, identity_number="18900101-9802", name="Tolvan Tolvansson")
    company = register_customer(session, identity_number=org_number(42), name="Bageriet AB")
    assert (person.kind, person.identity_number) == (CustomerKind.PRIVATE, "189001019802")
    assert company.kind is CustomerKind.BUSINESS
    assert find_customer(session, identity_number="900101+9802") == person


def test_customer_is_registered_once_however_the_number_is_written(session: Session) -> None:
    register_customer(session, identity_number="189001019802", name="A")
    with pytest.raises(CustomerExists):
        register_customer(session, identity_number="18900101-9802", name="B")


def test_customer_with_invalid_number_is_refused(session: Session) -> None:
    with pytest.raises(InvalidIdentityNumber):
        register_customer(session, identity_number="18900101-9803", name="A")


def test_customer_repr_never_shows_the_identity_number(session: Session) -> None:
    customer = register_customer(session, identity_number="189001019802", name="A")
    assert "9802" not in repr(customer)


def test_party_roles_and_duplicates(session: Session) -> None:
    esco = make_party(session, role=PartyRole.ESCO, org_number=org_number(7))
    supplier = make_party(session, role=PartyRole.SUPPLIER, org_number=org_number(7))
    assert (esco.role, supplier.role) == (PartyRole.ESCO, PartyRole.SUPPLIER)
    with pytest.raises(PartyExists):
        register_party(session, role=PartyRole.ESCO, name="Again", org_number=org_number(7))


def test_installation_id_must_be_valid_and_unique(session: Session) -> None:
    installation = make_installation(session)
    with pytest.raises(InstallationExists):
        make_installation(session, installation_id=installation.gsrn)
    with pytest.raises(InvalidInstallationId):
        make_installation(session, installation_id="735999000000000014")
    with pytest.raises(UnknownMunicipality):
        make_installation(session, municipality_code="9999")
    with pytest.raises(InvalidFuse):
        make_installation(session, fuse_amperes=0)
    with pytest.raises(InvalidFuse):
        make_installation(session, fuse_amperes=6301)


def test_unknown_installation_is_not_found(session: Session) -> None:
    with pytest.raises(UnknownInstallation) as caught:
        get_installation(session, installation_id="735999000000000013")
    assert caught.value.status == 404


def test_move_in_ends_the_previous_holders_period(session: Session) -> None:
    first = make_customer(session)
    second = make_customer(session, identity_number=fake_personnummer("19700315", 991))
    installation = make_installation(session, holder=first, since=date(2020, 1, 1))
    move_in(session, installation=installation, customer=second, day=date(2024, 5, 1))
    assert holder_on(session, installation=installation, day=date(2024, 4, 30)) == first.id
    assert holder_on(session, installation=installation, day=date(2024, 5, 1)) == second.id
    assert holder_on(session, installation=installation, day=date(2019, 12, 31)) is None
    assert installations_of(session, customer=first, day=date(2024, 5, 1)) == []
    assert installations_of(session, customer=second, day=date(2024, 5, 1)) == [installation]


def test_move_out_leaves_the_installation_without_holder(session: Session) -> None:
    customer = make_customer(session)
    installation = make_installation(session, holder=customer, since=date(2020, 1, 1))
    move_out(session, installation=installation, day=date(2023, 1, 1))
    assert holder_on(session, installation=installation, day=date(2023, 1, 1)) is None
    with pytest.raises(OverlappingPeriod):
        move_out(session, installation=installation, day=date(2024, 1, 1))


def test_move_in_inside_an_earlier_period_is_refused(session: Session) -> None:
    customer = make_customer(session)
    installation = make_installation(session, holder=customer, since=date(2022, 1, 1))
    with pytest.raises(OverlappingPeriod):
        move_in(session, installation=installation, customer=customer, day=date(2021, 6, 1))


def test_supplier_of_record_over_time(session: Session) -> None:
    installation = make_installation(session)
    old = make_party(session, role=PartyRole.SUPPLIER)
    new = make_party(session, role=PartyRole.SUPPLIER)
    set_supplier(session, installation=installation, supplier=old, start=date(2021, 1, 1))
    set_supplier(session, installation=installation, supplier=new, start=date(2024, 10, 1))
    assert supplier_on(session, installation=installation, day=date(2024, 9, 30)) == old.id
    assert supplier_on(session, installation=installation, day=date(2024, 10, 1)) == new.id
    assert supplier_on(session, installation=installation, day=date(2020, 12, 31)) is None
    with pytest.raises(ValueError, match="supplier"):
        set_supplier(
            session, installation=installation, supplier=make_party(session), start=date(2025, 1, 1)
        )


def test_supplier_loaded_from_the_database_can_be_supplier_of_record(session: Session) -> None:
    installation_id = make_installation(session).id
    supplier_id = make_party(session, role=PartyRole.SUPPLIER).id
    session.expunge_all()
    supplier = session.get(Party, supplier_id)
    installation = session.get(Installation, installation_id)
    assert supplier is not None
    assert installation is not None
    set_supplier(session, installation=installation, supplier=supplier, start=date(2025, 1, 1))
    assert supplier_on(session, installation=installation, day=date(2025, 1, 1)) == supplier_id

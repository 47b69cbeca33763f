"""Supply contracts: starting, ending, SUP-7 billing intervals, and what invoices print (SUP-9)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from elkund.customers.models import Customer
from elkund.grid import repository as grid_repository
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.supply.contracts import (
    ContractStart,
    contract_info,
    contract_on,
    contracts_of_installation,
    end_contract,
    start_contract,
)
from elkund.supply.errors import (
    ContractNotActive,
    ContractNotFound,
    InvalidBillingInterval,
    InvalidEndDate,
    OverlappingContract,
    UnknownProduct,
)
from elkund.supply.models import Contract, ContractStatus, NoticeKind, NoticeStatus, ProductKind
from elkund.supply.notices import notices_of
from tests.factories import make_customer, make_installation, make_product, make_supplier

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def world(session: Session) -> tuple[Party, Customer, Installation]:
    customer = make_customer(session)
    return make_supplier(session), customer, make_installation(session, holder=customer)


def _start(
    session: Session, supplier: Party, customer: Customer, installation: Installation, **kw: object
) -> ContractStart:
    fields: dict[str, object] = {
        "product": make_product(session, supplier),
        "start": date(2026, 4, 1),
        "now": NOW,
    }
    return start_contract(
        session,
        supplier=supplier,
        installation_id=installation.gsrn,
        customer=customer,
        **(fields | kw),  # type: ignore[arg-type]
    )


def test_a_started_contract_is_active_with_the_product_name(
    session: Session, world: tuple[Party, Customer, Installation]
) -> None:
    supplier, customer, installation = world
    contract = _start(session, supplier, customer, installation).contract
    assert contract is not None
    session.expire_all()
    stored = session.get(Contract, contract.id)
    assert stored is not None
    assert (stored.status, stored.name, stored.billing_interval_months) == (
        ContractStatus.ACTIVE,
        "Rörligt elpris",
        1,
    )
    assert (stored.customer_id, stored.start_date, stored.end_date) == (
        customer.id,
        date(2026, 4, 1),
        None,
    )
    assert contract_on(session, installation_id=installation.id, day=date(2026, 4, 1)) == stored
    assert contract_on(session, installation_id=installation.id, day=date(2026, 3, 31)) is None


def test_sup_7_billing_interval_at_most_quarterly_for_remote_read_meters(
    session: Session, world: tuple[Party, Customer, Installation]
) -> None:
    supplier, customer, installation = world
    with pytest.raises(InvalidBillingInterval):
        _start(session, supplier, customer, installation, billing_interval_months=4)
    manual = make_installation(session, holder=customer, remote_read=False)
    started = _start(session, supplier, customer, manual, billing_interval_months=12)
    assert started.contract is not None
    assert started.contract.billing_interval_months == 12
    with pytest.raises(InvalidBillingInterval):
        _start(session, supplier, customer, manual, billing_interval_months=13)


def test_another_suppliers_product_is_refused(
    session: Session, world: tuple[Party, Customer, Installation]
) -> None:
    supplier, customer, installation = world
    foreign = make_product(session, make_supplier(session))
    with pytest.raises(UnknownProduct):
        _start(session, supplier, customer, installation, product=foreign)


def test_a_second_own_contract_covering_the_start_is_refused_before_any_notice(
    session: Session, world: tuple[Party, Customer, Installation]
) -> None:
    supplier, customer, installation = world
    _start(session, supplier, customer, installation)
    with pytest.raises(OverlappingContract) as error:
        _start(session, supplier, customer, installation, start=date(2026, 6, 1))
    assert error.value.code == "overlapping_contract"
    assert len(notices_of(session, supplier=supplier)) == 1


def test_ending_a_contract_ends_the_supply_period_and_notifies_the_grid(
    session: Session, world: tuple[Party, Customer, Installation]
) -> None:
    supplier, customer, installation = world
    contract = _start(session, supplier, customer, installation).contract
    assert contract is not None
    ended = end_contract(
        session, supplier=supplier, contract_id=contract.id, end=date(2026, 7, 1), now=NOW
    )
    assert (ended.status, ended.end_date, ended.end_reason) == (
        ContractStatus.ENDED,
        date(2026, 7, 1),
        "terminated",
    )
    periods = grid_repository.supply_periods(session, installation.id)
    assert [(p.start_date, p.end_date) for p in periods] == [(date(2026, 4, 1), date(2026, 7, 1))]
    end_notice = notices_of(session, supplier=supplier)[-1]
    assert (end_notice.kind, end_notice.status, end_notice.start_date) == (
        NoticeKind.END,
        NoticeStatus.ACCEPTED,
        date(2026, 7, 1),
    )
    # A new contract of the same supplier from that day is fine (a change of product).
    again = _start(session, supplier, customer, installation, start=date(2026, 7, 1))
    assert again.accepted


def test_ending_refusals(session: Session, world: tuple[Party, Customer, Installation]) -> None:
    supplier, customer, installation = world
    contract = _start(session, supplier, customer, installation).contract
    assert contract is not None
    with pytest.raises(ContractNotFound):
        end_contract(
            session, supplier=make_supplier(session), contract_id=contract.id, end=date(2026, 7, 1)
        )
    with pytest.raises(InvalidEndDate):
        end_contract(
            session, supplier=supplier, contract_id=contract.id, end=date(2026, 4, 1), now=NOW
        )
    with pytest.raises(InvalidEndDate):  # in the past
        end_contract(
            session,
            supplier=supplier,
            contract_id=contract.id,
            end=date(2026, 4, 2),
            now=datetime(2026, 5, 1, tzinfo=UTC),
        )
    end_contract(session, supplier=supplier, contract_id=contract.id, end=date(2026, 7, 1), now=NOW)
    with pytest.raises(ContractNotActive):
        end_contract(
            session, supplier=supplier, contract_id=contract.id, end=date(2026, 8, 1), now=NOW
        )


def test_refused_contracts_are_not_among_an_installations_contracts(
    session: Session, world: tuple[Party, Customer, Installation]
) -> None:
    supplier, customer, installation = world
    refused = _start(session, supplier, customer, installation, start=date(2026, 1, 1))
    assert refused.contract is not None
    assert refused.contract.status == ContractStatus.REFUSED
    assert contracts_of_installation(session, installation_id=installation.id) == []
    with pytest.raises(ContractNotActive):
        end_contract(
            session, supplier=supplier, contract_id=refused.contract.id, end=date(2026, 7, 1)
        )


def test_sup_9_6_to_8_contract_info_for_the_invoice(
    session: Session, world: tuple[Party, Customer, Installation]
) -> None:
    """SUP-9 (6)–(8): the contract, its validity, where its terms are, how to end it, anvisat."""
    supplier, customer, installation = world
    product = make_product(
        session,
        supplier,
        kind=ProductKind.DEFAULT,
        name="Anvisat avtal",
        markup_ore_per_kwh=Decimal("9"),
    )
    contract = _start(session, supplier, customer, installation, product=product).contract
    assert contract is not None
    end_contract(session, supplier=supplier, contract_id=contract.id, end=date(2026, 7, 1), now=NOW)
    info = contract_info(contract, product)
    assert (info.name, info.kind, info.start, info.end) == (
        "Anvisat avtal",
        "default",
        date(2026, 4, 1),
        date(2026, 6, 30),  # printed: the last day of supply
    )
    assert info.is_default_contract
    assert info.terms_url == product.terms_url
    assert (info.termination, info.termination_free) == (product.termination_text, True)

"""SUP-21: before supply starts the supplier notifies the grid company, which makes it supplier of
record from that day (or refuses the notice with a stable code, and keeps it)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from elkund.grid import repository as grid_repository
from elkund.grid.service import receive_supply_start, supplier_on
from elkund.parties.credentials import PartySuspended
from elkund.parties.models import PartyStatus
from elkund.supply.contracts import start_contract
from elkund.supply.models import ContractStatus, NoticeKind, NoticeStatus
from elkund.supply.notices import notices_of, refusal_error
from tests.factories import make_customer, make_installation, make_product, make_supplier

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
TODAY = date(2026, 3, 2)


def test_sup_21_accepted_notice_creates_the_supply_period(session: Session) -> None:
    customer = make_customer(session)
    installation = make_installation(session, holder=customer)
    supplier = make_supplier(session)
    started = start_contract(
        session,
        supplier=supplier,
        product=make_product(session, supplier),
        installation_id=installation.gsrn,
        customer=customer,
        start=date(2026, 4, 1),
        now=NOW,
    )
    notice = started.notice
    assert started.accepted
    assert (notice.kind, notice.status, notice.start_date) == (
        NoticeKind.START,
        NoticeStatus.ACCEPTED,
        date(2026, 4, 1),
    )
    assert notice.sent_at == NOW
    periods = grid_repository.supply_periods(session, installation.id)
    assert [(p.supplier_id, p.start_date, p.end_date) for p in periods] == [
        (supplier.id, date(2026, 4, 1), None)
    ]
    assert notice.supply_period_id == periods[0].id
    assert supplier_on(session, installation=installation, day=date(2026, 3, 31)) is None
    assert supplier_on(session, installation=installation, day=date(2026, 4, 1)) == supplier.id
    assert notices_of(session, supplier=supplier) == [notice]


def test_sup_21_a_switch_closes_the_previous_suppliers_period_and_contract(
    session: Session,
) -> None:
    customer = make_customer(session)
    installation = make_installation(session, holder=customer)
    old, new = make_supplier(session), make_supplier(session)
    first = start_contract(
        session,
        supplier=old,
        product=make_product(session, old),
        installation_id=installation.gsrn,
        customer=customer,
        start=TODAY,
        now=NOW,
    )
    start_contract(
        session,
        supplier=new,
        product=make_product(session, new),
        installation_id=installation.gsrn,
        customer=customer,
        start=date(2026, 5, 1),
        now=NOW,
    )
    periods = grid_repository.supply_periods(session, installation.id)
    assert [(p.supplier_id, p.start_date, p.end_date) for p in periods] == [
        (old.id, TODAY, date(2026, 5, 1)),  # last day of supply: 30 April
        (new.id, date(2026, 5, 1), None),
    ]
    assert first.contract is not None
    assert first.contract.status == ContractStatus.ENDED
    assert (first.contract.end_date, first.contract.end_reason) == (date(2026, 5, 1), "switched")


def _refused(session: Session, **overrides: object) -> tuple[str, int]:
    customer = make_customer(session)
    installation = make_installation(session, holder=customer, since=date(2026, 1, 1))
    supplier = make_supplier(session)
    product = make_product(session, supplier)
    fields: dict[str, object] = {
        "supplier": supplier,
        "product": product,
        "installation_id": installation.gsrn,
        "customer": customer,
        "start": date(2026, 4, 1),
        "now": NOW,
    }
    fields |= overrides
    started = start_contract(session, **fields)  # type: ignore[arg-type]
    assert started.notice.status == NoticeStatus.REFUSED
    assert started.contract is None or started.contract.status == ContractStatus.REFUSED
    assert grid_repository.supply_periods(session, installation.id) == []
    error = refusal_error(started.notice)
    assert error.code == started.notice.refusal_code
    return error.code, error.status


def test_sup_21_refused_start_date_in_the_past(session: Session) -> None:
    assert _refused(session, start=date(2026, 3, 1)) == ("start_date_in_past", 422)


def test_sup_21_refused_unknown_installation(session: Session) -> None:
    code, status = _refused(session, installation_id="735999000000000000")
    assert (code, status) == ("unknown_installation", 404)


def test_sup_21_refused_when_the_customer_does_not_hold_the_installation(
    session: Session,
) -> None:
    stranger = make_customer(session)
    assert _refused(session, customer=stranger) == ("customer_not_holder", 422)


def test_sup_21_refused_when_a_later_supply_period_is_registered(session: Session) -> None:
    customer = make_customer(session)
    installation = make_installation(session, holder=customer)
    other = make_supplier(session)
    start_contract(
        session,
        supplier=other,
        product=make_product(session, other),
        installation_id=installation.gsrn,
        customer=customer,
        start=date(2026, 6, 1),
        now=NOW,
    )
    late = make_supplier(session)
    started = start_contract(
        session,
        supplier=late,
        product=make_product(session, late),
        installation_id=installation.gsrn,
        customer=customer,
        start=date(2026, 5, 1),
        now=NOW,
    )
    assert started.notice.refusal_code == "overlapping_contract"
    assert started.contract is not None
    assert started.contract.status == ContractStatus.REFUSED
    assert [p.supplier_id for p in grid_repository.supply_periods(session, installation.id)] == [
        other.id
    ]


def test_sup_21_refused_for_a_suspended_supplier_by_the_grid_and_kept(session: Session) -> None:
    """A suspended supplier is stopped before any notice; the grid's own check is the backstop."""
    customer = make_customer(session)
    installation = make_installation(session, holder=customer)
    supplier = make_supplier(session)
    supplier.status = PartyStatus.SUSPENDED
    answer = receive_supply_start(
        session,
        supplier=supplier,
        installation_ref=installation.gsrn,
        customer_id=customer.id,
        start=date(2026, 4, 1),
        today=TODAY,
    )
    assert (answer.accepted, answer.refusal_code) == (False, "supplier_not_active")
    with pytest.raises(PartySuspended) as error:
        start_contract(
            session,
            supplier=supplier,
            product=make_product(session, make_supplier(session)),
            installation_id=installation.gsrn,
            customer=customer,
            start=date(2026, 4, 1),
            now=NOW,
        )
    assert error.value.code == "party_suspended"

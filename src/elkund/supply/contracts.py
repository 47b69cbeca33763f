"""Supply contracts: starting one notifies the grid company (SUP-21), ending one too.

A contract whose notice the grid company refused is kept as ``refused`` (SUP-25) and the caller
gets the notice with the refusal code; the edge commits, then answers with ``refusal_error``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from elkund.core.localtime import local_date, utcnow
from elkund.customers.models import Customer
from elkund.grid import repository as grid_repository
from elkund.grid.gsrn import InvalidInstallationId, parse_installation_id
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.supply.billing_period import check_interval
from elkund.supply.document import ContractInfo
from elkund.supply.errors import (
    ContractNotActive,
    ContractNotFound,
    InvalidEndDate,
    OverlappingContract,
    UnknownProduct,
)
from elkund.supply.models import Contract, ContractStatus, Product, ProductKind, SupplyNotice
from elkund.supply.notices import send_end_notice, send_start_notice
from elkund.supply.suppliers import require_supplier


class EndReason:
    TERMINATED = "terminated"  # uppsagt
    SWITCHED = "switched"  # another supplier took over (leverantörsbyte)
    MOVED_OUT = "moved_out"  # the customer moved out


@dataclass(frozen=True, slots=True)
class ContractStart:
    """The contract (none if the installation is unknown) and the notice with the grid's answer."""

    contract: Contract | None
    notice: SupplyNotice

    @property
    def accepted(self) -> bool:
        return self.contract is not None and self.contract.status == ContractStatus.ACTIVE


def start_contract(
    session: Session,
    *,
    supplier: Party,
    product: Product,
    installation_id: str,
    customer: Customer,
    start: date,
    name: str | None = None,
    billing_interval_months: int = 1,
    now: datetime | None = None,
) -> ContractStart:
    """Sign a contract and notify the grid company that supply starts on ``start`` (SUP-21).

    Refused before any notice: the party is no (active) supplier, the product is not its, the
    billing interval breaks SUP-7, or this supplier already has a contract for the installation
    covering ``start`` (409 ``overlapping_contract``; end it first).
    """
    now = now or utcnow()
    require_supplier(supplier)
    if product.supplier_id != supplier.id:
        raise UnknownProduct(f"{supplier.name} has no such product.")
    installation = _installation(session, installation_id)
    contract = None
    if installation is not None:
        check_interval(billing_interval_months, remote_read=installation.remote_read)
        _check_no_own_contract(session, supplier, installation, start)
        contract = _new_contract(
            session, supplier, product, installation, customer, start, name, billing_interval_months
        )
    notice, answer = send_start_notice(
        session,
        supplier=supplier,
        installation_ref=installation_id,
        customer_id=customer.id,
        start=start,
        contract_id=contract.id if contract else None,
        now=now,
    )
    if contract is not None and not answer.accepted:
        contract.status = ContractStatus.REFUSED
    elif contract is not None and answer.replaced_supplier_id is not None:
        _end_replaced(session, contract.installation_id, answer.replaced_supplier_id, start)
    session.flush()
    return ContractStart(contract, notice)


def end_contract(
    session: Session,
    *,
    supplier: Party,
    contract_id: int,
    end: date,
    reason: str = EndReason.TERMINATED,
    now: datetime | None = None,
) -> Contract:
    """End the supply before ``end`` (the first day without) and notify the grid company.

    404 ``contract_not_found`` if it is not this supplier's, 409 ``contract_not_active`` if it has
    ended or was refused, 422 ``invalid_end_date`` for a past date or one not after the start.
    """
    now = now or utcnow()
    require_supplier(supplier)
    contract = session.get(Contract, contract_id)
    if contract is None or contract.supplier_id != supplier.id:
        raise ContractNotFound("This supplier has no such contract.")
    if contract.status != ContractStatus.ACTIVE:
        raise ContractNotActive(f"The contract is {contract.status}, not active.")
    if end <= contract.start_date or end < local_date(now):
        raise InvalidEndDate("A contract ends after it starts, and not in the past.")
    installation = session.get(Installation, contract.installation_id)
    assert installation is not None
    send_end_notice(
        session,
        supplier=supplier,
        installation=installation,
        customer_id=contract.customer_id,
        end=end,
        contract_id=contract.id,
        now=now,
    )
    _close(contract, end, reason)
    session.flush()
    return contract


def contracts_of_installation(session: Session, *, installation_id: int) -> list[Contract]:
    """Every contract of an installation that the grid company accepted, oldest first."""
    query = (
        select(Contract)
        .where(
            Contract.installation_id == installation_id,
            Contract.status != ContractStatus.REFUSED,
        )
        .order_by(Contract.start_date, Contract.id)
    )
    return list(session.scalars(query))


def contract_on(session: Session, *, installation_id: int, day: date) -> Contract | None:
    """The contract under which the installation is supplied on ``day``, if any."""
    query = select(Contract).where(
        Contract.installation_id == installation_id,
        Contract.status != ContractStatus.REFUSED,
        Contract.start_date <= day,
        or_(Contract.end_date.is_(None), Contract.end_date > day),
    )
    return session.scalars(query.order_by(Contract.start_date.desc())).first()


def contract_info(contract: Contract, product: Product) -> ContractInfo:
    """SUP-9 (6)–(8) as the invoice prints them; ``end`` is the last day of supply (inclusive)."""
    return ContractInfo(
        name=contract.name,
        kind=str(product.kind),
        start=contract.start_date,
        end=contract.end_date - timedelta(days=1) if contract.end_date else None,
        terms_url=product.terms_url,
        termination=product.termination_text,
        termination_free=product.termination_free,
        is_default_contract=product.kind == ProductKind.DEFAULT,
    )


def _installation(session: Session, reference: str) -> Installation | None:
    try:
        gsrn = parse_installation_id(reference)
    except InvalidInstallationId:
        return None  # the grid company refuses the notice: unknown_installation
    return grid_repository.installation_by_gsrn(session, gsrn)


def _check_no_own_contract(
    session: Session, supplier: Party, installation: Installation, start: date
) -> None:
    for contract in contracts_of_installation(session, installation_id=installation.id):
        ends_after = contract.end_date is None or contract.end_date > start
        if contract.supplier_id == supplier.id and ends_after:
            raise OverlappingContract(
                f"Contract {contract.id} of this supplier already covers {start}; end it first."
            )


def _new_contract(
    session: Session,
    supplier: Party,
    product: Product,
    installation: Installation,
    customer: Customer,
    start: date,
    name: str | None,
    months: int,
) -> Contract:
    contract = Contract(
        installation_id=installation.id,
        customer_id=customer.id,
        supplier_id=supplier.id,
        product_id=product.id,
        name=name or product.name,
        start_date=start,
        end_date=None,
        billing_interval_months=months,
        status=ContractStatus.ACTIVE,
    )
    session.add(contract)
    session.flush()
    return contract


def _end_replaced(session: Session, installation_id: int, supplier_id: int, start: date) -> None:
    """The previous supplier's open contract ends where the new supply begins (switch)."""
    for contract in contracts_of_installation(session, installation_id=installation_id):
        theirs = contract.supplier_id == supplier_id and contract.status == ContractStatus.ACTIVE
        runs_past = contract.start_date < start and (
            contract.end_date is None or contract.end_date > start
        )
        if theirs and runs_past:
            _close(contract, start, EndReason.SWITCHED)


def _close(contract: Contract, end: date, reason: str) -> None:
    contract.end_date = end
    contract.status = ContractStatus.ENDED
    contract.end_reason = reason

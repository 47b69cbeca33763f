"""Regulator test data: suppliers with contracts, invoice rows, payments and spot prices.

Invoices and payments are written as rows (no billing run, no PDFs): the exports and the
retention policy read only their columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.supply.billing_models import Invoice
from elkund.supply.contracts import start_contract
from elkund.supply.models import Contract, ContractStatus, DayAheadPrice, Product
from elkund.supply.ocr import make_ocr
from elkund.supply.payment_models import Payment
from tests.factories import make_customer, make_installation, make_product, make_supplier

_sequence = count(1)


@dataclass
class Supplied:
    """A supplier with one customer, installation, product and a started contract."""

    supplier: Party
    customer: Customer
    installation: Installation
    product: Product
    contract: Contract


def make_supplied(
    session: Session,
    *,
    start: date = date(2025, 3, 1),
    signed: datetime = datetime(2025, 2, 1, 9, tzinfo=UTC),
) -> Supplied:
    """Signed (and the grid company notified) at ``signed``; supply from ``start``."""
    customer = make_customer(session)
    home = make_installation(session, holder=customer, since=date(start.year - 1, 1, 1))
    supplier = make_supplier(session)
    product = make_product(session, supplier)
    started = start_contract(
        session,
        supplier=supplier,
        product=product,
        installation_id=home.gsrn,
        customer=customer,
        start=start,
        now=signed,
    )
    assert started.contract is not None
    assert started.accepted
    return Supplied(supplier, customer, home, product, started.contract)


def add_contract(
    session: Session, world: Supplied, *, start: date, end: date | None, name: str = "Extra"
) -> Contract:
    """A contract row written directly (no notice): for the period boundaries."""
    contract = Contract(
        installation_id=world.installation.id,
        customer_id=world.customer.id,
        supplier_id=world.supplier.id,
        product_id=world.product.id,
        name=name,
        start_date=start,
        end_date=end,
        billing_interval_months=1,
        status=ContractStatus.ENDED if end else ContractStatus.ACTIVE,
        end_reason="terminated" if end else None,
        created_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    session.add(contract)
    session.flush()
    return contract


def add_invoice(
    session: Session,
    contract: Contract,
    *,
    issued: date,
    total: Decimal = Decimal("125.00"),
    kind: str = "invoice",
    credits: Invoice | None = None,
) -> Invoice:
    """An invoice (or credit note) row of ``contract`` issued on ``issued``."""
    sequence = next(_sequence)
    number = f"{sequence:08d}"
    vat = (total / 5).quantize(Decimal("0.01"))
    invoice = Invoice(
        supplier_id=contract.supplier_id,
        sequence=sequence,
        number=number,
        kind=kind,
        status="issued",
        contract_id=contract.id,
        installation_id=contract.installation_id,
        customer_id=contract.customer_id,
        billing_month=issued.replace(day=1),
        period_start=issued.replace(day=1),
        period_end=issued,
        issue_date=issued,
        due_date=issued,
        ocr=make_ocr(number),
        net=total - vat,
        vat=vat,
        total=total,
        consumption_wh=123_456,
        basis_digest="0" * 64,
        credits_invoice_id=credits.id if credits else None,
        document="{}",
    )
    session.add(invoice)
    session.flush()
    return invoice


def add_payment(session: Session, invoice: Invoice, *, paid_on: date) -> Payment:
    payment = Payment(
        supplier_id=invoice.supplier_id,
        invoice_id=invoice.id,
        amount=invoice.total,
        paid_on=paid_on,
        reference=invoice.ocr,
        matched_by="ocr",
    )
    session.add(payment)
    session.flush()
    return payment


def add_spot_price(
    session: Session, zone: str, start: datetime, ore_per_kwh: str, resolution: str = "PT60M"
) -> None:
    price = Decimal(ore_per_kwh)
    session.add(
        DayAheadPrice(
            zone=zone,
            start=start,
            resolution=resolution,
            price_ore_per_kwh=price,
            source_price=price / 100,
            currency="SEK",
            sek_per_eur=None,
            imported_at=datetime(2025, 3, 1, tzinfo=UTC),
        )
    )
    session.flush()

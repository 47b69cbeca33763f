"""Invoices to pay: a supplier with a bankgiro, one contract, and invoice rows with OCR numbers.

The rows are written directly (no billing run, no PDFs): payments only need number, OCR, total,
kind and status. ``tests/supply/fixtures/bgmax/*.bgmax`` pay the OCR numbers of 00000001-7.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from elkund.parties.models import Party
from elkund.supply.billing_models import Invoice
from elkund.supply.contracts import start_contract
from elkund.supply.models import Contract
from elkund.supply.ocr import make_ocr
from tests.factories import (
    make_customer,
    make_installation,
    make_product,
    make_supplier,
    make_supplier_profile,
)

FIXTURES = Path(__file__).parent / "fixtures" / "bgmax"
BANKGIRO = "5050-1055"  # the receiving bankgiro in the fixtures' TK05


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Billed:
    supplier: Party
    contract: Contract
    invoices: dict[str, Invoice]


def make_billed_supplier(session: Session, *, bankgiro: str = BANKGIRO) -> Billed:
    """A supplier whose profile gives ``bankgiro``, with one customer under contract."""
    customer = make_customer(session)
    home = make_installation(session, holder=customer)
    supplier = make_supplier(session)
    make_supplier_profile(session, supplier, bankgiro=bankgiro)
    started = start_contract(
        session,
        supplier=supplier,
        product=make_product(session, supplier),
        installation_id=home.gsrn,
        customer=customer,
        start=date(2025, 3, 1),
        now=datetime(2025, 2, 1, tzinfo=UTC),
    )
    assert started.contract is not None
    return Billed(supplier, started.contract, {})


def add_invoice(
    session: Session,
    billed: Billed,
    sequence: int,
    total: str,
    *,
    kind: str = "invoice",
    status: str = "issued",
) -> Invoice:
    """Invoice (or credit note) number ``sequence`` of eight digits, with its OCR number."""
    number = f"{sequence:08d}"
    contract = billed.contract
    invoice = Invoice(
        supplier_id=billed.supplier.id,
        sequence=sequence,
        number=number,
        kind=kind,
        status=status,
        contract_id=contract.id,
        installation_id=contract.installation_id,
        customer_id=contract.customer_id,
        billing_month=date(2025, 3, 1),
        period_start=date(2025, 3, 1),
        period_end=date(2025, 3, 31),
        issue_date=date(2025, 4, 2),
        due_date=date(2025, 5, 2),
        ocr=make_ocr(number),
        net=Decimal(total) * 4 / 5,
        vat=Decimal(total) / 5,
        total=Decimal(total),
        consumption_wh=0,
        basis_digest="0" * 64,
        document="{}",
    )
    session.add(invoice)
    session.flush()
    billed.invoices[number] = invoice
    return invoice


def billed_for_correct_file(session: Session) -> Billed:
    """The invoices ``correct.bgmax`` pays: in full, in part and too much."""
    billed = make_billed_supplier(session)
    add_invoice(session, billed, 1, "797.00")
    add_invoice(session, billed, 2, "500.00")
    add_invoice(session, billed, 3, "250.00")
    return billed

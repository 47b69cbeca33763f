"""The billing run end to end on real transactions: due contracts, gap-free numbers, idempotent
re-runs, corrections credited and re-invoiced, SUP-7 refusals, files written (SUP-6, 7, 9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from elkund.access.models import ShareLogEntry
from elkund.core.db import session_scope
from elkund.metering.formats import FileFormat
from elkund.metering.service import ingest_file
from elkund.supply.billing import run_billing
from elkund.supply.billing_models import Invoice
from elkund.supply.contracts import start_contract
from elkund.supply.models import Contract, ProductKind
from elkund.supply.stored import document_of
from tests.factories import (
    make_customer,
    make_installation,
    make_product,
    make_supplier,
    make_supplier_profile,
    org_number,
)
from tests.integration.helpers import day_file
from tests.supply.peppol.validator import fatal_ids, require_peppol_dir, shared_validator

MARCH = date(2025, 3, 1)
RUN_AT = datetime(2025, 4, 2, 6, 0, tzinfo=UTC)
QUARTERS_IN_MARCH_2025 = 31 * 96 - 4  # 30 March lost an hour


@dataclass(frozen=True)
class World:
    gsrn: str
    supplier_org: str
    contract_id: int


def seed(committed: sessionmaker[Session], *, business: bool = False) -> World:
    with session_scope(committed, write=True) as session:
        number = {"identity_number": org_number(91)} if business else {}
        customer = make_customer(session, name="Kund Ett", **number)
        home = make_installation(session, holder=customer, since=date(2020, 1, 1))
        data = day_file(home.gsrn, MARCH, date(2025, 4, 1), wh=250)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
        supplier = make_supplier(session)
        make_supplier_profile(session, supplier)
        product = make_product(
            session,
            supplier,
            kind=ProductKind.FIXED,
            name="Fast pris 1 år",
            energy_price_ore_per_kwh=Decimal("80"),
            term_months=12,
            markup_ore_per_kwh=None,
        )
        started = start_contract(
            session,
            supplier=supplier,
            product=product,
            installation_id=home.gsrn,
            customer=customer,
            start=MARCH,
            now=datetime(2025, 2, 1, tzinfo=UTC),
        )
        assert started.contract is not None
        return World(home.gsrn, supplier.org_number, started.contract.id)


def bill(committed: sessionmaker[Session], world: World, tmp_path: Path) -> list[dict[str, object]]:
    result = run_billing(
        committed, month=MARCH, supplier_org=world.supplier_org, now=RUN_AT, output=tmp_path
    )
    assert result.refused == []
    return [invoice.as_dict() for invoice in result.invoices]


def test_a_month_is_billed_once_with_the_metered_kwh(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    """SUP-9 (2): the invoice rests on the month's kWh; a second run creates nothing."""
    world = seed(committed)
    first = bill(committed, world, tmp_path)
    assert [(i["number"], i["created"], i["ubl_path"]) for i in first] == [("00000001", True, None)]
    assert Path(str(first[0]["pdf_path"])).read_bytes().startswith(b"%PDF-")
    with session_scope(committed) as session:
        invoice = session.scalars(select(Invoice)).one()
        doc = document_of(invoice)
        # 250 Wh a quarter, 80 öre/kWh + 0,6 öre elcertifikat + 39 kr a month, 25 % VAT
        assert doc.consumption_kwh == Decimal(QUARTERS_IN_MARCH_2025 * 250) / 1000
        assert [line.amount for line in doc.lines] == [
            Decimal("594.40"),
            Decimal("4.46"),
            Decimal("39.00"),
        ]
        assert (doc.net, doc.vat, doc.total) == (
            Decimal("637.86"),
            Decimal("159.47"),
            Decimal("797"),
        )
        assert doc.ocr.startswith("00000001")
        # The supplier read the values through the gate, logged like any share (EU-3).
        log = session.scalars(select(ShareLogEntry)).all()
        assert [(e.basis, e.consent_id) for e in log] == [("supplier", None)]
    again = bill(committed, world, tmp_path)
    assert [(i["number"], i["created"]) for i in again] == [("00000001", False)]


def test_corrected_values_are_credited_and_invoiced_again(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    world = seed(committed)
    bill(committed, world, tmp_path)
    with session_scope(committed, write=True) as session:
        data = day_file(world.gsrn, date(2025, 3, 10), date(2025, 3, 11), wh=500)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
    rerun = bill(committed, world, tmp_path)
    assert [(i["number"], i["kind"], i["created"]) for i in rerun] == [
        ("00000001", "invoice", False),
        ("00000002", "credit_note", True),
        ("00000003", "invoice", True),
    ]
    with session_scope(committed) as session:
        old, note, new = session.scalars(select(Invoice).order_by(Invoice.sequence)).all()
        assert (old.status, note.credits_invoice_id) == ("credited", old.id)
        assert note.total == -old.total
        assert document_of(note).credited_number == "00000001"
        assert document_of(new).consumption_kwh == document_of(old).consumption_kwh + Decimal(24)


def test_sup_7_a_billing_interval_over_a_quarter_is_refused(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    """SUP-7: a remote-read meter is invoiced at least every quarter."""
    world = seed(committed)
    with session_scope(committed, write=True) as session:
        contract = session.get(Contract, world.contract_id)
        assert contract is not None
        contract.billing_interval_months = 4
        contract.start_date = date(2024, 12, 1)
    result = run_billing(
        committed, month=MARCH, supplier_org=world.supplier_org, now=RUN_AT, output=tmp_path
    )
    assert result.invoices == []
    assert [r.error for r in result.refused] == ["invalid_billing_interval"]


def test_sup_6_a_business_customer_also_gets_peppol_ubl(
    committed: sessionmaker[Session], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    world = seed(committed, business=True)
    (invoice,) = bill(committed, world, tmp_path)
    ubl = Path(str(invoice["ubl_path"])).read_bytes()
    assert b"urn:fdc:peppol.eu:2017:poacc:billing:01:1.0" in ubl
    assert world.gsrn.encode() in ubl
    # What billing writes passes the official EN 16931 and Peppol (incl. SE-R) Schematron.
    require_peppol_dir()
    validator = shared_validator(tmp_path_factory.getbasetemp() / "peppol-xslt")
    assert fatal_ids(validator.validate(ubl)) == set()

"""The supplier basis of the access gate: a supplier reads an installation's values only for the
days it is or was supplier of record under a contract, and every read is in the share log with
basis "supplier" (DESIGN.md "Roles and the one gate"; EU-3, EU-5, TPA-9)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.access.gate import (
    NotSupplierOfRecord,
    OutsideSupplyPeriod,
    read_for_supplier,
    supplier_windows,
)
from elkund.access.models import ShareLogEntry
from elkund.core.localtime import STOCKHOLM, local_midnight
from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.metering.domain import Resolution
from elkund.metering.errors import ResolutionTooFine
from elkund.metering.formats import FileFormat
from elkund.metering.service import ingest_file
from elkund.parties.credentials import PartySuspended
from elkund.parties.models import Party, PartyStatus
from elkund.supply.contracts import end_contract, start_contract
from tests.factories import make_customer, make_installation, make_product, make_supplier
from tests.integration.helpers import day_file

SIGNED = datetime(2026, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 3, 20, 9, tzinfo=UTC)
START, SWITCH = date(2026, 3, 5), date(2026, 3, 12)


@pytest.fixture
def customer(session: Session) -> Customer:
    return make_customer(session)


@pytest.fixture
def installation(session: Session, customer: Customer) -> Installation:
    installation = make_installation(session, holder=customer)
    data = day_file(installation.gsrn, date(2026, 3, 1), date(2026, 3, 20), wh=250)
    assert ingest_file(session, data=data, file_format=FileFormat.CSV, now=NOW).rejected == []
    return installation


@pytest.fixture
def suppliers(
    session: Session, customer: Customer, installation: Installation
) -> tuple[Party, Party]:
    """The first supplies from 5 March; the second takes over on 12 March."""
    first, second = make_supplier(session), make_supplier(session)
    for supplier, start in ((first, START), (second, SWITCH)):
        started = start_contract(
            session,
            supplier=supplier,
            product=make_product(session, supplier),
            installation_id=installation.gsrn,
            customer=customer,
            start=start,
            now=SIGNED,
        )
        assert started.accepted
    return first, second


def test_a_former_supplier_reads_only_its_own_supply_period(
    session: Session, installation: Installation, suppliers: tuple[Party, Party]
) -> None:
    first, _ = suppliers
    result = read_for_supplier(
        session,
        supplier=first,
        installation_id=installation.gsrn,
        start=local_midnight(date(2026, 3, 1)),
        end=local_midnight(date(2026, 3, 20)),
        resolution=None,
        channel="pull",
        now=NOW,
    )
    assert (result.start, result.end) == (
        local_midnight(START).astimezone(STOCKHOLM),
        local_midnight(SWITCH).astimezone(STOCKHOLM),
    )
    assert len(result.values) == 7 * 96
    assert {v.kwh for v in result.values} == {"0.250"}
    assert result.values[0].start == local_midnight(START).astimezone(STOCKHOLM)
    assert result.document()["basis"] == "supplier"


def test_the_supplier_of_record_reads_up_to_the_last_whole_interval_in_days(
    session: Session, installation: Installation, suppliers: tuple[Party, Party]
) -> None:
    _, second = suppliers
    result = read_for_supplier(
        session,
        supplier=second,
        installation_id=installation.gsrn,
        start=local_midnight(date(2026, 3, 1)),
        end=None,
        resolution=Resolution.P1D,
        channel="pull",
        now=NOW,
    )
    assert [v.start.date() for v in result.values] == [
        SWITCH + timedelta(days=i) for i in range(8)
    ]  # 12–19 March: from its start up to the last whole day
    assert {v.kwh for v in result.values} == {"24.000"}


def test_every_supplier_read_is_in_the_share_log_with_basis_supplier(
    session: Session, installation: Installation, suppliers: tuple[Party, Party]
) -> None:
    """EU-3, TPA-9: who, when, what and on which basis; no consent involved."""
    first, _ = suppliers
    read_for_supplier(
        session,
        supplier=first,
        installation_id=installation.gsrn,
        start=local_midnight(date(2026, 3, 1)),
        end=local_midnight(date(2026, 3, 20)),
        resolution=Resolution.PT1H,
        channel="pull",
        now=NOW,
    )
    entries = session.scalars(select(ShareLogEntry)).all()
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.party_id, entry.installation_id, entry.consent_id, entry.basis) == (
        first.id,
        installation.id,
        None,
        "supplier",
    )
    assert (entry.period_start, entry.period_end) == (local_midnight(START), local_midnight(SWITCH))
    assert (entry.resolution, entry.value_count, entry.at) == ("PT1H", 7 * 24, NOW)


def test_a_read_wholly_outside_the_supply_period_is_refused(
    session: Session, installation: Installation, suppliers: tuple[Party, Party]
) -> None:
    first, second = suppliers
    with pytest.raises(OutsideSupplyPeriod) as error:
        read_for_supplier(
            session,
            supplier=first,
            installation_id=installation.gsrn,
            start=local_midnight(date(2026, 3, 13)),
            end=local_midnight(date(2026, 3, 19)),
            resolution=None,
            channel="pull",
            now=NOW,
        )
    assert (error.value.code, error.value.status) == ("outside_supply_period", 422)
    with pytest.raises(OutsideSupplyPeriod):  # before its supply began
        read_for_supplier(
            session,
            supplier=second,
            installation_id=installation.gsrn,
            start=local_midnight(date(2026, 3, 1)),
            end=local_midnight(date(2026, 3, 12)),
            resolution=None,
            channel="pull",
            now=NOW,
        )
    assert session.scalars(select(ShareLogEntry)).all() == []


def test_another_suppliers_or_an_unknown_installation_is_refused_alike(
    session: Session, customer: Customer, installation: Installation, suppliers: tuple[Party, Party]
) -> None:
    first, _ = suppliers
    stranger = make_supplier(session)
    other = make_installation(session, holder=customer)
    for supplier, gsrn in (
        (stranger, installation.gsrn),
        (first, other.gsrn),
        (first, "735999000000000000"),
        (first, "not an id"),
    ):
        with pytest.raises(NotSupplierOfRecord) as error:
            read_for_supplier(
                session,
                supplier=supplier,
                installation_id=gsrn,
                start=None,
                end=None,
                resolution=None,
                channel="pull",
                now=NOW,
            )
        assert (error.value.code, error.value.status) == ("not_supplier_of_record", 403)


def test_a_supply_period_without_a_contract_gives_no_basis(
    session: Session, customer: Customer, installation: Installation
) -> None:
    """Supplier of record alone is not enough: the days must be under a contract too."""
    from elkund.grid.service import set_supplier

    supplier = make_supplier(session)
    set_supplier(session, installation=installation, supplier=supplier, start=START)
    assert supplier_windows(session, supplier_id=supplier.id, installation_id=installation.id) == []
    with pytest.raises(NotSupplierOfRecord):
        read_for_supplier(
            session,
            supplier=supplier,
            installation_id=installation.gsrn,
            start=None,
            end=None,
            resolution=None,
            channel="pull",
            now=NOW,
        )


def test_an_ended_contract_clips_the_window(
    session: Session, customer: Customer, installation: Installation
) -> None:
    supplier = make_supplier(session)
    started = start_contract(
        session,
        supplier=supplier,
        product=make_product(session, supplier),
        installation_id=installation.gsrn,
        customer=customer,
        start=START,
        now=SIGNED,
    )
    assert started.contract is not None
    end_contract(
        session, supplier=supplier, contract_id=started.contract.id, end=SWITCH, now=SIGNED
    )
    windows = supplier_windows(session, supplier_id=supplier.id, installation_id=installation.id)
    assert windows == [(START, SWITCH)]


def test_suspended_supplier_and_too_fine_resolution_are_refused(
    session: Session, installation: Installation, suppliers: tuple[Party, Party]
) -> None:
    first, _ = suppliers
    hourly = make_installation(session, resolution=Resolution.PT1H)
    with pytest.raises(ResolutionTooFine):
        read_for_supplier(
            session,
            supplier=first,
            installation_id=installation.gsrn,
            start=None,
            end=None,
            resolution=Resolution.P1Y,
            channel="pull",
            now=NOW,
        )
    assert hourly.resolution == "PT1H"
    first.status = PartyStatus.SUSPENDED
    with pytest.raises(PartySuspended):
        read_for_supplier(
            session,
            supplier=first,
            installation_id=installation.gsrn,
            start=None,
            end=None,
            resolution=None,
            channel="pull",
            now=NOW,
        )

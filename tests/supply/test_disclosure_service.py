"""Recording guarantees of origin and sold volumes, and a supplier's disclosure from them
(SUP-16, SUP-17), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elkund.core.errors import Invalid
from elkund.customers.identity import InvalidIdentityNumber
from elkund.parties.models import Party, PartyRole
from elkund.supply.demo_origin import add_demo_origin, demo_years
from elkund.supply.disclosure import (
    GuaranteesExceedSold,
    Mix,
    NoResidualMix,
    TransferredExceedsCancelled,
    residual_mixes,
)
from elkund.supply.disclosure_models import EnergySource, OriginGuarantee, SoldVolume
from elkund.supply.disclosure_service import (
    NoSoldVolume,
    UnknownSupplier,
    add_exchange_purchase,
    add_origin_guarantee,
    find_supplier,
    latest_disclosure,
    set_sold_volume,
    supplier_disclosure,
    suppliers_with_sales,
)
from tests.factories import make_party, org_number

D = Decimal


def supplier(session: Session, name: str = "Norrbäck Energi AB") -> Party:
    return make_party(session, role=PartyRole.SUPPLIER, name=name)


def test_ei_example_from_recorded_guarantees(session: Session) -> None:
    """SUP-16: Ei's worked example, recorded and read back: 278,99 g CO2/kWh."""
    party = supplier(session)
    set_sold_volume(session, supplier=party, year=2021, kwh=D(40_000))
    add_origin_guarantee(
        session, supplier=party, year=2021, source=EnergySource.HYDRO, kwh=D("6000")
    )
    add_origin_guarantee(session, supplier=party, year=2021, source=EnergySource.WIND, kwh=D(4000))
    session.expire_all()
    result = supplier_disclosure(session, supplier=party, year=2021).disclosure
    assert result.co2_g_per_kwh == D("278.99")
    assert sum(s.share_pct for s in result.sources) == D("100.00")


def test_transferred_guarantees_are_deducted(session: Session) -> None:
    """SUP-17: guarantees transferred to another holder are deducted from the renewable share."""
    party = supplier(session)
    set_sold_volume(session, supplier=party, year=2022, kwh=D(10_000))
    add_origin_guarantee(
        session, supplier=party, year=2022, source=EnergySource.SOLAR, kwh=D("4000.5")
    )
    add_origin_guarantee(
        session,
        supplier=party,
        year=2022,
        source=EnergySource.SOLAR,
        kwh=D("1000.25"),
        transferred=True,
    )
    result = supplier_disclosure(session, supplier=party, year=2022).disclosure
    solar = result.sources[0]
    assert (solar.source, solar.kwh, solar.share_pct) == (
        EnergySource.SOLAR,
        D("3000.250"),
        D("30.00"),
    )
    assert result.transferred_kwh == D("1000.25")


def test_recording_a_transfer_beyond_the_cancelled_guarantees_is_refused(session: Session) -> None:
    party = supplier(session)
    add_origin_guarantee(session, supplier=party, year=2023, source=EnergySource.WIND, kwh=D(100))
    with pytest.raises(TransferredExceedsCancelled):
        add_origin_guarantee(
            session,
            supplier=party,
            year=2023,
            source=EnergySource.WIND,
            kwh=D(101),
            transferred=True,
        )
    count = select(func.count()).select_from(OriginGuarantee)
    assert session.scalar(count.where(OriginGuarantee.supplier_id == party.id)) == 1


@pytest.mark.parametrize("source", [EnergySource.NUCLEAR, EnergySource.FOSSIL])
def test_guarantees_for_non_renewable_sources_are_refused(
    session: Session, source: EnergySource
) -> None:
    party = supplier(session)
    with pytest.raises(Invalid, match="renewable sources only"):
        add_origin_guarantee(session, supplier=party, year=2023, source=source, kwh=D(1))


@pytest.mark.parametrize(
    ("year", "kwh"), [(2023, D(0)), (2023, D(-5)), (2023, D("0.0001")), (1999, D(5))]
)
def test_bad_guarantee_input_is_refused(session: Session, year: int, kwh: Decimal) -> None:
    party = supplier(session)
    with pytest.raises(Invalid):
        add_origin_guarantee(session, supplier=party, year=year, source=EnergySource.WIND, kwh=kwh)


def test_sold_volume_is_replaced_not_duplicated(session: Session) -> None:
    party = supplier(session)
    set_sold_volume(session, supplier=party, year=2023, kwh=D(100))
    set_sold_volume(session, supplier=party, year=2023, kwh=D("250.5"))
    rows = session.scalars(select(SoldVolume).where(SoldVolume.supplier_id == party.id)).all()
    assert [(r.year, r.kwh) for r in rows] == [(2023, D("250.5"))]
    with pytest.raises(Invalid):
        set_sold_volume(session, supplier=party, year=2023, kwh=D(-1))


def test_residual_only_supplier(session: Session) -> None:
    """SUP-17: a supplier without guarantees discloses Ei's residual mix of the year."""
    party = supplier(session)
    set_sold_volume(session, supplier=party, year=2021, kwh=D(500))
    result = supplier_disclosure(session, supplier=party, year=2021).disclosure
    assert [(s.source, s.share_pct) for s in result.sources] == [
        (EnergySource.RENEWABLE, D("12.83")),
        (EnergySource.NUCLEAR, D("32.06")),
        (EnergySource.FOSSIL, D("55.11")),
    ]
    assert result.co2_g_per_kwh == D("371.99")


def test_exchange_purchase_is_read_back_exactly(session: Session) -> None:
    party = supplier(session)
    set_sold_volume(session, supplier=party, year=2021, kwh=D(20_000))
    add_exchange_purchase(
        session,
        supplier=party,
        year=2021,
        kwh=D(10_000),
        mix=Mix(D(50), D(30), D(20), D("100.00"), D("0.5")),
        source="Elbörsen",
    )
    result = supplier_disclosure(session, supplier=party, year=2021).disclosure
    assert (result.exchange_kwh, result.co2_g_per_kwh) == (D(10_000), D("236.00"))
    with pytest.raises(Invalid, match="sum to 100"):
        add_exchange_purchase(
            session,
            supplier=party,
            year=2021,
            kwh=D(1),
            mix=Mix(D(50), D(30), D(30), D(0), D(0)),
            source="Fel",
        )


def test_missing_year_and_missing_volume_are_refused(session: Session) -> None:
    party = supplier(session)
    set_sold_volume(session, supplier=party, year=2024, kwh=D(1_000))
    with pytest.raises(NoResidualMix):
        supplier_disclosure(session, supplier=party, year=2024)
    with pytest.raises(NoSoldVolume):
        supplier_disclosure(session, supplier=party, year=2023)


def test_guarantees_beyond_sales_are_refused_at_disclosure(session: Session) -> None:
    party = supplier(session)
    set_sold_volume(session, supplier=party, year=2023, kwh=D(100))
    add_origin_guarantee(session, supplier=party, year=2023, source=EnergySource.BIO, kwh=D(101))
    with pytest.raises(GuaranteesExceedSold):
        supplier_disclosure(session, supplier=party, year=2023)


def test_find_supplier_refuses_unknown_numbers_and_other_roles(session: Session) -> None:
    esco = make_party(session, role=PartyRole.ESCO)
    party = supplier(session)
    assert find_supplier(session, party.org_number[2:]) == party
    with pytest.raises(UnknownSupplier):
        find_supplier(session, esco.org_number[2:])
    with pytest.raises(UnknownSupplier):
        find_supplier(session, org_number(9_999))
    with pytest.raises(InvalidIdentityNumber):
        find_supplier(session, "12345")


def test_demo_suppliers_get_guarantees_for_previous_years(session: Session) -> None:
    """The demo: both suppliers disclosable for every previous year with a residual mix; the
    first one shows a transfer (SUP-17), the second is 100 % renewable. Running it twice adds
    nothing the second time."""
    first = supplier(session, "Norrbäck Energi AB")
    second = supplier(session, "Solvik Elhandel AB")
    today = date(2026, 11, 23)
    assert demo_years(today) == [2021, 2022, 2023, 2024, 2025]
    added = add_demo_origin(session, suppliers=[first, second], today=today)
    assert added == 5 * 2 + 1 + 5 * 3
    assert add_demo_origin(session, suppliers=[first, second], today=today) == 0
    assert suppliers_with_sales(session, 2023) == [first, second]
    for year in (2021, 2022, 2023):
        mixed = supplier_disclosure(session, supplier=first, year=year).disclosure
        green = supplier_disclosure(session, supplier=second, year=year).disclosure
        assert green.renewable_pct == D("100.00")
        assert green.co2_g_per_kwh == D("0.00")
        assert D(0) < mixed.renewable_pct < D(100)
        assert (mixed.transferred_kwh > 0) == (year == 2023)


def test_sup_16_latest_disclosure_falls_back_to_the_latest_year_with_ei_figures(
    session: Session,
) -> None:
    """SUP-16: with no residual mix for 2025 yet, an invoice shows 2023's mix, labelled 2023."""
    party = supplier(session)
    newest = max(residual_mixes())
    set_sold_volume(session, supplier=party, year=newest, kwh=D(10_000))
    set_sold_volume(session, supplier=party, year=newest + 2, kwh=D(12_000))
    assert latest_disclosure(session, supplier=party, year=newest + 2).disclosure.year == newest
    assert latest_disclosure(session, supplier=party, year=newest).disclosure.year == newest


def test_latest_disclosure_skips_a_year_without_sales_and_refuses_when_nothing_is_known(
    session: Session,
) -> None:
    party = supplier(session)
    oldest, newest = min(residual_mixes()), max(residual_mixes())
    set_sold_volume(session, supplier=party, year=oldest, kwh=D(10_000))
    assert latest_disclosure(session, supplier=party, year=newest).disclosure.year == oldest
    other = supplier(session, name="Tomström El AB")
    with pytest.raises(NoResidualMix):
        latest_disclosure(session, supplier=other, year=newest + 1)
    with pytest.raises(NoSoldVolume):
        latest_disclosure(session, supplier=other, year=newest)

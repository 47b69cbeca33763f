"""Demo supplier data: profiles, four products per supplier, contracts matching the supply
periods (with their SUP-21 notices), and day-ahead prices hourly until 30 September 2025 and per
quarter-hour from 1 October 2025."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elkund.access.gate import read_for_supplier
from elkund.core.localtime import local_date, local_midnight
from elkund.customers import passwords
from elkund.demo import load_demo
from elkund.demo.spot_prices import demo_prices
from elkund.grid import repository as grid_repository
from elkund.grid.models import Direction, Installation
from elkund.parties.models import Party, PartyRole
from elkund.supply.models import (
    Contract,
    ContractStatus,
    DayAheadPrice,
    NoticeStatus,
    Product,
    SupplierProfile,
    SupplyNotice,
)
from elkund.supply.prices import price_series

TODAY = date(2025, 10, 2)  # the window holds the day the market went over to quarter-hours
DAYS = 3


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)


@pytest.fixture
def demo(session: Session, tmp_path: Path) -> Session:
    load_demo(session, days=DAYS, today=TODAY, accounts_path=tmp_path / "accounts.json")
    return session


def test_both_suppliers_have_a_profile_and_four_products(demo: Session) -> None:
    suppliers = demo.scalars(select(Party).where(Party.role == PartyRole.SUPPLIER)).all()
    assert len(suppliers) == 2
    for supplier in suppliers:
        profile = demo.scalars(
            select(SupplierProfile).where(SupplierProfile.party_id == supplier.id)
        ).one()
        assert profile.vat_number == f"SE{supplier.org_number[2:]}01"
        assert profile.dispute_resolution_url == "https://www.arn.se"
        products = demo.scalars(select(Product).where(Product.supplier_id == supplier.id)).all()
        assert sorted((p.kind, p.price_resolution) for p in products) == [
            ("default", None),
            ("dynamic", "PT15M"),
            ("fixed", None),
            ("variable", None),
        ]


def test_every_consumption_supply_period_has_its_contract_and_notice(demo: Session) -> None:
    installations = demo.scalars(select(Installation)).all()
    contracts = 0
    for installation in installations:
        periods = grid_repository.supply_periods(demo, installation.id)
        own = demo.scalars(
            select(Contract)
            .where(Contract.installation_id == installation.id)
            .order_by(Contract.start_date)
        ).all()
        if installation.direction == Direction.PRODUCTION:
            assert own == []
            continue
        assert [(c.supplier_id, c.start_date, c.end_date) for c in own] == [
            (p.supplier_id, p.start_date, p.end_date) for p in periods
        ]
        for contract in own:
            holder = grid_repository.holder_on(demo, installation.id, contract.start_date)
            assert holder is not None
            assert contract.customer_id == holder.customer_id
            ended = contract.end_date is not None
            assert contract.status == (ContractStatus.ENDED if ended else ContractStatus.ACTIVE)
            assert (contract.end_reason is not None) == ended
            product = demo.get(Product, contract.product_id)
            assert product is not None
            assert product.kind != "dynamic" or installation.resolution == "PT15M"
        contracts += len(own)
    notices = demo.scalars(select(SupplyNotice)).all()
    assert len(notices) == contracts > 60
    assert {n.status for n in notices} == {NoticeStatus.ACCEPTED}
    assert all(n.supply_period_id is not None for n in notices)


def test_prices_are_hourly_before_and_quarter_hourly_from_1_october_2025(demo: Session) -> None:
    rows = demo.execute(
        select(DayAheadPrice.zone, DayAheadPrice.resolution, func.count()).group_by(
            DayAheadPrice.zone, DayAheadPrice.resolution
        )
    ).all()
    # 29–30 September in hours, 1–2 October in quarter-hours, for each zone.
    assert sorted(rows) == [
        (zone, resolution, count)
        for zone in ("SE1", "SE2", "SE3", "SE4")
        for resolution, count in (("PT15M", 192), ("PT60M", 48))
    ]
    switch = local_midnight(date(2025, 10, 1))
    series = price_series(demo, "SE3", switch - timedelta(hours=2), switch + timedelta(hours=1))
    assert [p.resolution for p in series] == ["PT60M"] * 2 + ["PT15M"] * 4
    stored = demo.scalars(select(DayAheadPrice).limit(50)).all()
    for price in stored:  # converted exactly from EUR/MWh with the rate kept beside it
        assert price.currency == "EUR"
        assert price.sek_per_eur is not None
        assert price.price_ore_per_kwh == price.source_price * price.sek_per_eur / 10


def test_a_demo_supplier_reads_its_customers_values_through_the_gate(demo: Session) -> None:
    period = next(
        p
        for i in demo.scalars(select(Installation).where(Installation.remote_read.is_(True)))
        for p in grid_repository.supply_periods(demo, i.id)
        if p.end_date is None and i.direction == Direction.CONSUMPTION
    )
    installation = demo.get(Installation, period.installation_id)
    supplier = demo.get(Party, period.supplier_id)
    assert installation is not None
    assert supplier is not None
    now = local_midnight(TODAY)
    result = read_for_supplier(
        demo,
        supplier=supplier,
        installation_id=installation.gsrn,
        start=local_midnight(TODAY - timedelta(days=DAYS)),
        end=now,
        resolution=None,
        channel="pull",
        now=now,
    )
    first = max(TODAY - timedelta(days=DAYS), period.start_date)
    assert local_date(result.start) == first  # clipped to its own supply period
    assert len(result.values) == (now - local_midnight(first)) // timedelta(minutes=15)


def test_three_years_of_demo_prices_look_like_the_nordic_market() -> None:
    rows = demo_prices(date(2023, 11, 1), date(2026, 10, 31), seed=2026)
    resolutions = Counter((zone, res) for zone, _, res, *_ in rows)
    switch = local_midnight(date(2025, 10, 1))
    hours = (switch - local_midnight(date(2023, 11, 1))) // timedelta(hours=1)
    quarters = (local_midnight(date(2026, 11, 1)) - switch) // timedelta(minutes=15)
    assert (resolutions[("SE3", "PT60M")], resolutions[("SE3", "PT15M")]) == (hours, quarters)
    mean = {
        zone: statistics.fmean(r[3] for r in rows if r[0] == zone) / 10**7
        for zone in ("SE1", "SE2", "SE3", "SE4")
    }
    assert mean["SE1"] < mean["SE3"] < mean["SE4"]
    assert mean["SE2"] < mean["SE3"]
    assert 20 < mean["SE1"] < 60 < mean["SE4"] < 120  # öre/kWh
    january = [r[3] for r in rows if r[0] == "SE3" and _month(r[1]) == 1]
    july = [r[3] for r in rows if r[0] == "SE3" and _month(r[1]) == 7]
    assert statistics.fmean(january) > 1.5 * statistics.fmean(july)  # winter peaks
    _, _, _, ore, source, _, rate = rows[0]  # öre/kWh = EUR/MWh × SEK/EUR / 10, exactly
    assert rate is not None
    assert Decimal(ore) / 10**7 == (Decimal(source) / 10**7) * (Decimal(rate) / 10**6) / 10
    assert rows == demo_prices(date(2023, 11, 1), date(2026, 10, 31), seed=2026)  # deterministic


def _month(epoch: int) -> int:
    return datetime.fromtimestamp(epoch, UTC).month

"""Priced daily rollups (ADR 0022): Σ Wh × day-ahead price per installation and local day, kept
with the values and with the prices, whichever comes first, and trusted only at the day's
current prices. The reference is ``rate``'s own price of each value."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.core.localtime import from_epoch, local_midnight, to_epoch
from elkund.metering import day_costs as day_costs_module
from elkund.metering.day_costs import COST_LIMIT, day_costs, price_versions
from elkund.metering.domain import Resolution
from elkund.metering.price_grid import price_grid
from elkund.metering.repository import fetch_values, store_values
from elkund.metering.validation import ValidRow
from elkund.supply import price_store
from elkund.supply.price_formats import ValidPrice
from elkund.supply.prices import price_series, store_prices
from elkund.supply.rating import SpotPrice, _PriceIndex
from tests.factories import make_installation

DAYS = (date(2025, 3, 29), date(2025, 3, 30), date(2025, 3, 31))  # the 30th is 23 hours long
FIRST, END = DAYS[0], date(2025, 4, 1)
NOW = datetime(2025, 4, 2, 6, tzinfo=UTC)
_TO_ORE = Decimal(4 * 10**7 * 1000)  # Σ Wh × 4·öre/kWh·10^7 → öre


@dataclass(frozen=True, slots=True)
class _Value:
    """A stored value as ``rate`` reads one."""

    start: datetime
    resolution: str
    wh: int
    quality: int


def _values(installation_id: int, minutes: int, *, seed: int = 0) -> list[ValidRow]:
    lo, hi = to_epoch(local_midnight(FIRST)), to_epoch(local_midnight(END))
    return [
        (installation_id, start, minutes, (n * 37 + seed) % 900, 0)
        for n, start in enumerate(range(lo, hi, minutes * 60))
    ]


def _prices(quarters_from: date) -> list[price_store.RawPrice]:
    """Hourly prices before ``quarters_from``, quarter prices from it; uneven, some negative."""
    lo, middle = to_epoch(local_midnight(FIRST)) - 3600, to_epoch(local_midnight(quarters_from))
    hi = to_epoch(local_midnight(END))
    starts = [(s, "PT60M") for s in range(lo, middle, 3600)]
    starts += [(s, "PT15M") for s in range(max(middle, lo + 3600), hi, 900)]
    return [
        ("SE3", s, r, (n * 7_919_003) % 1_500_000_000 - 100_000_000, 0, "SEK", None)
        for n, (s, r) in enumerate(starts)
    ]


def _rated(session: Session, installation_id: int, day: date) -> Decimal:
    """Σ öre of the day's values, each priced by ``rate``'s own index."""
    lo, hi = local_midnight(day), local_midnight(day + timedelta(days=1))
    series = price_series(session, "SE3", lo, hi)
    index = _PriceIndex([SpotPrice(p.start, p.resolution, p.ore_per_kwh) for p in series])
    total = Decimal(0)
    for start, minutes, wh, quality in fetch_values(
        session, installation_id=installation_id, start=lo, end=hi
    ):
        resolution = "PT15M" if minutes == 15 else "PT1H"
        value = _Value(from_epoch(start), resolution, wh, quality)
        total += Decimal(wh) / 1000 * index.price(value) if wh else 0
    return total


def _kept(session: Session, installation_id: int) -> dict[date, tuple[int | None, int | None]]:
    rows = session.execute(
        text(
            "SELECT local_date, cost, prices_version FROM meter_value_days"
            " WHERE installation_id = :i"
        ),
        {"i": installation_id},
    )
    return {
        d if isinstance(d, date) else date.fromisoformat(d): (cost, version)
        for d, cost, version in rows
    }


def _assert_current_and_rated(session: Session, installation_id: int) -> None:
    versions = price_versions(session, "SE3", FIRST, END)
    kept = _kept(session, installation_id)
    assert sorted(kept) == list(DAYS)
    for day, (cost, version) in kept.items():
        assert cost is not None, day
        assert version == versions[day], day
        assert Decimal(cost) / _TO_ORE == _rated(session, installation_id, day), day


@pytest.mark.parametrize("prices_first", [True, False], ids=["prices-first", "values-first"])
@pytest.mark.parametrize("resolution", [Resolution.PT15M, Resolution.PT1H], ids=["quarter", "hour"])
@pytest.mark.parametrize(
    "quarters_from",
    [date(2025, 3, 30), FIRST, END],
    ids=["mixed-prices", "quarter-prices", "hourly-prices"],
)
def test_a_days_kept_sum_is_its_values_priced_as_rate_prices_them(
    session: Session, prices_first: bool, resolution: Resolution, quarters_from: date
) -> None:
    """Whichever arrives first, every day (the 23-hour DST day too) keeps Σ Wh × price at its
    current prices, equal to ``rate``'s price of each value: a quarter its quarter's price or
    else its hour's, an hour its own price or else the mean of its quarters."""
    home = make_installation(session, resolution=resolution)
    minutes = 15 if resolution is Resolution.PT15M else 60
    if prices_first:
        price_store.insert_new(session, _prices(quarters_from), now=NOW)
    store_values(session, _values(home.id, minutes), now=NOW)
    if not prices_first:
        price_store.insert_new(session, _prices(quarters_from), now=NOW)
    _assert_current_and_rated(session, home.id)


def test_values_arriving_in_parts_add_up_to_their_days_sum(session: Session) -> None:
    """A day's values in two deliveries at the same prices: the parts' sums add up."""
    home = make_installation(session)
    price_store.insert_new(session, _prices(date(2025, 3, 30)), now=NOW)
    rows = _values(home.id, 15)
    noon = to_epoch(local_midnight(DAYS[1]) + timedelta(hours=12))
    store_values(session, [r for r in rows if r[1] < noon], now=NOW)
    store_values(session, [r for r in rows if r[1] >= noon], now=NOW + timedelta(hours=1))
    _assert_current_and_rated(session, home.id)


def test_a_price_correction_raises_its_days_version_and_reprices_them(session: Session) -> None:
    home = make_installation(session)
    store_values(session, _values(home.id, 15), now=NOW)
    price_store.insert_new(session, _prices(FIRST), now=NOW)
    before = price_versions(session, "SE3", FIRST, END)
    at = local_midnight(DAYS[1]) + timedelta(hours=9)
    changed = ValidPrice("SE3", at, "PT15M", Decimal("812.5"), Decimal("8.125"), "SEK", None)
    assert store_prices(session, [changed], now=NOW + timedelta(days=1)) == (0, 1, 0)
    after = price_versions(session, "SE3", FIRST, END)
    assert after == before | {DAYS[1]: before[DAYS[1]] + 1}
    _assert_current_and_rated(session, home.id)


def test_a_value_correction_reprices_its_day(session: Session) -> None:
    home = make_installation(session)
    price_store.insert_new(session, _prices(FIRST), now=NOW)
    store_values(session, _values(home.id, 15), now=NOW)
    start = to_epoch(local_midnight(DAYS[1]) + timedelta(hours=9))
    store_values(session, [(home.id, start, 15, 5_000, 0)], now=NOW + timedelta(hours=1))
    _assert_current_and_rated(session, home.id)


def test_a_day_with_energy_at_an_unpriced_interval_keeps_no_sum(session: Session) -> None:
    """A value with energy and no price makes its day's sum unknown; a value of 0 Wh needs no
    price, as in ``rate``."""
    home, idle = make_installation(session), make_installation(session)
    missing = to_epoch(local_midnight(DAYS[1]) + timedelta(hours=9))
    prices = [p for p in _prices(FIRST) if p[1] != missing]
    price_store.insert_new(session, prices, now=NOW)
    store_values(session, _values(home.id, 15, seed=1), now=NOW)
    idle_rows = [(i, s, m, 0 if s == missing else wh, q) for i, s, m, wh, q in _values(idle.id, 15)]
    store_values(session, idle_rows, now=NOW)
    assert _kept(session, home.id)[DAYS[1]][0] is None
    assert all(cost is not None for cost, _ in _kept(session, idle.id).values())
    assert all(_kept(session, home.id)[d][0] is not None for d in (DAYS[0], DAYS[2]))


def test_a_sum_that_could_leave_int64_is_not_kept(session: Session) -> None:
    """Enormous values at a high price: no sum is kept (and nothing fails), so a billing run
    sums them from the values, as ``rate``'s Decimals do."""
    grid = price_grid(session, "SE3", FIRST, END)
    assert grid is not None
    lo = to_epoch(local_midnight(FIRST))
    starts = np.arange(lo, lo + 96 * 900, 900, dtype=np.int64)
    grid.quarter[:96], grid.has_quarter[:96] = 50_000 * 10**7, True  # 500 kr/kWh
    huge = np.full(96, 2**31 - 1, np.int64)
    ids, minutes = np.full(96, 7, np.int64), np.full(96, 15, np.int64)
    assert day_costs(ids, starts, minutes, huge, {7: "SE3"}, {"SE3": grid}) == {
        (7, FIRST.toordinal()): None
    }
    small = np.full(96, 1000, np.int64)
    kept = day_costs(ids, starts, minutes, small, {7: "SE3"}, {"SE3": grid})
    assert kept == {(7, FIRST.toordinal()): 96 * 1000 * 4 * 50_000 * 10**7}
    assert COST_LIMIT > 96 * 1000 * 4 * 50_000 * 10**7
    home = make_installation(session)
    price_store.insert_new(
        session,
        [("SE3", int(s), "PT15M", 50_000 * 10**7, 0, "SEK", None) for s in starts],
        now=NOW,
    )
    store_values(session, [(home.id, int(s), 15, 2**31 - 1, 0) for s in starts], now=NOW)
    assert _kept(session, home.id) == {FIRST: (None, 1)}


# --- two transactions at once (PostgreSQL: SQLite has one writer at a time) ----------------------


def _postgres_only(committed: sessionmaker[Session]) -> None:
    if committed.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite: one writer at a time, the transactions cannot interleave")


def _world(committed: sessionmaker[Session], *, values: bool = True) -> int:
    with session_scope(committed, write=True) as session:
        home = make_installation(session)
        price_store.insert_new(session, _prices(FIRST), now=NOW)
        if values:
            store_values(session, _values(home.id, 15), now=NOW)
        return home.id


def _correct_price(committed: sessionmaker[Session], ore: str) -> None:
    at = local_midnight(DAYS[1]) + timedelta(hours=9)
    price = ValidPrice("SE3", at, "PT15M", Decimal(ore), Decimal(ore) / 100, "SEK", None)
    with session_scope(committed, write=True) as session:
        assert store_prices(session, [price], now=NOW + timedelta(days=1)) == (0, 1, 0)


def _trusted_sums_are_right(committed: sessionmaker[Session], installation_id: int) -> int:
    """Every kept sum at its day's current version equals ``rate``'s; how many are trusted."""
    with session_scope(committed) as session:
        versions = price_versions(session, "SE3", FIRST, END)
        trusted = 0
        for day, (cost, version) in _kept(session, installation_id).items():
            if cost is not None and version == versions.get(day, 0):
                assert Decimal(cost) / _TO_ORE == _rated(session, installation_id, day), day
                trusted += 1
        return trusted


def test_values_stored_while_their_prices_change_are_not_trusted_at_the_new_prices(
    committed: sessionmaker[Session],
) -> None:
    """Values priced in one transaction while another corrects a price of their day and
    commits first: the values' sum keeps the older version, so no reader trusts it."""
    _postgres_only(committed)
    home = _world(committed, values=False)
    storing = committed()
    try:
        store_values(storing, _values(home, 15), now=NOW)
        _correct_price(committed, "812.5")
        storing.commit()
    finally:
        storing.close()
    with session_scope(committed) as session:
        kept = _kept(session, home)
        versions = price_versions(session, "SE3", FIRST, END)
    assert kept[DAYS[1]][1] != versions[DAYS[1]]
    assert _trusted_sums_are_right(committed, home) == len(kept) - 1


def test_a_part_added_at_older_prices_than_its_day_leaves_no_sum(
    committed: sessionmaker[Session],
) -> None:
    """The afternoon's values, priced before a price correction committed, are added to a
    morning that the correction repriced: the two parts are at different versions, so the day
    keeps no sum."""
    _postgres_only(committed)
    home = _world(committed, values=False)
    rows = _values(home, 15)
    noon = to_epoch(local_midnight(DAYS[1]) + timedelta(hours=12))
    with session_scope(committed, write=True) as session:
        store_values(session, [r for r in rows if r[1] < noon], now=NOW)
    correcting = committed()
    failed: list[BaseException] = []

    def afternoon() -> None:
        try:
            with session_scope(committed, write=True) as session:
                store_values(session, [r for r in rows if r[1] >= noon], now=NOW)
        except BaseException as error:  # reported by the test below
            failed.append(error)

    try:
        at = local_midnight(DAYS[1]) + timedelta(hours=9)
        price = ValidPrice("SE3", at, "PT15M", Decimal("812.5"), Decimal("8.125"), "SEK", None)
        store_prices(correcting, [price], now=NOW)  # reprices the morning: its row is locked
        worker = threading.Thread(target=afternoon)
        worker.start()  # prices the afternoon at the older version, then waits for the row
        _wait_for_a_lock(committed)
        correcting.commit()
    finally:
        correcting.close()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert not failed, failed
    with session_scope(committed) as session:
        assert _kept(session, home)[DAYS[1]] == (None, None)
    assert _trusted_sums_are_right(committed, home) == len(DAYS) - 1


def _wait_for_a_lock(committed: sessionmaker[Session]) -> None:
    with session_scope(committed) as session:
        for _ in range(300):
            waiting = session.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            if waiting:
                return
            session.rollback()
            time.sleep(0.05)
    raise AssertionError("the second transaction never waited for the first")


def test_a_reprice_never_overwrites_a_day_corrected_since_it_read_the_day(
    committed: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A price correction reads its day and the day's values; a value correction of that day
    commits before the price correction writes its sum. The older values' sum is not written
    over the corrected day (it would be trusted at the new prices), so no sum is trusted
    wrongly."""
    _postgres_only(committed)
    home = _world(committed)
    summed = day_costs_module.day_costs
    corrected: list[bool] = []

    def correct_in_between(*args: Any) -> Any:
        result = summed(*args)  # of the values as the price correction read them
        if not corrected:
            corrected.append(True)
            start = to_epoch(local_midnight(DAYS[1]) + timedelta(hours=10))
            with session_scope(committed, write=True) as session:
                store_values(session, [(home, start, 15, 5_000, 0)], now=NOW + timedelta(hours=1))
        return result

    monkeypatch.setattr(day_costs_module, "day_costs", correct_in_between)
    _correct_price(committed, "812.5")
    assert corrected
    monkeypatch.undo()
    assert _trusted_sums_are_right(committed, home) == len(DAYS) - 1


def test_a_sum_carries_the_version_read_before_its_prices(
    committed: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A price correction commits between the storing transaction's two reads, the day's
    version and its prices, whichever comes first. Version first, the sum is of the newer price
    under the older version: not trusted. The other order would trust a sum of the older price
    under the newer version."""
    _postgres_only(committed)
    home = _world(committed, values=False)
    reads: list[str] = []

    def then_correct(name: str, read: Any) -> Any:
        def wrapped(*args: Any) -> Any:
            result = read(*args)
            reads.append(name)
            if len(reads) == 1:
                _correct_price(committed, "812.5")
            return result

        return wrapped

    monkeypatch.setattr(
        day_costs_module, "price_versions", then_correct("versions", price_versions)
    )
    monkeypatch.setattr(day_costs_module, "price_grid", then_correct("prices", price_grid))
    with session_scope(committed, write=True) as session:
        store_values(session, _values(home, 15), now=NOW)
    monkeypatch.undo()
    assert reads[0] == "versions"
    assert _trusted_sums_are_right(committed, home) == len(DAYS) - 1


def test_a_correction_of_many_installations_on_far_apart_days_reprices_each_day(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Corrections of several installations on two days a week apart: the installations are
    named a few to a query (PostgreSQL takes at most 65,535 parameters), each run of days is
    read on its own (not the week between), and every corrected day is summed anew."""
    monkeypatch.setattr(day_costs_module, "_IDS", 2)
    homes = [make_installation(session) for _ in range(3)]
    lo = to_epoch(local_midnight(date(2025, 3, 1)))
    prices = [
        ("SE3", s, "PT15M", 500_000_000 + s % 7, 0, "SEK", None)
        for s in range(lo, lo + 14 * 86_400, 900)
    ]
    price_store.insert_new(session, prices, now=NOW)
    rows = [(h.id, s, 15, 100 + s % 11, 0) for h in homes for s in range(lo, lo + 14 * 86_400, 900)]
    store_values(session, rows, now=NOW)
    spans: list[tuple[date, date]] = []
    read_values = day_costs_module._values

    def recording(session: Session, ids: list[int], first: date, end: date) -> Any:
        spans.append((first, end))
        return read_values(session, ids, first, end)

    monkeypatch.setattr(day_costs_module, "_values", recording)
    days = (date(2025, 3, 2), date(2025, 3, 9))
    corrections = [
        (h.id, to_epoch(local_midnight(day) + timedelta(hours=8)), 15, 7_777, 0)
        for h in homes
        for day in days
    ]
    store_values(session, corrections, now=NOW + timedelta(hours=1))
    assert sorted(set(spans)) == [(day, day + timedelta(days=1)) for day in days]
    for home in homes:
        for day in days:
            cost, _ = _kept(session, home.id)[day]
            assert cost is not None
            assert Decimal(cost) / _TO_ORE == _rated(session, home.id, day)


def test_an_import_of_new_and_changed_prices_raises_a_days_version_once(session: Session) -> None:
    price_store.insert_new(session, _prices(FIRST)[:-4], now=NOW)  # the last hour's quarters later
    before = price_versions(session, "SE3", FIRST, END)
    last = local_midnight(END) - timedelta(minutes=15)
    changed = ValidPrice(
        "SE3", last - timedelta(hours=1), "PT15M", Decimal("9"), Decimal("0.09"), "SEK", None
    )
    new = ValidPrice("SE3", last, "PT15M", Decimal("10"), Decimal("0.1"), "SEK", None)
    assert store_prices(session, [changed, new], now=NOW) == (1, 1, 0)
    assert price_versions(session, "SE3", FIRST, END) == before | {DAYS[2]: before[DAYS[2]] + 1}

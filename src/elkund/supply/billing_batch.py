"""A chunk of a billing run in one transaction, set-based (ADR 0018).

``bill_contract`` bills one contract in a few dozen queries and rates its values one by one, and a
monthly run over every contract of a supplier spent about 0.1 s per invoice that way. A chunk reads
what its contracts have in common once: the contracts, installations, products and customers in
a query each, the supplier's parts of the document once, the gate's supplier basis of every
installation (``supplier_reads``, still one share-log entry per read). No value comes into
Python: the daily rollups (``metering.billing_reads.day_totals``) give completeness, Σ Wh,
quality, the chart's days, the correction digest and, for a spot-priced contract, each day's
Σ Wh × price kept at the day's current prices (ADR 0022). Only a spot-priced contract with a day
without such a sum has its months summed over ``meter_values`` (one ``GROUP BY``, against one
price grid per bidding zone). It takes all its numbers under one lock of the series and inserts
the invoices and their render jobs together.

Only the common case is handled here: a contract whose days are complete without a missing
value, whose prices are all there, and that has no invoice with other values to credit
(nor one whose digest is of the first format, ``billing._digest``). Every other contract is left
to ``bill_contract``, in its own transaction after the chunk, which reads, refuses or credits it
exactly as before: the fast path never has to copy an error path.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from elkund.access.supplier_reads import (
    SupplierPeriod,
    checked_supplier_periods,
    log_supplier_reads,
)
from elkund.core.bulk import insert_rows
from elkund.core.db import is_postgres
from elkund.core.errors import AppError
from elkund.core.jobs.models import JobRow
from elkund.core.localtime import STOCKHOLM, local_midnight, to_epoch
from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.metering.billing_reads import (
    DayTotal,
    PriceSlot,
    Window,
    day_totals,
    stored_window_costs,
    window_costs,
)
from elkund.metering.day_costs import price_versions
from elkund.metering.domain import minutes_between
from elkund.metering.price_grid import QUARTER_S, PriceGrid, price_grid
from elkund.parties.models import Party
from elkund.supply import invoice_parts as parts
from elkund.supply.benchmark import BenchmarkCategory, benchmark_kwh
from elkund.supply.billing import (
    DIGEST_V2,
    Render,
    _terms,
    basis_digest,
    billing_period,
    invoice_columns,
)
from elkund.supply.billing_models import Invoice, InvoiceSeries
from elkund.supply.billing_period import add_months, check_interval
from elkund.supply.contracts import contract_info
from elkund.supply.document import (
    Benchmark,
    Disclosure,
    DocumentKind,
    InvoiceDocument,
    SupplierInfo,
    UsagePoint,
)
from elkund.supply.models import Contract, Product, ProductKind
from elkund.supply.ocr import make_ocr
from elkund.supply.rating import MonthTotal, Rating, rate_totals
from elkund.supply.render_jobs import RENDER_JOB, write_files
from elkund.supply.suppliers import profile_of, supplier_info

Ints = npt.NDArray[np.int64]
_T = TypeVar("_T", Installation, Product, Customer)
_Outcome = Literal["left", "kept"]
_LEFT: _Outcome = "left"  # to ``bill_contract``
_KEPT: _Outcome = "kept"  # the invoice issued before stands
_SCALE = 10**7  # öre/kWh × 10^7, exact for stored prices (SPOT_SCALE)
_COST_DIVISOR = Decimal(4 * _SCALE * 1000)  # Σ Wh × 4·price·10^7 → öre


@dataclass(frozen=True, slots=True)
class ChunkResult:
    made: set[int]  # ids of the documents issued
    left: list[int]  # contracts for ``bill_contract``, in order


@dataclass(frozen=True, slots=True)
class _Due:
    contract: Contract
    installation: Installation
    product: Product
    customer: Customer
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class _Issue:
    due: _Due
    doc: InvoiceDocument
    digest: str


@dataclass(frozen=True, slots=True)
class _Read:
    """One due contract's checked read, the daily rollups of its period's days and, priced,
    Σ Wh × price of each month of its period (by the month's first day)."""

    due: _Due
    period: SupplierPeriod
    days: Mapping[date, DayTotal]
    costs: dict[date, int]

    @property
    def value_count(self) -> int:
        """The values read: a complete period's minutes over the meter's (``_try`` checks)."""
        minutes = sum(t.minutes_present for t in self.days.values())
        return minutes // self.period.resolution.minutes


def bill_chunk(
    session: Session,
    contract_ids: Sequence[int],
    *,
    month: date,
    now: datetime,
    output: Path,
    render: Render,
) -> ChunkResult:
    """Bill the common case of these contracts in the caller's transaction; the rest is left."""
    contracts = session.scalars(
        select(Contract).where(Contract.id.in_(contract_ids)).order_by(Contract.id)
    ).all()
    made: set[int] = set()
    left: list[int] = []
    for supplier_id in sorted({c.supplier_id for c in contracts}):
        own = [c for c in contracts if c.supplier_id == supplier_id]
        supplier = session.get(Party, supplier_id)
        assert supplier is not None  # a foreign key
        issued, rest = _bill_supplier(session, supplier, own, month, now, output, render)
        made |= issued
        left += rest
    return ChunkResult(made, sorted(left))


def _bill_supplier(
    session: Session,
    supplier: Party,
    contracts: Sequence[Contract],
    month: date,
    now: datetime,
    output: Path,
    render: Render,
) -> tuple[set[int], list[int]]:
    try:
        shared = _SupplierParts.of(session, supplier, now)
    except AppError:  # bill_contract meets it again and reports it per contract
        return set(), [c.id for c in contracts]
    due, left = _due(session, contracts, month)
    reads, unread = _reads(session, supplier, due, now)
    left += unread
    current = _current_digests(session, [r.due.contract.id for r in reads])
    logged: list[tuple[SupplierPeriod, int]] = []
    issues: list[_Issue] = []
    for read in reads:
        outcome = _try(read, current, shared)
        if outcome == _LEFT:
            left.append(read.due.contract.id)
            continue
        logged.append((read.period, read.value_count))
        if isinstance(outcome, _Issue):
            issues.append(outcome)
    log_supplier_reads(session, logged, channel="pull", now=now)
    return _issue_all(session, supplier, issues, month, output, render, now), left


def _reads(
    session: Session, supplier: Party, due: list[_Due], now: datetime
) -> tuple[list[_Read], list[int]]:
    """The gate's periods, daily rollups and priced sums of the due contracts the fast path can
    take, and the contracts it leaves: refused by the gate, clipped, or not priced throughout."""
    requests = [(d.installation, local_midnight(d.start), local_midnight(d.end)) for d in due]
    periods = checked_supplier_periods(session, supplier=supplier, requests=requests, now=now)
    checked: list[tuple[_Due, SupplierPeriod]] = []
    left = []
    for item, period in zip(due, periods, strict=True):
        if isinstance(period, AppError) or (period.lo, period.hi) != (
            local_midnight(item.start),
            local_midnight(item.end),
        ):
            left.append(item.contract.id)  # bill_contract refuses or clips
        else:
            checked.append((item, period))
    # The days (and the digest made of them) before the priced sums: on PostgreSQL each statement
    # sees what is committed when it starts, so values corrected in between give an invoice whose
    # digest is of the older values, and the next run credits and reissues it. The other order
    # would keep an invoice priced on older values under a digest of the newer. A day's kept
    # sum comes in the same row as its values, so it is of the same values.
    days = _days(session, [item for item, _ in checked])
    kept = _kept_costs(session, [item for item, _ in checked if _priced(item)], days)
    summed = [(i, p) for i, p in checked if _priced(i) and i.contract.id not in kept]
    windowed, unpriced = _windows(session, summed)
    left += sorted(unpriced)
    costs = _costs(session, windowed)
    reads = []
    for item, period in checked:
        if item.contract.id in unpriced:
            continue
        own = kept.get(item.contract.id, {})
        if item.contract.id in windowed.windows:
            if costs is None:
                left.append(item.contract.id)  # a sum beyond int64: rate's Decimals take it
                continue
            own = {first: costs.get(w.key, 0) for first, w in windowed.windows[item.contract.id]}
        stored = days.get(item.installation.id, {})
        # the chunk's days span every due period: this contract's own only
        period_days = {d: t for d, t in stored.items() if item.start <= d < item.end}
        reads.append(_Read(item, period, period_days, own))
    return reads, left


def _kept_costs(
    session: Session, priced: Sequence[_Due], days: Mapping[int, Mapping[date, DayTotal]]
) -> dict[int, dict[date, int]]:
    """Σ Wh × price of each month of the contracts whose every day has a kept sum at its day's
    current prices (``metering.day_costs``), by contract id; the others are summed from values.

    The versions are read after the days: prices changed in between only send a contract to
    the values."""
    spans = _zone_spans(priced).items()
    versions = {zone: price_versions(session, zone, *span) for zone, span in spans}
    kept = {}
    for item in priced:
        current = versions[item.installation.bidding_zone]
        own = days.get(item.installation.id, {})
        months = _month_bounds(item.start, item.end)
        sums = dict.fromkeys(months, 0)
        for day, _ in _local_days(item.start, item.end):
            total = own.get(day)
            if total is None or total.cost is None or total.prices_version != current.get(day, 0):
                break
            sums[_month_of(day, item.start)] += total.cost
        else:
            kept[item.contract.id] = sums
    return kept


@dataclass(frozen=True, slots=True)
class _Windows:
    """The month windows of the contracts whose Σ Wh × price is summed from their values."""

    prices: _ZonePrices
    zones: dict[str, int]
    windows: dict[int, list[tuple[date, Window]]]  # by contract id


def _windows(
    session: Session, summed: Sequence[tuple[_Due, SupplierPeriod]]
) -> tuple[_Windows, set[int]]:
    """The windows to sum from values, and the contracts not priced throughout (left)."""
    prices = _ZonePrices.of(session, [item for item, _ in summed])
    zones = {zone: n for n, zone in enumerate(sorted(prices.grids))}
    windows: dict[int, list[tuple[date, Window]]] = {}
    unpriced = set()
    keys = itertools.count()
    for item, period in summed:
        grid = prices.grids.get(item.installation.bidding_zone)
        minutes = period.resolution.minutes
        span = to_epoch(period.lo), to_epoch(period.hi)
        if grid is None or not _covers(grid, *span, minutes):
            unpriced.add(item.contract.id)  # bill_contract finds the price missing
            continue
        zone = zones[item.installation.bidding_zone]
        windows[item.contract.id] = [
            (first, Window(next(keys), item.installation.id, lo, hi, minutes, zone))
            for first, lo, hi in _month_windows(item.start, item.end)
        ]
    return _Windows(prices, zones, windows), unpriced


def _costs(session: Session, summed: _Windows) -> dict[int, int] | None:
    """``window_costs`` of the summed windows. On PostgreSQL a window priced throughout at its
    meter's resolution joins the stored prices themselves (``stored_window_costs``): a temporary
    table keeps the query to one process, and the staged price would be 4 × the stored one."""
    prices, zones = summed.prices, summed.zones
    windows = [w for own in summed.windows.values() for _, w in own]
    direct: list[Window] = []
    if is_postgres(session):
        names = sorted(zones, key=zones.__getitem__)
        direct = [w for w in windows if _own_prices(prices.grids[names[w.zone]], w)]
    taken = {w.key for w in direct}
    staged = [w for w in windows if w.key not in taken]
    costs: dict[int, int] | None = {}
    if staged:  # the staged prices only when a window needs them: thousands of slots a zone
        slots = [slot for zone, n in zones.items() for slot in _slots(prices.grids[zone], n)]
        costs = window_costs(session, staged, slots)
    if costs is None or not direct:
        return costs
    return costs | stored_window_costs(session, direct, names)


def _own_prices(grid: PriceGrid | None, window: Window) -> bool:
    """Whether every interval of the window has a stored price of the meter's resolution:
    a quarter-hour its quarter's, an hour its hour's (``_covers`` has checked the span)."""
    if grid is None:
        return False
    first = (window.lo - grid.base) // QUARTER_S
    stop = (window.hi - grid.base) // QUARTER_S
    if window.minutes == 15:
        return bool(grid.has_quarter[first:stop].all())
    return bool(grid.has_hourly[first:stop:4].all())


def _priced(item: _Due) -> bool:
    return ProductKind(item.product.kind) is not ProductKind.FIXED


def _month_windows(start: date, end: date) -> list[tuple[date, int, int]]:
    """(first day, lo, hi) in epoch s of each local month of [start, end)."""
    months = _month_bounds(start, end)
    bounds = [*months[1:], end]
    return [
        (first, to_epoch(local_midnight(first)), to_epoch(local_midnight(stop)))
        for first, stop in zip(months, bounds, strict=True)
    ]


def _try(
    read: _Read, current: dict[tuple[int, date], str], shared: _SupplierParts
) -> _Issue | _Outcome:
    """The invoice to issue, ``_KEPT`` when the current one stands, or ``_LEFT``."""
    item = read.due
    if not _complete(item, read.days):
        return _LEFT  # incomplete: bill_contract refuses or rates it (SUP-7)
    digest = basis_digest(item.start, item.end, read.days)
    before = current.get((item.contract.id, item.start))
    if before is not None:
        if not before.startswith(DIGEST_V2):
            return _LEFT  # issued with the first digest format: bill_contract compares that
        return _KEPT if before == digest else _LEFT  # corrected values: bill_contract credits
    usage = _daily_usage(item, read.days)
    return _Issue(item, _document(item, shared, _rating(read), usage), digest)


def _complete(item: _Due, days: Mapping[date, DayTotal]) -> bool:
    """SUP-7 from the daily rollups: every local day of the period present, none of its values
    missing and its minutes covered (1380 and 1500 on the DST days). Starts are unique, on the
    meter's grid and of its resolution (ingest refuses anything else), so the minutes cannot
    add up with an interval missing."""
    for day, minutes in _local_days(item.start, item.end):
        total = days.get(day)
        if total is None or total.missing_count or total.minutes_present != minutes:
            return False
    return True


# --- loading -------------------------------------------------------------------------------------


def _due(
    session: Session, contracts: Sequence[Contract], month: date
) -> tuple[list[_Due], list[int]]:
    """The contracts with their records and periods, and those whose interval is refused."""
    installations = _by_id(session, Installation, {c.installation_id for c in contracts})
    products = _by_id(session, Product, {c.product_id for c in contracts})
    customers = _by_id(session, Customer, {c.customer_id for c in contracts})
    due, left = [], []
    for contract in contracts:
        installation = installations[contract.installation_id]
        try:
            check_interval(contract.billing_interval_months, remote_read=installation.remote_read)
        except AppError:
            left.append(contract.id)  # refused (SUP-7) by bill_contract, with its message
            continue
        start, end = billing_period(contract, month)
        product = products[contract.product_id]
        due.append(
            _Due(contract, installation, product, customers[contract.customer_id], start, end)
        )
    return due, left


def _by_id(session: Session, model: type[_T], ids: set[int]) -> dict[int, _T]:
    rows = session.scalars(select(model).where(model.id.in_(sorted(ids)))).all()
    return {row.id: row for row in rows}


def _current_digests(session: Session, contract_ids: list[int]) -> dict[tuple[int, date], str]:
    """The basis digest of each contract's issued invoice, by (contract, period start)."""
    query = select(Invoice.contract_id, Invoice.period_start, Invoice.basis_digest).where(
        Invoice.contract_id.in_(contract_ids),
        Invoice.kind == DocumentKind.INVOICE.value,
        Invoice.status == "issued",
    )
    return {(c, s): d for c, s, d in session.execute(query)}


# --- prices --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ZonePrices:
    grids: dict[str, PriceGrid | None]  # None: a price this path does not take (left to rate)

    @staticmethod
    def of(session: Session, due: Sequence[_Due]) -> _ZonePrices:
        """One price grid per bidding zone over the span of these spot-priced contracts."""
        spans = _zone_spans(due).items()
        return _ZonePrices({z: price_grid(session, z, *span) for z, span in spans})


def _zone_spans(priced: Sequence[_Due]) -> dict[str, tuple[date, date]]:
    """The local dates [first, end) that hold the periods of these contracts, per zone."""
    spans: dict[str, tuple[date, date]] = {}
    for item in priced:
        zone = item.installation.bidding_zone
        first, end = spans.get(zone, (item.start, item.end))
        spans[zone] = (min(first, item.start), max(end, item.end))
    return spans


def _covers(grid: PriceGrid, lo: int, hi: int, minutes: int) -> bool:
    """Whether every interval of ``minutes`` in [lo, hi) (epoch s) has the price ``_slots``
    stages for it: a quarter its own or its hour's, an hour its own or all four quarters'."""
    first, stop = (lo - grid.base) // QUARTER_S, (hi - grid.base) // QUARTER_S
    if first < 0 or stop > grid.quarter.size:
        return False
    if minutes == 15:
        return bool((grid.has_quarter[first:stop] | grid.has_hourly[first:stop]).all())
    quarters = grid.has_quarter[first:stop].reshape(-1, 4).all(1)
    return bool((grid.has_hourly[first:stop:4] | quarters).all())


def _slots(grid: PriceGrid | None, zone: int) -> list[PriceSlot]:
    """The grid as staged prices, 4·price·10^7 as ``rate`` prices a value: a quarter-hour value
    its quarter's price, else its hour's; an hourly value its hour's price, else the sum of its
    four quarters (4 × their mean, exactly)."""
    if grid is None:
        return []
    size = grid.quarter.size
    starts = grid.base + QUARTER_S * np.arange(size, dtype=np.int64)
    quarter = np.where(grid.has_quarter, 4 * grid.quarter, 4 * grid.hourly)
    known = np.flatnonzero(grid.has_quarter | grid.has_hourly)
    slots = [
        PriceSlot(zone, 15, s, p)
        for s, p in zip(starts[known].tolist(), quarter[known].tolist(), strict=True)
    ]
    at = np.flatnonzero((starts % 3600 == 0) & (np.arange(size) + 3 < size))  # whole hours
    block = at[:, None] + np.arange(4)
    use_hour = grid.has_hourly[at]
    hour = np.where(use_hour, 4 * grid.hourly[at], grid.quarter[block].sum(1))
    known = np.flatnonzero(use_hour | grid.has_quarter[block].all(1))
    slots += [
        PriceSlot(zone, 60, s, p)
        for s, p in zip(starts[at][known].tolist(), hour[known].tolist(), strict=True)
    ]
    return slots


# --- rating --------------------------------------------------------------------------------------


def _rating(read: _Read) -> Rating:
    """``rate_totals`` of the months' sums: exactly the totals ``rate`` builds value by value."""
    item = read.due
    months = _month_bounds(item.start, item.end)
    wh = dict.fromkeys(months, 0)
    for day, total in read.days.items():
        wh[_month_of(day, item.start)] += total.wh
    totals = {
        first: MonthTotal(wh[first], Decimal(read.costs.get(first, 0)) / _COST_DIVISOR)
        for first in months
    }
    return rate_totals(
        terms=_terms(item.product),
        start=item.start,
        end=item.end,
        months=totals,
        based_on_actual=not any(t.estimated_count for t in read.days.values()),
        bidding_zone=item.installation.bidding_zone,
    )


def _month_of(day: date, start: date) -> date:
    """The key of the day's month in ``_month_bounds(start, …)``: its first day, or ``start``."""
    return max(start, day.replace(day=1))


def _month_bounds(start: date, end: date) -> list[date]:
    """The first local day of each month with values in ``[start, end)``; the first is ``start``."""
    months, month = [start], add_months(start.replace(day=1), 1)
    while month < end:
        months.append(month)
        month = add_months(month, 1)
    return months


def _days(session: Session, due: Sequence[_Due]) -> dict[int, dict[date, DayTotal]]:
    if not due:
        return {}
    return day_totals(
        session,
        sorted({d.installation.id for d in due}),
        min(d.start for d in due),
        max(d.end for d in due),
    )


def _daily_usage(item: _Due, days: Mapping[date, DayTotal]) -> tuple[UsagePoint, ...]:
    """As ``billing._daily_usage``: Σ kWh per local day of a complete period (SUP-10)."""
    return tuple(
        UsagePoint(str(day.day), Decimal(days[day].wh).scaleb(-3), None)
        for day, _ in _local_days(item.start, item.end)
    )


@lru_cache(maxsize=64)
def _local_days(start: date, end: date) -> tuple[tuple[date, int], ...]:
    """Each local day of [start, end) with its minutes: 1380 and 1500 on the DST days."""
    days = [start + timedelta(days=n) for n in range((end - start).days)]
    return tuple((day, minutes_between(day, day + timedelta(days=1))) for day in days)


# --- the document --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _SupplierParts:
    """What every invoice of one supplier in a run has in common."""

    info: SupplierInfo
    payment_days: int
    disclosure: Disclosure | None
    pointers: tuple[tuple[int, str], ...]
    issue: date

    @staticmethod
    def of(session: Session, supplier: Party, now: datetime) -> _SupplierParts:
        profile = profile_of(session, supplier=supplier)
        issue = now.astimezone(STOCKHOLM).date()
        return _SupplierParts(
            supplier_info(session, supplier=supplier),
            profile.payment_terms_days,
            parts.disclosure(session, supplier, issue.year - 1),
            parts.pointers(profile),
            issue,
        )


def _document(
    item: _Due, shared: _SupplierParts, rating: Rating, usage: tuple[UsagePoint, ...]
) -> InvoiceDocument:
    """The same document as ``billing._document`` makes of the same values."""
    installation = item.installation
    return InvoiceDocument(
        kind=DocumentKind.INVOICE,
        number="",
        ocr="",
        issue_date=shared.issue,
        due_date=shared.issue + timedelta(days=shared.payment_days),
        period_start=item.start,
        period_end=item.end - timedelta(days=1),
        supplier=shared.info,
        customer=parts.customer_info(item.customer, installation),
        installation_id=installation.gsrn,
        bidding_zone=installation.bidding_zone,
        grid_area=installation.grid_area,
        contract=contract_info(item.contract, item.product),
        lines=rating.lines,
        consumption_kwh=rating.consumption_kwh,
        based_on_actual=rating.based_on_actual,
        usage=usage,
        benchmark=_benchmark(rating.consumption_kwh, item.start, item.end),
        advice=parts.advice(installation),
        disclosure=shared.disclosure,
        pointers=shared.pointers,
    )


def _benchmark(kwh: Decimal, start: date, end: date) -> Benchmark:
    """``invoice_parts.benchmark``, the categories' normalised use computed once per period."""
    category, normal = min(
        _benchmark_kwh(start, end), key=lambda c: parts.ratio_distance(kwh, c[1])
    )
    return Benchmark(category.label, normal)


@lru_cache(maxsize=64)
def _benchmark_kwh(start: date, end: date) -> tuple[tuple[BenchmarkCategory, Decimal], ...]:
    return tuple((c, benchmark_kwh(c, start, end)) for c in BenchmarkCategory)


# --- issuing -------------------------------------------------------------------------------------


def _issue_all(
    session: Session,
    supplier: Party,
    issues: list[_Issue],
    month: date,
    output: Path,
    render: Render,
    now: datetime,
) -> set[int]:
    """Number the invoices gap-free under one lock of the series, store them and their jobs."""
    if not issues:
        return set()
    first = _take_sequences(session, supplier.id, len(issues))
    docs = {}
    rows = []
    for sequence, issue in enumerate(issues, start=first):
        number = f"{sequence:08d}"
        docs[sequence] = dataclasses.replace(issue.doc, number=number, ocr=make_ocr(number))
        rows.append(
            invoice_columns(
                docs[sequence],
                issue.due.contract,
                sequence=sequence,
                month=month,
                digest=issue.digest,
            )
        )
    insert_rows(session, Invoice, rows)  # a COPY on PostgreSQL: no ids back
    numbered = select(Invoice.sequence, Invoice.id).where(
        Invoice.supplier_id == supplier.id,
        Invoice.sequence >= first,
        Invoice.sequence < first + len(issues),
    )
    ids = {sequence: id_ for sequence, id_ in session.execute(numbered)}
    if render == "queue":
        folder = str(output.resolve())
        jobs = [
            {"kind": RENDER_JOB, "payload": {"invoice": i, "output": folder}, "run_at": now}
            for i in ids.values()
        ]
        insert_rows(session, JobRow, jobs)
    else:
        for invoice in session.scalars(select(Invoice).where(Invoice.id.in_(ids.values()))):
            write_files(invoice, docs[invoice.sequence], output)
    return set(ids.values())


def _take_sequences(session: Session, supplier_id: int, count: int) -> int:
    """The first of ``count`` consecutive numbers, taken in the caller's transaction."""
    series = session.get(InvoiceSeries, supplier_id, with_for_update=True)
    if series is None:
        session.add(InvoiceSeries(supplier_id=supplier_id, next_sequence=count + 1))
        session.flush()
        return 1
    first = series.next_sequence
    session.execute(
        update(InvoiceSeries)
        .where(InvoiceSeries.supplier_id == supplier_id)
        .values(next_sequence=first + count)
    )
    session.expire(series)
    return first

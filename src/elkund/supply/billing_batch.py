"""A chunk of a billing run in one transaction, set-based (ADR 0018).

``bill_contract`` bills one contract in a few dozen queries and rates its values one by one, and a
monthly run over every contract of a supplier spent about 0.1 s per invoice that way. A chunk reads
what its contracts have in common once: the contracts, installations, products and customers in
a query each, the supplier's parts of the document once, every installation's values through the
gate's supplier basis in one query (``supplier_reads``, still one share-log entry per read), one
price series per bidding zone; it rates with integer arrays, takes all its numbers under one lock
of the series and inserts the invoices and their render jobs together.

Only the common case is handled here: a contract whose values tile its period without a missing
or odd value, whose prices are all there, and that has no invoice with other values to credit.
Every other contract is left to ``bill_contract``, in its own transaction after the chunk, which
reads, refuses or credits it exactly as before: the fast path never has to copy an error path.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
import orjson
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from elkund.access.supplier_reads import (
    Rows,
    SupplierRows,
    checked_supplier_rows,
    log_supplier_rows,
)
from elkund.core.errors import AppError
from elkund.core.jobs.models import JobRow
from elkund.core.localtime import STOCKHOLM, local_midnight, to_epoch
from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.supply import invoice_parts as parts
from elkund.supply.billing import Render, _terms, billing_period
from elkund.supply.billing_models import Invoice, InvoiceSeries
from elkund.supply.billing_period import add_months, check_interval
from elkund.supply.contracts import contract_info
from elkund.supply.document import (
    Disclosure,
    DocumentKind,
    InvoiceDocument,
    SupplierInfo,
    UsagePoint,
)
from elkund.supply.models import Contract, Product, ProductKind
from elkund.supply.ocr import make_ocr
from elkund.supply.prices import price_series
from elkund.supply.rating import MonthTotal, Rating, rate_totals
from elkund.supply.render_jobs import RENDER_JOB, write_files
from elkund.supply.suppliers import profile_of, supplier_info

Ints = npt.NDArray[np.int64]
_T = TypeVar("_T", Installation, Product, Customer)
_Outcome = Literal["left", "kept"]
_LEFT: _Outcome = "left"  # to ``bill_contract``
_KEPT: _Outcome = "kept"  # the invoice issued before stands
_QUARTER_S = 900
_SCALE = 10**7  # öre/kWh × 10^7, exact for stored prices (SPOT_SCALE)
_COST_DIVISOR = Decimal(4 * _SCALE * 1000)  # Σ Wh × 4·price·10^7 → öre
_SAFE = 2**62  # Σ |Wh × 4·price·10^7| below this cannot overflow int64


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
    except AppError:
        return set(), [c.id for c in contracts]
    due, left = _due(session, contracts, month)
    requests = [(d.installation, local_midnight(d.start), local_midnight(d.end)) for d in due]
    reads = checked_supplier_rows(session, supplier=supplier, requests=requests, now=now)
    current = _current_digests(session, [d.contract.id for d in due])
    prices = _ZonePrices.of(session, due)
    logged: list[SupplierRows] = []
    issues: list[_Issue] = []
    for item, read in zip(due, reads, strict=True):
        outcome = _LEFT if isinstance(read, AppError) else _try(item, read, current, prices, shared)
        if outcome == _LEFT or isinstance(read, AppError):
            left.append(item.contract.id)
            continue
        logged.append(read)
        if isinstance(outcome, _Issue):
            issues.append(outcome)
    log_supplier_rows(session, logged, channel="pull", now=now)
    return _issue_all(session, supplier, issues, month, output, render, now), left


def _try(
    item: _Due,
    read: SupplierRows,
    current: dict[tuple[int, date], str],
    prices: _ZonePrices,
    shared: _SupplierParts,
) -> _Issue | _Outcome:
    """The invoice to issue, ``_KEPT`` when the current one stands, or ``_LEFT``."""
    if (local_midnight(item.start), local_midnight(item.end)) != (read.lo, read.hi):
        return _LEFT  # clipped by the supply period: the values cannot tile the period
    digest = _digest(read.rows)
    before = current.get((item.contract.id, item.start))
    if before is not None:
        return _KEPT if before == digest else _LEFT  # corrected values: bill_contract credits
    rated = _rate(item, read.rows, prices)
    if rated is None:
        return _LEFT
    rating, usage = rated
    return _Issue(item, _document(item, shared, rating, usage), digest)


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


def _digest(rows: Rows) -> str:
    """The digest ``billing._digest`` gives the same values, so that re-runs compare alike:
    SHA-256 of ``start,Wh,quality`` joined by ``;``, the text built with array operations."""
    starts, wh, quality = rows[:, 1], rows[:, 3], rows[:, 4]
    ordinary = (
        rows.shape[0] > 0
        and int(starts.min()) >= 10**9
        and int(starts.max()) < 10**10
        and int(wh.min()) >= 0
        and int(quality.min()) >= 0
        and int(quality.max()) <= 9
    )
    if not ordinary:  # not 10-digit epochs, one-digit qualities and unsigned Wh: as text
        text = ";".join(f"{s},{w},{q}" for _, s, _, w, q in rows.tolist()).encode()
        return hashlib.sha256(text).hexdigest()
    return hashlib.sha256(_digest_text(starts, wh, quality)).hexdigest()


def _digest_text(starts: Ints, wh: Ints, quality: Ints) -> bytes:
    """``"{start},{wh},{quality}"`` of every row, joined by ``;``: a byte matrix with one row per
    value, Wh right-aligned in a fixed width, its leading zeros masked out."""
    width = len(str(int(wh.max())))
    text = np.empty((starts.size, 10 + width + 4), np.uint8)
    keep = np.ones(text.shape, np.bool_)
    text[:, :10] = _digits(starts, 10)
    text[:, 10] = ord(",")
    text[:, 11 : 11 + width] = _digits(wh, width)
    digits = np.ones(starts.size, np.int64)
    for n in range(1, width):
        digits += wh >= 10**n
    keep[:, 11 : 11 + width] = np.arange(width) >= (width - digits)[:, None]
    text[:, 11 + width] = ord(",")
    text[:, 12 + width] = ord("0") + quality
    text[:, 13 + width] = ord(";")
    return text[keep].tobytes()[:-1]


def _digits(numbers: Ints, width: int) -> npt.NDArray[np.uint8]:
    """Each number's ``width`` decimal digits as ASCII, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (ord("0") + (numbers[:, None] // powers) % 10).astype(np.uint8)


# --- prices --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Grid:
    """One zone's prices on a quarter-hour grid from ``base``: öre/kWh × 10^7 where known.

    ``hourly`` holds an hour's price at each of its quarters (PT60M, where no quarter prices of
    the hour exist: ``price_series`` prefers quarters); ``quarter`` the quarter prices.
    """

    base: int
    quarter: Ints
    has_quarter: npt.NDArray[np.bool_]
    hourly: Ints
    has_hourly: npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class _ZonePrices:
    grids: dict[str, _Grid | None]  # None: a price this path does not take (left to rate)

    @staticmethod
    def of(session: Session, due: Sequence[_Due]) -> _ZonePrices:
        """One price series per bidding zone over the span of its dynamic-priced contracts."""
        spans: dict[str, tuple[date, date]] = {}
        for item in due:
            if ProductKind(item.product.kind) is ProductKind.FIXED:
                continue
            zone = item.installation.bidding_zone
            first, end = spans.get(zone, (item.start, item.end))
            spans[zone] = (min(first, item.start), max(end, item.end))
        return _ZonePrices({z: _grid(session, z, *span) for z, span in spans.items()})


def _grid(session: Session, zone: str, start: date, end: date) -> _Grid | None:
    base, stop = to_epoch(local_midnight(start)), to_epoch(local_midnight(end))
    size = (stop - base) // _QUARTER_S
    grid = _Grid(
        base,
        np.zeros(size, np.int64),
        np.zeros(size, np.bool_),
        np.zeros(size, np.int64),
        np.zeros(size, np.bool_),
    )
    for point in price_series(session, zone, local_midnight(start), local_midnight(end)):
        begin = to_epoch(point.start)
        scaled = point.ore_per_kwh.scaleb(7)
        minutes = 15 if point.resolution == "PT15M" else 60
        if scaled != scaled.to_integral_value() or begin % (minutes * 60):
            return None  # off the grid or finer than stored: rate() says what is wrong
        at = (begin - base) // _QUARTER_S
        if minutes == 15:
            if 0 <= at < size:
                grid.quarter[at], grid.has_quarter[at] = int(scaled), True
        else:
            lo, hi = max(at, 0), min(at + 4, size)
            grid.hourly[lo:hi], grid.has_hourly[lo:hi] = int(scaled), True
    return grid


def _interval_prices(
    grid: _Grid, starts: Ints, minutes: Ints
) -> tuple[Ints, npt.NDArray[np.bool_]]:
    """4 × price × 10^7 of each value as ``rating`` prices it, and where a price is known.

    A quarter value takes its quarter's price, else its hour's; an hourly value its hour's price,
    else the mean of its four quarters, and 4 × that mean is their sum, exactly.
    """
    at = (starts - grid.base) // _QUARTER_S
    price = 4 * np.where(grid.has_quarter[at], grid.quarter[at], grid.hourly[at])
    known = grid.has_quarter[at] | grid.has_hourly[at]
    hours = np.flatnonzero(minutes == 60)
    if hours.size:
        hour_at = at[hours]
        block = hour_at[:, None] + np.arange(4)  # inside the grid: the value ends by its end
        use_hour = grid.has_hourly[hour_at]
        price[hours] = np.where(use_hour, 4 * grid.hourly[hour_at], grid.quarter[block].sum(1))
        known[hours] = use_hour | grid.has_quarter[block].all(1)
    return price, known


# --- rating --------------------------------------------------------------------------------------


def _rate(
    item: _Due, rows: Rows, prices: _ZonePrices
) -> tuple[Rating, tuple[UsagePoint, ...]] | None:
    """``rate`` of clean values with integer arrays; None for anything it would look at twice."""
    first, stop = to_epoch(local_midnight(item.start)), to_epoch(local_midnight(item.end))
    if not rows.shape[0]:
        return None
    starts, minutes, wh, quality = rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4]
    ends = starts + minutes * 60
    clean = (
        starts[0] == first
        and ends[-1] == stop
        and bool(np.all(starts[1:] == ends[:-1]))
        and bool(np.all((minutes == 15) | (minutes == 60)))
        and not bool(np.any(starts % (minutes * 60)))
        and bool(np.all(wh >= 0))
        and not bool(np.any(quality == 2))  # missing: refused by rate
    )
    if not clean:
        return None
    cost = _costs(item, starts, minutes, wh, prices)
    if cost is None:
        return None
    months = _month_bounds(item.start, item.end)
    month_at = np.searchsorted(starts, [to_epoch(local_midnight(m)) for m in months])
    month_wh = np.add.reduceat(wh, month_at)
    month_cost = np.add.reduceat(cost, month_at)
    totals = {
        m: MonthTotal(int(w), Decimal(int(c)) / _COST_DIVISOR)
        for m, w, c in zip(months, month_wh, month_cost, strict=True)
    }
    rating = rate_totals(
        terms=_terms(item.product),
        start=item.start,
        end=item.end,
        months=totals,
        based_on_actual=bool(np.all(quality == 0)),
        bidding_zone=item.installation.bidding_zone,
    )
    return rating, _daily_usage(item.start, item.end, starts, wh)


def _costs(item: _Due, starts: Ints, minutes: Ints, wh: Ints, prices: _ZonePrices) -> Ints | None:
    """Wh × 4·price·10^7 of each value (zero for a fixed price), or None: leave to ``rate``."""
    if ProductKind(item.product.kind) is ProductKind.FIXED:
        return np.zeros_like(wh)
    grid = prices.grids.get(item.installation.bidding_zone)
    if grid is None:
        return None
    price, known = _interval_prices(grid, starts, minutes)
    used = wh != 0  # rating needs no price for an interval without consumption
    if not bool(np.all(known | ~used)):
        return None  # missing_spot_price, with its message, from rate
    price = np.where(used, price, 0)
    if int(np.abs(price).max(initial=0)) * int(wh.sum()) >= _SAFE:
        return None  # beyond int64: rate's Decimals take it
    return wh * price


def _month_bounds(start: date, end: date) -> list[date]:
    """The first local day of each month with values in ``[start, end)``; the first is ``start``."""
    months, month = [start], add_months(start.replace(day=1), 1)
    while month < end:
        months.append(month)
        month = add_months(month, 1)
    return months


def _daily_usage(start: date, end: date, starts: Ints, wh: Ints) -> tuple[UsagePoint, ...]:
    """As ``billing._daily_usage``: Σ kWh per local day."""
    days = [start + timedelta(days=n) for n in range((end - start).days)]
    at = np.searchsorted(starts, [to_epoch(local_midnight(d)) for d in days])
    sums = np.add.reduceat(wh, at)
    return tuple(
        UsagePoint(str(day.day), Decimal(int(total)).scaleb(-3), None)
        for day, total in zip(days, sums, strict=True)
    )


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
        benchmark=parts.benchmark(rating.consumption_kwh, item.start, item.end),
        advice=parts.advice(installation),
        disclosure=shared.disclosure,
        pointers=shared.pointers,
    )


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
        rows.append(_invoice_row(issue, docs[sequence], sequence, month))
    session.execute(insert(Invoice), rows)  # one executemany: no ids back, so read them
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
        session.execute(insert(JobRow), jobs)
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


def _invoice_row(
    issue: _Issue, doc: InvoiceDocument, sequence: int, month: date
) -> dict[str, object]:
    contract = issue.due.contract
    return dict(
        supplier_id=contract.supplier_id,
        sequence=sequence,
        number=doc.number,
        kind=doc.kind.value,
        status="issued",
        contract_id=contract.id,
        installation_id=contract.installation_id,
        customer_id=contract.customer_id,
        billing_month=month,
        period_start=doc.period_start,
        period_end=doc.period_end,
        issue_date=doc.issue_date,
        due_date=doc.due_date,
        ocr=doc.ocr,
        net=doc.net,
        vat=doc.vat,
        total=doc.total,
        consumption_wh=int(doc.consumption_kwh * 1000),
        basis_digest=issue.digest,
        credits_invoice_id=None,
        # orjson serialises the dataclasses as ``dataclasses.asdict`` would, without its copies.
        document=orjson.dumps(doc, default=str).decode(),
    )

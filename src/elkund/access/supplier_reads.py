"""Many supplier reads at once, for the billing run: the gate's supplier basis in a few queries.

The same basis, clipping and log entry as ``read_for_supplier``, for many installations in a few
queries: the monthly billing run reads every due installation's month, and one round of queries
per installation was most of its time. The values come as stored rows, not ``Value`` objects,
because the caller sums them; ``log_supplier_rows`` writes each read's one share-log entry.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

# The gate's own supplier checks, shared so a batched read is judged exactly like a single one.
from elkund.access.domain import REQUESTABLE
from elkund.access.gate import (
    BASIS_SUPPLIER,
    Channel,
    NotSupplierOfRecord,
    Window,
    _overlap,
    _supplier_period,
)
from elkund.access.models import ShareLogEntry
from elkund.core.bulk import driver_connection
from elkund.core.db import is_postgres
from elkund.core.errors import AppError
from elkund.core.localtime import to_epoch
from elkund.grid.models import Installation, SupplyPeriod
from elkund.metering.domain import Resolution
from elkund.metering.errors import ResolutionTooFine
from elkund.parties.credentials import PartySuspended
from elkund.parties.models import Party, PartyRole
from elkund.supply.models import Contract, ContractStatus

# One row per stored value: (installation id, epoch start s, minutes, Wh, quality), int64.
Rows = npt.NDArray[np.int64]
ROW_COLUMNS = 5


@dataclass(frozen=True, slots=True)
class SupplierRows:
    """One checked supplier read at the meter's resolution, its stored rows oldest first."""

    supplier_id: int
    installation: int  # internal id
    resolution: Resolution
    lo: datetime  # UTC
    hi: datetime
    rows: Rows  # shape (values, ROW_COLUMNS)


def checked_supplier_rows(
    session: Session,
    *,
    supplier: Party,
    requests: list[tuple[Installation, datetime, datetime]],
    now: datetime,
) -> list[SupplierRows | AppError]:
    """``read_for_supplier`` without its log entry for each (installation, start, end), in order:
    its rows, or the error that read would have raised. Log the reads given out with
    ``log_supplier_rows`` in the same transaction."""
    if not supplier.is_active:
        return [PartySuspended("This party is suspended and can do nothing.") for _ in requests]
    windows = _windows_of_many(session, supplier, [i.id for i, _, _ in requests])
    periods: list[tuple[int, Resolution, datetime, datetime] | AppError] = []
    for installation, start, end in requests:
        try:
            periods.append(_checked_period(supplier, installation, windows, start, end, now))
        except AppError as error:
            periods.append(error)
    rows = _rows_of_many(session, [p for p in periods if not isinstance(p, AppError)])
    return [
        p if isinstance(p, AppError) else SupplierRows(supplier.id, *p, rows[p[0], p[2], p[3]])
        for p in periods
    ]


def log_supplier_rows(
    session: Session, reads: list[SupplierRows], *, channel: Channel, now: datetime
) -> None:
    """Each read's one share-log entry, as ``read_for_supplier`` writes it (one executemany)."""
    if not reads:
        return
    entries = [
        {
            "at": now,
            "party_id": read.supplier_id,
            "installation_id": read.installation,
            "consent_id": None,
            "basis": BASIS_SUPPLIER,
            "channel": channel,
            "period_start": read.lo,
            "period_end": read.hi,
            "resolution": read.resolution.value,
            "value_count": len(read.rows),
        }
        for read in reads
    ]
    session.execute(insert(ShareLogEntry), entries)


def _windows_of_many(
    session: Session, supplier: Party, installation_ids: list[int]
) -> dict[int, list[Window]]:
    """``supplier_windows`` of many installations in two queries."""
    ids = sorted(set(installation_ids))
    periods = session.execute(
        select(SupplyPeriod.installation_id, SupplyPeriod.start_date, SupplyPeriod.end_date).where(
            SupplyPeriod.installation_id.in_(ids), SupplyPeriod.supplier_id == supplier.id
        )
    ).all()
    contracts = session.execute(
        select(Contract.installation_id, Contract.start_date, Contract.end_date).where(
            Contract.installation_id.in_(ids),
            Contract.supplier_id == supplier.id,
            Contract.status != ContractStatus.REFUSED,
        )
    ).all()
    windows: dict[int, list[Window]] = {i: [] for i in ids}
    for p_id, p_start, p_end in periods:
        for c_id, c_start, c_end in contracts:
            overlap = _overlap((p_start, p_end), (c_start, c_end)) if p_id == c_id else None
            if overlap is not None:
                windows[p_id].append(overlap)
    return {i: sorted(w) for i, w in windows.items()}


def _checked_period(
    supplier: Party,
    installation: Installation,
    windows: dict[int, list[Window]],
    start: datetime,
    end: datetime,
    now: datetime,
) -> tuple[int, Resolution, datetime, datetime]:
    if supplier.role != PartyRole.SUPPLIER or not windows.get(installation.id):
        raise NotSupplierOfRecord(
            "This supplier is not, and has not been, supplier of record for this installation."
        )
    metered = Resolution(installation.resolution)
    if metered not in REQUESTABLE:
        raise ResolutionTooFine(f"This installation is metered in {metered.value} or coarser.")
    lo, hi = _supplier_period(windows[installation.id], metered, start, end, now=now)
    return installation.id, metered, lo, hi


def _rows_of_many(
    session: Session, periods: list[tuple[int, Resolution, datetime, datetime]]
) -> dict[tuple[int, datetime, datetime], Rows]:
    """The stored rows of each (installation, lo, hi), in one query over the periods' span."""
    if not periods:
        return {}
    ids = sorted({i for i, _, _, _ in periods})
    everything = _fetch_rows(
        session,
        ids,
        min(to_epoch(lo) for _, _, lo, _ in periods),
        max(to_epoch(hi) for _, _, _, hi in periods),
    )
    keys = everything[:, 0] * _KEY_SHIFT + everything[:, 1]  # sorted: the query's order
    found = {}
    for installation_id, _, lo, hi in periods:
        first, last = np.searchsorted(
            keys, [installation_id * _KEY_SHIFT + to_epoch(t) for t in (lo, hi)]
        )
        found[installation_id, lo, hi] = everything[first:last]
    return found


_KEY_SHIFT = 2**36  # above every epoch second until the year 4147
_PACK = 1024  # minutes (< 128) × 8 + quality (< 8) below it
_PG_PACKED = np.dtype([("packed", ">i8"), ("wh", ">i4")])


def _fetch_rows(session: Session, ids: list[int], start: int, end: int) -> Rows:
    """Straight from the driver, as integer arrays: a billing run reads a month of every meter,
    and one Python object per value cost more than the query. Resolution and quality are packed
    with the start: SQLite sends three integers a row, PostgreSQL one ``bytea`` an installation."""
    if is_postgres(session):
        return _fetch_rows_postgres(session, ids, start, end)
    cursor = driver_connection(session).cursor()
    marks = ", ".join("?" for _ in ids)
    try:
        cursor.execute(
            f"SELECT installation_id, start * {_PACK} + resolution * 8 + quality, wh"
            f" FROM meter_values WHERE installation_id IN ({marks}) AND start >= ? AND start < ?"
            " ORDER BY installation_id, start",
            (*ids, start, end),
        )
        found = cursor.fetchall()
    finally:
        cursor.close()
    flat = np.fromiter(itertools.chain.from_iterable(found), np.int64, count=3 * len(found))
    installation, packed, wh = flat.reshape(-1, 3).T
    start_s, rest = np.divmod(packed, _PACK)
    minutes, quality = np.divmod(rest, 8)
    return np.stack([installation, start_s, minutes, wh, quality], axis=1)


def _fetch_rows_postgres(session: Session, ids: list[int], start: int, end: int) -> Rows:
    """One row per installation, its values packed big-endian into a ``bytea``. Sorting them in
    the aggregate cost a third of the query; they come in index order and are sorted here."""
    cursor = driver_connection(session).cursor()
    try:
        cursor.execute(
            "SELECT installation_id, string_agg(int8send(CAST(EXTRACT(EPOCH FROM start) AS int8)"
            f" * {_PACK} + resolution * 8 + quality) || int4send(wh), ''::bytea)"
            " FROM meter_values WHERE installation_id = ANY(%s)"
            " AND start >= to_timestamp(%s) AND start < to_timestamp(%s)"
            " GROUP BY installation_id ORDER BY installation_id",
            (ids, start, end),
        )
        found = cursor.fetchall()
    finally:
        cursor.close()
    parts = [
        _unpacked(installation, np.frombuffer(data, _PG_PACKED)) for installation, data in found
    ]
    return np.concatenate(parts) if parts else np.zeros((0, ROW_COLUMNS), np.int64)


def _unpacked(installation: int, packed: npt.NDArray[np.void]) -> Rows:
    start_s, rest = np.divmod(packed["packed"].astype(np.int64), _PACK)
    minutes, quality = np.divmod(rest, 8)
    ids = np.full(start_s.size, installation, np.int64)
    rows = np.stack([ids, start_s, minutes, packed["wh"].astype(np.int64), quality], axis=1)
    if bool(np.any(np.diff(start_s) <= 0)):
        rows = rows[np.argsort(start_s, kind="stable")]
    return rows

"""Many supplier reads at once, for the billing run: the gate's supplier basis in a few queries.

The same basis, clipping and log entry as ``read_for_supplier``, for many installations in a few
queries: the monthly billing run reads every due installation's month, and one round of queries
per installation was most of its time. The run sums the values in SQL (``metering.billing_reads``)
over the periods checked here, so no value travels; ``log_supplier_reads`` writes each read's one
share-log entry with the number of values the read covered (the run counts a complete period's
values from its daily rollups: minutes covered over the meter's resolution).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
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
from elkund.core.bulk import insert_rows
from elkund.core.errors import AppError
from elkund.grid.models import Installation, SupplyPeriod
from elkund.metering.domain import Resolution
from elkund.metering.errors import ResolutionTooFine
from elkund.parties.credentials import PartySuspended
from elkund.parties.models import Party, PartyRole
from elkund.supply.models import Contract, ContractStatus


@dataclass(frozen=True, slots=True)
class SupplierPeriod:
    """One checked supplier read: the period [lo, hi) the gate gives out, at the meter's
    resolution."""

    supplier_id: int
    installation: int  # internal id
    resolution: Resolution
    lo: datetime  # UTC
    hi: datetime


def checked_supplier_periods(
    session: Session,
    *,
    supplier: Party,
    requests: list[tuple[Installation, datetime, datetime]],
    now: datetime,
) -> list[SupplierPeriod | AppError]:
    """``read_for_supplier``'s checks and clipping for each (installation, start, end), in order:
    the period it would read, or the error it would have raised. Log the reads made with
    ``log_supplier_reads`` in the same transaction."""
    if not supplier.is_active:
        return [PartySuspended("This party is suspended and can do nothing.") for _ in requests]
    windows = _windows_of_many(session, supplier, [i.id for i, _, _ in requests])
    periods: list[SupplierPeriod | AppError] = []
    for installation, start, end in requests:
        try:
            periods.append(
                SupplierPeriod(
                    supplier.id, *_checked_period(supplier, installation, windows, start, end, now)
                )
            )
        except AppError as error:
            periods.append(error)
    return periods


def log_supplier_reads(
    session: Session,
    reads: list[tuple[SupplierPeriod, int]],
    *,
    channel: Channel,
    now: datetime,
) -> None:
    """Each (read, number of values given) its one share-log entry, as ``read_for_supplier``
    writes it (one executemany)."""
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
            "value_count": count,
        }
        for read, count in reads
    ]
    insert_rows(session, ShareLogEntry, entries)  # a COPY on PostgreSQL


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
    spans: dict[int, list[Window]] = {}
    for c_id, c_start, c_end in contracts:
        spans.setdefault(c_id, []).append((c_start, c_end))
    windows: dict[int, list[Window]] = {i: [] for i in ids}
    for p_id, p_start, p_end in periods:
        for span in spans.get(p_id, ()):
            overlap = _overlap((p_start, p_end), span)
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

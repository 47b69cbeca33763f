"""Use cases of the meter-value domain: ingest, and reading values and aggregates.

Services never commit: the caller (CLI command, request, job) owns the transaction.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from sqlalchemy.orm import Session

from elkund.core.localtime import utcnow
from elkund.core.settings import get_settings
from elkund.metering import fastcsv, repository
from elkund.metering.formats import FileFormat, parse
from elkund.metering.rollup import Batch
from elkund.metering.stored_jobs import enqueue_values_stored
from elkund.metering.validation import (
    InstallationLimits,
    Reading,
    Rejection,
    ValidRow,
    validate_readings,
)

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class IngestReport:
    received: int
    inserted: int = 0
    corrected: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    stored: bool = True  # False when ``atomic`` refused the whole batch

    def as_dict(self) -> dict[str, object]:
        return {
            "received": self.received,
            "inserted": self.inserted,
            "corrected": self.corrected,
            "unchanged": self.unchanged,
            "stored": self.stored,
            "rejected": [
                {"line": r.line, "error": r.code, "detail": r.detail} for r in self.rejected
            ],
        }


def ingest_readings(
    session: Session,
    *,
    readings: list[Reading],
    atomic: bool = False,
    prior_rejections: list[Rejection] | None = None,
    now: datetime | None = None,
) -> IngestReport:
    """Validate every reading and store the good ones (or none, if ``atomic`` and any is bad)."""
    now = now or utcnow()
    limits = _limits(session, (r.installation_id for r in readings))
    good, rejected = validate_readings(readings, limits, now=now)
    report = IngestReport(received=len(readings) + len(prior_rejections or []))
    return _store(session, report, good, [*(prior_rejections or []), *rejected], atomic, now)


def _limits(session: Session, installation_ids: Iterable[str]) -> dict[str, InstallationLimits]:
    factor = get_settings().implausible_fuse_factor
    return repository.installation_limits(session, installation_ids, fuse_factor=factor)


def _store(
    session: Session,
    report: IngestReport,
    good: list[ValidRow],
    rejected: list[Rejection],
    atomic: bool,
    now: datetime,
    batch: Batch | None = None,
) -> IngestReport:
    report.rejected = sorted(rejected, key=lambda r: r.line)
    if atomic and rejected:
        report.stored = False
    else:
        counts = repository.store_values(session, good, now=now, batch=batch)
        if counts.inserted or counts.corrected:
            enqueue_values_stored(session, batch.installations() if batch else (r[0] for r in good))
        report.inserted, report.corrected, report.unchanged = (
            counts.inserted,
            counts.corrected,
            counts.unchanged,
        )
    log.info(
        "meter_values.ingested",
        received=report.received,
        inserted=report.inserted,
        corrected=report.corrected,
        unchanged=report.unchanged,
        rejected=len(report.rejected),
        stored=report.stored,
    )
    return report


def ingest_file(
    session: Session,
    *,
    data: bytes,
    file_format: FileFormat,
    atomic: bool = False,
    now: datetime | None = None,
) -> IngestReport:
    """Parse a file in a documented format and ingest it; see ``ingest_readings``."""
    with _without_cyclic_gc():
        scanned = fastcsv.scan(data) if file_format is FileFormat.CSV else None
        if scanned is not None:
            return _ingest_scan(session, scanned, atomic=atomic, now=now or utcnow())
        parsed = parse(data, file_format)
        return ingest_readings(
            session,
            readings=parsed.readings,
            atomic=atomic,
            prior_rejections=parsed.rejections,
            now=now,
        )


def _ingest_scan(
    session: Session, scanned: fastcsv.Scan, *, atomic: bool, now: datetime
) -> IngestReport:
    """A plain CSV file: bulk checks first, then the row-by-row path for the lines left over."""
    limits = _limits(session, scanned.installation_ids())
    good, batch, rejected = fastcsv.validate_scan(
        scanned, limits, now=now, lookup=lambda ids: _limits(session, ids)
    )
    report = IngestReport(received=scanned.received)
    return _store(session, report, good, rejected, atomic, now, batch=batch)


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Parsing makes millions of small tuples that can never form cycles; without this the
    cyclic collector would walk them again and again for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

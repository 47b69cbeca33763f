"""The one access gate: every read of meter values by anyone but the customer passes here.

The gate checks the *basis* (an active consent of the calling ESCO, or a supplier's supply period
under a contract), clips the period to what the basis allows, reads the values (aggregates through
``metering.reading``, stored values straight from ``metering.repository``) and writes exactly one
share-log entry per delivery (TPA-9, EU-3). There is no second way out of the data (DESIGN.md).

Decisions:

- Every delivery is logged, also one without values: the ESCO still learned that there are none.
- Periods are whole buckets of the resolution: a request is widened to the buckets it touches,
  then clipped to the consent: not before its history start (nor before the customer moved in —
  a consent can only give away the consenting customer's own data), and not after now. Quarter-
  hours and hours end at the last whole interval before now; days and months at the last local
  midnight (the running month is a partial bucket up to yesterday).
- At the consent's own resolution the stored values are given as they are (quality ``measured``,
  ``estimated`` or ``missing``); at a coarser one every bucket of the period is given, aggregated
  (``complete``, ``contains_estimated`` or ``missing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.access.domain import REQUESTABLE, is_finer
from elkund.access.errors import ConsentNotActive, OutsideConsent, ResolutionNotConsented
from elkund.access.models import Consent, ShareLogEntry
from elkund.access.service import consent_for_esco, require_active
from elkund.core.errors import AppError, Invalid
from elkund.core.localtime import STOCKHOLM, from_epoch, local_date, local_midnight, to_epoch
from elkund.grid import repository as grid_repository
from elkund.grid.gsrn import InvalidInstallationId, parse_installation_id
from elkund.grid.models import Installation
from elkund.metering import repository as metering_repository
from elkund.metering.domain import Quality, Resolution, bucket_start, next_bucket
from elkund.metering.errors import InvalidPeriod, ResolutionTooFine
from elkund.metering.reading import read_series
from elkund.parties.credentials import PartySuspended
from elkund.parties.models import Party, PartyRole
from elkund.supply.models import Contract, ContractStatus

Channel = Literal["pull", "push"]
BASIS_CONSENT = "consent"
BASIS_SUPPLIER = "supplier"
DEFAULT_DAYS = 7  # without from/to: the last 7 whole local days
UNIT = "kWh"
_LABELS = {int(quality): quality.label for quality in Quality}


@dataclass(frozen=True, slots=True)
class Value:
    """One delivered value or bucket, in local time, as the API gives it (orjson takes it as is)."""

    start: datetime  # aware, Europe/Stockholm
    end: datetime
    kwh: str  # exactly 3 decimals
    quality: str  # measured|estimated|missing; aggregates: complete|contains_estimated|missing


@dataclass(frozen=True, slots=True)
class GateResult:
    """What one delivery gives out: the period actually covered and its values."""

    consent_id: str
    esco_id: int
    installation: int  # internal id
    installation_id: str  # the anläggnings-ID (GSRN), as the ESCO knows it
    resolution: Resolution
    start: datetime  # aware, Europe/Stockholm
    end: datetime
    values: list[Value]

    def document(self) -> dict[str, Any]:
        """The JSON shape of a delivery (pull and push); datetimes are left to orjson."""
        return {
            "consent_id": self.consent_id,
            "installation_id": self.installation_id,
            "resolution": self.resolution.value,
            "from": self.start,
            "to": self.end,
            "unit": UNIT,
            "values": self.values,
        }


def kwh(wh: int) -> str:
    """Wh as a kWh decimal string with exactly 3 decimals, e.g. 412 → ``"0.412"``."""
    whole, part = divmod(abs(wh), 1000)
    return f"{'-' if wh < 0 else ''}{whole}.{part:03d}"


def read_for_consent(
    session: Session,
    *,
    esco: Party,
    consent_id: str,
    start: datetime | None,
    end: datetime | None,
    resolution: Resolution | None,
    channel: Channel,
    now: datetime,
) -> GateResult:
    """Check the consent, clip the period, read the values and log the delivery (TPA-9).

    404 ``consent_not_found`` if the consent is not this ESCO's; 403 ``consent_not_active`` at once
    when it has ended or lapsed (EU-2); 422 ``resolution_not_consented`` for a finer resolution
    than consented, 422 ``outside_consent`` when nothing of the period lies inside the consent.
    """
    result = checked_read(
        session,
        esco=esco,
        consent_id=consent_id,
        start=start,
        end=end,
        resolution=resolution,
        now=now,
    )
    log_delivery(session, result, channel=channel, now=now)
    return result


def checked_read(
    session: Session,
    *,
    esco: Party,
    consent_id: str,
    start: datetime | None,
    end: datetime | None,
    resolution: Resolution | None,
    now: datetime,
) -> GateResult:
    """Everything ``read_for_consent`` does but the log entry.

    Only for a delivery that must not hold a transaction open while it is under way (push): the
    caller writes ``log_delivery`` in the transaction that records the delivery as done, and gives
    the values to nobody else.
    """
    if not esco.is_active:
        raise PartySuspended("This party is suspended and can do nothing.")
    consent = consent_for_esco(session, esco=esco, consent_id=consent_id)
    require_active(consent, now=now)
    installation = session.get(Installation, consent.installation_id)
    assert installation is not None
    wanted = _resolution(consent, resolution)
    since = history_start(session, consent, now=now)
    lo, hi = _period(since, wanted, start, end, now=now)
    values = _read(session, installation, wanted, lo, hi)
    return GateResult(
        consent.id,
        consent.esco_id,
        installation.id,
        installation.gsrn,
        wanted,
        lo.astimezone(STOCKHOLM),
        hi.astimezone(STOCKHOLM),
        values,
    )


def log_delivery(
    session: Session, result: GateResult, *, channel: Channel, now: datetime
) -> ShareLogEntry:
    """The one share-log entry of a delivery: who got what, when, on which basis (TPA-9, EU-3)."""
    entry = ShareLogEntry(
        at=now,
        party_id=result.esco_id,
        installation_id=result.installation,
        consent_id=result.consent_id,
        basis=BASIS_CONSENT,
        channel=channel,
        period_start=result.start.astimezone(UTC),
        period_end=result.end.astimezone(UTC),
        resolution=result.resolution.value,
        value_count=len(result.values),
    )
    session.add(entry)
    session.flush()
    return entry


def _resolution(consent: Consent, asked: Resolution | None) -> Resolution:
    consented = Resolution(consent.resolution)
    if asked is None:
        return consented
    if asked not in REQUESTABLE or is_finer(asked, consented):
        raise ResolutionNotConsented(
            f"This consent gives {consented.value} values or coarser, not {asked.value}."
        )
    return asked


def history_start(session: Session, consent: Consent, *, now: datetime) -> date:
    """The first local date the consent gives: its history start, or the customer's move-in."""
    holder = grid_repository.holder_on(session, consent.installation_id, local_date(now))
    if holder is None or holder.customer_id != consent.customer_id:
        raise ConsentNotActive(
            "The customer who gave this consent no longer holds the installation."
        )
    return max(consent.history_from, holder.move_in)


def _period(
    since: date,
    resolution: Resolution,
    start: datetime | None,
    end: datetime | None,
    *,
    now: datetime,
) -> tuple[datetime, datetime]:
    """The UTC period [lo, hi) delivered: whole buckets, inside the consent."""
    if start is not None and end is not None and end <= start:
        raise InvalidPeriod("The period must end after it starts.")
    if end is None:
        end = now if start is not None else local_midnight(local_date(now))
    if start is None:
        start = local_midnight(local_date(end) - timedelta(days=DEFAULT_DAYS))
    lo = max(_floor(start, resolution), local_midnight(since))
    hi = min(_ceil(end, resolution), _latest(now, resolution))
    if hi <= lo:
        raise OutsideConsent(
            f"Nothing of {_local(start)} to {_local(end)} lies inside the consent, which gives "
            f"{resolution.value} values from {_local(local_midnight(since))} up to "
            f"{_local(_latest(now, resolution))}."
        )
    return lo, hi


def _floor(instant: datetime, resolution: Resolution) -> datetime:
    if resolution.is_metered:
        epoch = to_epoch(instant)
        return from_epoch(epoch - epoch % (resolution.minutes * 60))
    return local_midnight(bucket_start(local_date(instant), resolution))


def _ceil(instant: datetime, resolution: Resolution) -> datetime:
    floor = _floor(instant, resolution)
    if floor == instant:
        return floor
    if resolution.is_metered:
        return floor + timedelta(minutes=resolution.minutes)
    return local_midnight(next_bucket(local_date(floor), resolution))


def _latest(now: datetime, resolution: Resolution) -> datetime:
    """Where delivered periods end at the latest: no value is given for a bucket still running."""
    if resolution.is_metered:
        return _floor(now, resolution)
    return local_midnight(local_date(now))


def _read(
    session: Session, installation: Installation, resolution: Resolution, lo: datetime, hi: datetime
) -> list[Value]:
    metered = Resolution(installation.resolution)
    if resolution == metered:
        return _stored(session, installation.id, lo, hi)
    series = read_series(
        session,
        installation_id=installation.id,
        metered=metered,
        first=local_date(lo),
        end=_end_date(hi),
        resolution=resolution,
    )
    return [
        Value(b.start, b.end, kwh(b.wh), b.quality.value)
        for b in series.buckets
        if b.start >= lo and b.end <= hi
    ]


def _stored(session: Session, installation_id: int, lo: datetime, hi: datetime) -> list[Value]:
    """The stored values as they are. Export's hot path: built straight from the rows, without
    ``metering.reading.read_values``' intermediate objects, which cost as much as the query."""
    rows = metering_repository.fetch_values(
        session, installation_id=installation_id, start=lo, end=hi
    )
    return [
        Value(
            datetime.fromtimestamp(start, STOCKHOLM),
            datetime.fromtimestamp(start + minutes * 60, STOCKHOLM),
            kwh(wh),
            _LABELS[quality],
        )
        for start, minutes, wh, quality in rows
    ]


def _end_date(instant: datetime) -> date:
    """The local date whose midnight is at or after ``instant``: read whole days, then filter."""
    day = local_date(instant)
    return day if local_midnight(day) == instant else day + timedelta(days=1)


def _local(instant: datetime) -> str:
    return instant.astimezone(STOCKHOLM).isoformat()


# --- The supplier basis -------------------------------------------------------------------------
#
# A supplier reads an installation's values for the days it is or was supplier of record under a
# contract (DESIGN.md: "a supplier is simply another party with a basis"): the local days of its
# supply periods that a contract of its own (not a refused one) also covers. A request is clipped
# to one such window, the latest it touches, so that a gap between two windows (someone else's
# supply) is never given out. Unknown installations and other suppliers' ones get the same
# answer, so that the gate does not tell which anläggnings-IDs exist.


class NotSupplierOfRecord(AppError):
    code = "not_supplier_of_record"
    status = 403


class OutsideSupplyPeriod(Invalid):
    code = "outside_supply_period"


@dataclass(frozen=True, slots=True)
class SupplierRead:
    """What one delivery to a supplier gives out: the period actually covered and its values."""

    supplier_id: int
    installation: int  # internal id
    installation_id: str  # the anläggnings-ID (GSRN)
    resolution: Resolution
    start: datetime  # aware, Europe/Stockholm
    end: datetime
    values: list[Value]

    def document(self) -> dict[str, Any]:
        return {
            "installation_id": self.installation_id,
            "basis": BASIS_SUPPLIER,
            "resolution": self.resolution.value,
            "from": self.start,
            "to": self.end,
            "unit": UNIT,
            "values": self.values,
        }


def read_for_supplier(
    session: Session,
    *,
    supplier: Party,
    installation_id: str,
    start: datetime | None,
    end: datetime | None,
    resolution: Resolution | None,
    channel: Channel,
    now: datetime,
) -> SupplierRead:
    """Check the supplier basis, clip the period to it, read the values and log the delivery.

    403 ``party_suspended`` for a suspended party; 403 ``not_supplier_of_record`` when the
    supplier never supplied the installation under a contract; 422 ``resolution_too_fine`` below
    the meter's resolution; 422 ``outside_supply_period`` when nothing of the period is its.
    """
    if not supplier.is_active:
        raise PartySuspended("This party is suspended and can do nothing.")
    installation, windows = _supplier_basis(session, supplier, installation_id)
    metered = Resolution(installation.resolution)
    wanted = resolution or metered
    if wanted not in REQUESTABLE or is_finer(wanted, metered):
        raise ResolutionTooFine(f"This installation is metered in {metered.value} or coarser.")
    lo, hi = _supplier_period(windows, wanted, start, end, now=now)
    result = SupplierRead(
        supplier.id,
        installation.id,
        installation.gsrn,
        wanted,
        lo.astimezone(STOCKHOLM),
        hi.astimezone(STOCKHOLM),
        _read(session, installation, wanted, lo, hi),
    )
    session.add(
        ShareLogEntry(
            at=now,
            party_id=supplier.id,
            installation_id=installation.id,
            consent_id=None,
            basis=BASIS_SUPPLIER,
            channel=channel,
            period_start=lo,
            period_end=hi,
            resolution=wanted.value,
            value_count=len(result.values),
        )
    )
    session.flush()
    return result


Window = tuple[date, date | None]  # local days [first, end), end None: still running


def supplier_windows(session: Session, *, supplier_id: int, installation_id: int) -> list[Window]:
    """The days the supplier is or was supplier of record under a contract, oldest first."""
    periods = [
        (p.start_date, p.end_date)
        for p in grid_repository.supply_periods(session, installation_id)
        if p.supplier_id == supplier_id
    ]
    query = select(Contract.start_date, Contract.end_date).where(
        Contract.installation_id == installation_id,
        Contract.supplier_id == supplier_id,
        Contract.status != ContractStatus.REFUSED,
    )
    contracts = [(first, end) for first, end in session.execute(query)]
    windows = [_overlap(p, c) for p in periods for c in contracts]
    return sorted(w for w in windows if w is not None)


def _overlap(a: Window, b: Window) -> Window | None:
    first = max(a[0], b[0])
    ends = [end for end in (a[1], b[1]) if end is not None]
    end = min(ends) if ends else None
    return (first, end) if end is None or end > first else None


def _supplier_basis(
    session: Session, supplier: Party, installation_id: str
) -> tuple[Installation, list[Window]]:
    refused = NotSupplierOfRecord(
        "This supplier is not, and has not been, supplier of record for this installation."
    )
    try:
        gsrn = parse_installation_id(installation_id)
    except InvalidInstallationId:
        raise refused from None
    installation = grid_repository.installation_by_gsrn(session, gsrn)
    if installation is None or supplier.role != PartyRole.SUPPLIER:
        raise refused
    windows = supplier_windows(session, supplier_id=supplier.id, installation_id=installation.id)
    if not windows:
        raise refused
    return installation, windows


def _supplier_period(
    windows: list[Window],
    resolution: Resolution,
    start: datetime | None,
    end: datetime | None,
    *,
    now: datetime,
) -> tuple[datetime, datetime]:
    """The UTC period [lo, hi) delivered: whole buckets inside the latest window touched."""
    if start is not None and end is not None and end <= start:
        raise InvalidPeriod("The period must end after it starts.")
    if end is None:
        end = now if start is not None else local_midnight(local_date(now))
    if start is None:
        start = local_midnight(local_date(end) - timedelta(days=DEFAULT_DAYS))
    asked_lo, asked_hi = _floor(start, resolution), _ceil(end, resolution)
    for first, last in reversed(windows):
        lo = max(asked_lo, local_midnight(first))
        hi = min(asked_hi, _latest(now, resolution))
        if last is not None:
            hi = min(hi, local_midnight(last))
        if lo < hi:
            return lo, hi
    raise OutsideSupplyPeriod(
        f"Nothing of {_local(start)} to {_local(end)} lies inside a period in which this supplier"
        " was supplier of record under a contract."
    )

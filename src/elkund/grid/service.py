"""Installations, their grid agreements, move-in/move-out and supplier of record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from elkund.customers.models import Customer
from elkund.grid import repository
from elkund.grid.errors import (
    InstallationExists,
    InvalidFuse,
    OverlappingPeriod,
    UnknownInstallation,
    UnknownMunicipality,
)
from elkund.grid.gsrn import InvalidInstallationId, parse_installation_id
from elkund.grid.models import (
    BiddingZone,
    Direction,
    GridTariff,
    Installation,
    InstallationHolder,
    SupplyPeriod,
)
from elkund.grid.municipalities import municipalities
from elkund.metering.domain import Resolution
from elkund.parties.models import Party, PartyRole

# Beyond 6300 A a connection is high voltage, metered in other ways; the bound also keeps the
# largest plausible value of an interval inside a 32-bit integer.
MIN_FUSE_AMPERES, MAX_FUSE_AMPERES = 1, 6300


def register_tariff(
    session: Session,
    *,
    code: str,
    name: str,
    fixed_fee_sek_per_year: Decimal,
    transfer_fee_ore_per_kwh: Decimal,
    terms_url: str,
    power_fee_sek_per_kw_month: Decimal | None = None,
) -> GridTariff:
    tariff = GridTariff(
        code=code,
        name=name,
        fixed_fee_sek_per_year=fixed_fee_sek_per_year,
        transfer_fee_ore_per_kwh=transfer_fee_ore_per_kwh,
        power_fee_sek_per_kw_month=power_fee_sek_per_kw_month,
        terms_url=terms_url,
    )
    session.add(tariff)
    session.flush()
    return tariff


def register_installation(
    session: Session,
    *,
    installation_id: str,
    street: str,
    postal_code: str,
    city: str,
    municipality_code: str,
    grid_area: str,
    bidding_zone: BiddingZone,
    fuse_amperes: int,
    tariff: GridTariff,
    resolution: Resolution = Resolution.PT15M,
    remote_read: bool = True,
    direction: Direction = Direction.CONSUMPTION,
) -> Installation:
    gsrn = parse_installation_id(installation_id)
    if repository.installation_by_gsrn(session, gsrn) is not None:
        raise InstallationExists("An installation with this anläggnings-ID already exists.")
    if municipality_code not in municipalities():
        raise UnknownMunicipality(f"No Swedish municipality has the code {municipality_code}.")
    if not MIN_FUSE_AMPERES <= fuse_amperes <= MAX_FUSE_AMPERES:
        raise InvalidFuse(f"A main fuse is {MIN_FUSE_AMPERES}–{MAX_FUSE_AMPERES} A.")
    if not resolution.is_metered:
        raise ValueError("An installation's meter gives PT15M or PT1H values")
    installation = Installation(
        gsrn=gsrn,
        direction=direction,
        street=street,
        postal_code=postal_code,
        city=city,
        municipality_code=municipality_code,
        grid_area=grid_area,
        bidding_zone=BiddingZone(bidding_zone),
        remote_read=remote_read,
        resolution=resolution.value,
        fuse_amperes=fuse_amperes,
        tariff_id=tariff.id,
    )
    session.add(installation)
    session.flush()
    return installation


def get_installation(session: Session, *, installation_id: str) -> Installation:
    installation = repository.installation_by_gsrn(session, parse_installation_id(installation_id))
    if installation is None:
        raise UnknownInstallation("No installation with this anläggnings-ID in this grid.")
    return installation


def move_in(
    session: Session, *, installation: Installation, customer: Customer, day: date
) -> InstallationHolder:
    """The customer holds the installation from ``day``; an open-ended earlier holder moves out."""
    existing = repository.holders(session, installation.id)
    _close_open_period(existing, day, start="move_in", end="move_out")
    holder = InstallationHolder(
        installation_id=installation.id, customer_id=customer.id, move_in=day, move_out=None
    )
    session.add(holder)
    session.flush()
    return holder


def move_out(session: Session, *, installation: Installation, day: date) -> None:
    holder = repository.holder_on(session, installation.id, day)
    if holder is None or holder.move_in >= day:
        raise OverlappingPeriod("Nobody holds this installation on that day.")
    holder.move_out = day
    session.flush()


def holder_on(session: Session, *, installation: Installation, day: date) -> int | None:
    """The id of the customer who holds the installation on ``day``, if any."""
    holder = repository.holder_on(session, installation.id, day)
    return holder.customer_id if holder else None


def held_since(
    session: Session, *, installation: Installation, customer: Customer, day: date
) -> date | None:
    """When ``customer`` moved in to the installation they hold on ``day`` (None if they don't).

    A customer may see values from this date on only: earlier ones are a previous occupant's.
    """
    holder = repository.holder_on(session, installation.id, day)
    return holder.move_in if holder and holder.customer_id == customer.id else None


def installations_of(session: Session, *, customer: Customer, day: date) -> list[Installation]:
    return repository.installations_held(session, customer.id, day)


def set_supplier(
    session: Session, *, installation: Installation, supplier: Party, start: date
) -> SupplyPeriod:
    """``supplier`` is supplier of record from ``start``; the previous open period ends then."""
    if supplier.role != PartyRole.SUPPLIER:
        raise ValueError("Only a supplier can be supplier of record")
    existing = repository.supply_periods(session, installation.id)
    _close_open_period(existing, start, start="start_date", end="end_date")
    period = SupplyPeriod(
        installation_id=installation.id, supplier_id=supplier.id, start_date=start, end_date=None
    )
    session.add(period)
    session.flush()
    return period


def supplier_on(session: Session, *, installation: Installation, day: date) -> int | None:
    for period in repository.supply_periods(session, installation.id):
        if period.start_date <= day and (period.end_date is None or day < period.end_date):
            return period.supplier_id
    return None


def _close_open_period(
    periods: list[InstallationHolder] | list[SupplyPeriod], day: date, *, start: str, end: str
) -> None:
    for period in periods:
        begins, ends = getattr(period, start), getattr(period, end)
        if ends is None and begins < day:
            setattr(period, end, day)
        elif begins >= day or ends > day:
            raise OverlappingPeriod(f"Another period already covers {day.isoformat()}.")


@dataclass(frozen=True, slots=True)
class SupplyAnswer:
    """The grid company's answer to a supplier's notice (SUP-21): a period or a refusal.

    ``replaced_supplier_id`` is the supplier whose open period ended because this one starts.
    """

    installation: Installation | None
    period: SupplyPeriod | None = None
    refusal_code: str | None = None
    refusal_detail: str | None = None
    replaced_supplier_id: int | None = None

    @property
    def accepted(self) -> bool:
        return self.refusal_code is None


def receive_supply_start(
    session: Session,
    *,
    supplier: Party,
    installation_ref: str,
    customer_id: int,
    start: date,
    today: date,
) -> SupplyAnswer:
    """Apply a supplier's notice that supply starts on ``start`` (SUP-21).

    Accepted: the supplier is supplier of record from ``start`` and the previous supplier's open
    period ends the day before. Refused, with a stable code, when the supplier is not active, the
    installation is not this grid's, the date has passed, the named customer will not hold the
    installation that day, or a registered period already begins on or after it.
    """
    installation = _noticed_installation(session, installation_ref)
    refusal = _start_refusal(session, supplier, installation, customer_id, start, today)
    if refusal is not None:
        return SupplyAnswer(installation, refusal_code=refusal[0], refusal_detail=refusal[1])
    assert installation is not None
    previous = supplier_on(session, installation=installation, day=start - timedelta(days=1))
    period = set_supplier(session, installation=installation, supplier=supplier, start=start)
    replaced = previous if previous is not None and previous != supplier.id else None
    return SupplyAnswer(installation, period=period, replaced_supplier_id=replaced)


def receive_supply_end(
    session: Session, *, supplier: Party, installation: Installation, end: date
) -> SupplyAnswer:
    """Apply a supplier's notice that its supply ends before ``end`` (the first day without)."""
    for period in repository.supply_periods(session, installation.id):
        covers_last_day = period.start_date < end and (
            period.end_date is None or period.end_date >= end
        )
        if period.supplier_id == supplier.id and covers_last_day:
            period.end_date = end
            session.flush()
            return SupplyAnswer(installation, period=period)
    return SupplyAnswer(
        installation,
        refusal_code="not_supplier_of_record",
        refusal_detail=f"The supplier is not supplier of record on {end - timedelta(days=1)}.",
    )


def _noticed_installation(session: Session, reference: str) -> Installation | None:
    try:
        gsrn = parse_installation_id(reference)
    except InvalidInstallationId:
        return None
    return repository.installation_by_gsrn(session, gsrn)


def _start_refusal(
    session: Session,
    supplier: Party,
    installation: Installation | None,
    customer_id: int,
    start: date,
    today: date,
) -> tuple[str, str] | None:
    if supplier.role != PartyRole.SUPPLIER or not supplier.is_active:
        return "supplier_not_active", "The supplier is not an active supplier in this grid."
    if installation is None:
        return "unknown_installation", "No installation with this anläggnings-ID in this grid."
    if start < today:
        return "start_date_in_past", f"Supply cannot start in the past ({start} < {today})."
    holder = repository.holder_on(session, installation.id, start)
    if holder is None or holder.customer_id != customer_id:
        return "customer_not_holder", f"The customer does not hold the installation on {start}."
    for period in repository.supply_periods(session, installation.id):
        if period.start_date >= start or (period.end_date is not None and period.end_date > start):
            return (
                "overlapping_contract",
                f"A supply period from {period.start_date} is already registered.",
            )
    return None

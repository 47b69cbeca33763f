"""All SQL of the grid domain."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from elkund.grid.models import Installation, InstallationHolder, SupplyPeriod


def installation_by_gsrn(session: Session, gsrn: str) -> Installation | None:
    return session.scalars(select(Installation).where(Installation.gsrn == gsrn)).one_or_none()


def holders(session: Session, installation_id: int) -> list[InstallationHolder]:
    query = (
        select(InstallationHolder)
        .where(InstallationHolder.installation_id == installation_id)
        .order_by(InstallationHolder.move_in)
    )
    return list(session.scalars(query))


def holder_on(session: Session, installation_id: int, day: date) -> InstallationHolder | None:
    query = select(InstallationHolder).where(
        InstallationHolder.installation_id == installation_id,
        InstallationHolder.move_in <= day,
        or_(InstallationHolder.move_out.is_(None), InstallationHolder.move_out > day),
    )
    return session.scalars(query).one_or_none()


def installations_held(session: Session, customer_id: int, day: date) -> list[Installation]:
    query = (
        select(Installation)
        .join(InstallationHolder, InstallationHolder.installation_id == Installation.id)
        .where(
            InstallationHolder.customer_id == customer_id,
            InstallationHolder.move_in <= day,
            or_(InstallationHolder.move_out.is_(None), InstallationHolder.move_out > day),
        )
        .order_by(Installation.gsrn)
    )
    return list(session.scalars(query))


# Built once: building the statement each time cost more Python than running it (it is asked on
# every Förbrukning view).
_HELD_WITH_MOVE_IN = (
    select(Installation, InstallationHolder.move_in)
    .join(InstallationHolder, InstallationHolder.installation_id == Installation.id)
    .where(
        Installation.gsrn == bindparam("gsrn"),
        InstallationHolder.customer_id == bindparam("customer_id"),
        InstallationHolder.move_in <= bindparam("day"),
        or_(InstallationHolder.move_out.is_(None), InstallationHolder.move_out > bindparam("day")),
    )
)


def held_with_move_in(
    session: Session, customer_id: int, gsrn: str, day: date
) -> tuple[Installation, date] | None:
    """The installation ``gsrn`` and the customer's move-in, if the customer holds it on ``day``."""
    parameters = {"gsrn": gsrn, "customer_id": customer_id, "day": day}
    row = session.execute(_HELD_WITH_MOVE_IN, parameters).first()
    return (row[0], row[1]) if row else None


def supply_periods(session: Session, installation_id: int) -> list[SupplyPeriod]:
    query = (
        select(SupplyPeriod)
        .where(SupplyPeriod.installation_id == installation_id)
        .order_by(SupplyPeriod.start_date)
    )
    return list(session.scalars(query))

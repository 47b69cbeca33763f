"""The supplier's notices to the grid company (SUP-21): supply starts, supply ends.

The grid company runs in the same process, so a notice is answered at once: ``grid.service``
applies it (a supply period from the start date) or refuses it with a stable code. Every notice is
kept with its answer, accepted or not (SUP-25).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError
from elkund.core.localtime import local_date
from elkund.grid import service as grid
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.supply.errors import NOTICE_REFUSAL_STATUS, NoticeRefused
from elkund.supply.models import NoticeKind, NoticeStatus, SupplyNotice


def send_start_notice(
    session: Session,
    *,
    supplier: Party,
    installation_ref: str,
    customer_id: int,
    start: date,
    contract_id: int | None,
    now: datetime,
) -> tuple[SupplyNotice, grid.SupplyAnswer]:
    """Notify the grid company that ``supplier`` starts supplying on ``start`` (SUP-21)."""
    answer = grid.receive_supply_start(
        session,
        supplier=supplier,
        installation_ref=installation_ref,
        customer_id=customer_id,
        start=start,
        today=local_date(now),
    )
    notice = _record(
        session,
        kind=NoticeKind.START,
        supplier=supplier,
        installation_ref=installation_ref,
        customer_id=customer_id,
        contract_id=contract_id,
        day=start,
        answer=answer,
        now=now,
    )
    return notice, answer


def send_end_notice(
    session: Session,
    *,
    supplier: Party,
    installation: Installation,
    customer_id: int,
    end: date,
    contract_id: int,
    now: datetime,
) -> SupplyNotice:
    """Notify the grid company that the supply ends before ``end`` (the first day without)."""
    answer = grid.receive_supply_end(session, supplier=supplier, installation=installation, end=end)
    return _record(
        session,
        kind=NoticeKind.END,
        supplier=supplier,
        installation_ref=installation.gsrn,
        customer_id=customer_id,
        contract_id=contract_id,
        day=end,
        answer=answer,
        now=now,
    )


def refusal_error(notice: SupplyNotice) -> AppError:
    """The error an edge answers with for a refused notice (after committing the notice)."""
    code = notice.refusal_code or NoticeRefused.code
    return NoticeRefused(
        notice.refusal_detail or code, code=code, status=NOTICE_REFUSAL_STATUS.get(code, 422)
    )


def notices_of(session: Session, *, supplier: Party) -> list[SupplyNotice]:
    query = (
        select(SupplyNotice)
        .where(SupplyNotice.supplier_id == supplier.id)
        .order_by(SupplyNotice.sent_at, SupplyNotice.id)
    )
    return list(session.scalars(query))


def _record(
    session: Session,
    *,
    kind: NoticeKind,
    supplier: Party,
    installation_ref: str,
    customer_id: int,
    contract_id: int | None,
    day: date,
    answer: grid.SupplyAnswer,
    now: datetime,
) -> SupplyNotice:
    notice = SupplyNotice(
        kind=kind,
        supplier_id=supplier.id,
        installation_ref=installation_ref[:40],
        installation_id=answer.installation.id if answer.installation else None,
        customer_id=customer_id,
        contract_id=contract_id,
        start_date=day,
        sent_at=now,
        status=NoticeStatus.ACCEPTED if answer.accepted else NoticeStatus.REFUSED,
        refusal_code=answer.refusal_code,
        refusal_detail=answer.refusal_detail,
        supply_period_id=answer.period.id if answer.period and kind == NoticeKind.START else None,
        answered_at=now,
    )
    session.add(notice)
    session.flush()
    return notice

"""An aggregator's notice to the grid company before its aggregation service starts on an
installation (SUP-21; SFS 2023:242 § 21 p. 2, ellagen 9 kap. 32 §).

Like a supplier's notice (``supply.notices``), it is answered at once by the grid company running
in the same process and kept with the installation whatever the answer. A refused notice says
why with a stable code (``RefusalCode``); the edge commits the notice, then answers with
``refusal_error``. Notices are read by the aggregator that sent them (another party's is not
found) or, by the grid company, per installation.

An aggregation service runs until further notice: ending one is not modelled yet, so an
aggregator that already has an accepted notice for an installation is refused another.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError, NotFound
from elkund.core.localtime import local_date
from elkund.customers.identity import parse_organisation_number
from elkund.grid import repository as grid_repository
from elkund.grid.gsrn import InvalidInstallationId, parse_installation_id
from elkund.grid.models import Installation
from elkund.parties.models import Party, PartyRole
from elkund.parties.service import find_party
from elkund.supply.errors import NoticeRefused
from elkund.supply.notice_models import AggregationNotice, AggregationNoticeStatus


class RefusalCode:
    """Why the grid company refused an aggregation notice; documented in docs/notices.md."""

    NOT_AN_AGGREGATOR = "not_an_aggregator"
    AGGREGATOR_NOT_ACTIVE = "aggregator_not_active"
    UNKNOWN_INSTALLATION = "unknown_installation"
    START_DATE_IN_PAST = "start_date_in_past"
    ALREADY_NOTIFIED = "already_notified"


# The HTTP status an edge answers each refusal with.
REFUSAL_STATUS = {
    RefusalCode.NOT_AN_AGGREGATOR: 403,
    RefusalCode.AGGREGATOR_NOT_ACTIVE: 403,
    RefusalCode.UNKNOWN_INSTALLATION: 404,
    RefusalCode.START_DATE_IN_PAST: 422,
    RefusalCode.ALREADY_NOTIFIED: 409,
}


class AggregationNoticeNotFound(NotFound):
    code = "aggregation_notice_not_found"


class UnknownParty(NotFound):
    code = "unknown_party"


def sender_party(session: Session, *, org_number: str) -> Party:
    """The aggregator with this organisationsnummer; else any party with it, whose notice the
    grid company will refuse as ``not_an_aggregator``; else 404 ``unknown_party``."""
    party = find_party(session, role=PartyRole.AGGREGATOR, org_number=org_number)
    if party is None:
        number = parse_organisation_number(org_number).value
        query = select(Party).where(Party.org_number == number).order_by(Party.id)
        party = session.scalars(query.limit(1)).first()
    if party is None:
        raise UnknownParty(f"No party has the organisationsnummer {org_number!r}.")
    return party


def send_aggregation_notice(
    session: Session,
    *,
    aggregator: Party,
    installation_ref: str,
    start: date,
    now: datetime,
) -> AggregationNotice:
    """Notify the grid company that ``aggregator``'s service starts on ``start`` (SUP-21).

    The notice is kept accepted or refused; ``refusal_error`` turns a refusal into the error.
    """
    installation = _installation(session, installation_ref)
    refusal = _refusal(session, aggregator, installation, start, local_date(now))
    notice = AggregationNotice(
        aggregator_id=aggregator.id,
        installation_ref=installation_ref[:40],
        installation_id=installation.id if installation else None,
        start_date=start,
        received_at=now,
        status=AggregationNoticeStatus.REFUSED if refusal else AggregationNoticeStatus.ACCEPTED,
        refusal_code=refusal[0] if refusal else None,
        refusal_detail=refusal[1] if refusal else None,
    )
    session.add(notice)
    session.flush()
    return notice


def refusal_error(notice: AggregationNotice) -> AppError:
    """The error an edge answers with for a refused notice (after committing the notice)."""
    code = notice.refusal_code or NoticeRefused.code
    return NoticeRefused(
        notice.refusal_detail or code, code=code, status=REFUSAL_STATUS.get(code, 422)
    )


def aggregation_notices_of(session: Session, *, aggregator: Party) -> list[AggregationNotice]:
    """The notices ``aggregator`` sent, oldest first."""
    query = (
        select(AggregationNotice)
        .where(AggregationNotice.aggregator_id == aggregator.id)
        .order_by(AggregationNotice.received_at, AggregationNotice.id)
    )
    return list(session.scalars(query))


def aggregation_notice(session: Session, *, aggregator: Party, notice_id: int) -> AggregationNotice:
    """One of ``aggregator``'s notices; another party's is not found (and not told apart)."""
    notice = session.get(AggregationNotice, notice_id)
    if notice is None or notice.aggregator_id != aggregator.id:
        raise AggregationNoticeNotFound("This party sent no such aggregation notice.")
    return notice


def aggregation_notices_on(
    session: Session, *, installation: Installation
) -> list[AggregationNotice]:
    """Every notice about an installation, accepted or refused: what the grid company keeps."""
    query = (
        select(AggregationNotice)
        .where(AggregationNotice.installation_id == installation.id)
        .order_by(AggregationNotice.start_date, AggregationNotice.id)
    )
    return list(session.scalars(query))


def _installation(session: Session, reference: str) -> Installation | None:
    try:
        gsrn = parse_installation_id(reference)
    except InvalidInstallationId:
        return None  # refused as unknown_installation, like a supplier's notice
    return grid_repository.installation_by_gsrn(session, gsrn)


def _refusal(
    session: Session,
    aggregator: Party,
    installation: Installation | None,
    start: date,
    today: date,
) -> tuple[str, str] | None:
    if aggregator.role != PartyRole.AGGREGATOR:
        return RefusalCode.NOT_AN_AGGREGATOR, "Only an aggregator can send this notice."
    if not aggregator.is_active:
        return RefusalCode.AGGREGATOR_NOT_ACTIVE, "The aggregator is suspended."
    if installation is None:
        return (
            RefusalCode.UNKNOWN_INSTALLATION,
            "No installation with this anläggnings-ID in this grid.",
        )
    if start <= today:  # notified *before* it starts: a service starting today is too late
        return (
            RefusalCode.START_DATE_IN_PAST,
            f"The service must start after the day it is notified ({start} is not after {today}).",
        )
    if _accepted_before(session, aggregator, installation) is not None:
        return (
            RefusalCode.ALREADY_NOTIFIED,
            "This aggregator's service on the installation was notified already.",
        )
    return None


def _accepted_before(
    session: Session, aggregator: Party, installation: Installation
) -> AggregationNotice | None:
    query = select(AggregationNotice).where(
        AggregationNotice.aggregator_id == aggregator.id,
        AggregationNotice.installation_id == installation.id,
        AggregationNotice.status == AggregationNoticeStatus.ACCEPTED,
    )
    return session.scalars(query.limit(1)).first()

"""What a customer sees of third-party access (TPA-3, 4, 7, 9): read models for Mina sidor.

Only the customer's own rows are ever read; refused requests never appear (TPA-2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.access import repository
from elkund.access.models import (
    Consent,
    ConsentEvent,
    ConsentStatus,
    RequestStatus,
    ShareLogEntry,
)
from elkund.customers.identity import format_number
from elkund.grid.models import Installation
from elkund.parties.models import Party


@dataclass(frozen=True, slots=True)
class Company:
    id: int
    name: str
    org_number: str  # written form, 556036-0793


@dataclass(frozen=True, slots=True)
class PendingRequest:
    id: str
    company: Company
    installation_id: str
    address: str
    purpose: str
    data_types: list[str]
    resolution: str
    history_from: date | None
    valid_until: date | None
    received_at: datetime


@dataclass(frozen=True, slots=True)
class ConsentLine:
    id: str
    company: Company
    installation_id: str
    address: str
    data_types: list[str]
    resolution: str
    valid_from: date
    valid_until: date
    status: str
    ended_at: datetime | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ClosedRequest:
    """A request the customer rejected or let expire: an inactive line without a consent."""

    id: str
    company: Company
    installation_id: str
    status: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class AccessOverview:
    """One line per company with the installations it can read now (TPA-7)."""

    company: Company
    installation_ids: list[str]


@dataclass(frozen=True, slots=True)
class ShareLine:
    at: datetime
    company: Company
    installation_id: str
    period_start: datetime
    period_end: datetime
    resolution: str
    value_count: int
    channel: str
    basis: str  # "consent" (an ESCO) or "supplier" (the customer's electricity supplier)


def pending_requests(session: Session, *, customer_id: int) -> list[PendingRequest]:
    """*Begäranden att hantera* (TPA-3, TPA-6), newest first."""
    requests = repository.requests_of_customer(
        session, customer_id=customer_id, status=RequestStatus.PENDING_CUSTOMER
    )
    companies = _companies(session, {r.esco_id for r in requests})
    places = _installations(session, {r.installation_id for r in requests if r.installation_id})
    return [
        PendingRequest(
            id=r.id,
            company=companies[r.esco_id],
            installation_id=r.installation_ref,
            address=_address(places.get(r.installation_id or 0)),
            purpose=r.purpose,
            data_types=list(r.data_types),
            resolution=r.resolution,
            history_from=r.history_from,
            valid_until=r.valid_until,
            received_at=r.created_at,
        )
        for r in requests
    ]


def consents(session: Session, *, customer_id: int) -> tuple[list[ConsentLine], list[ConsentLine]]:
    """Active and inactive consents with their validity and how each ended (TPA-4, TPA-8)."""
    rows = repository.consents_of_customer(session, customer_id=customer_id)
    companies = _companies(session, {c.esco_id for c in rows})
    places = _installations(session, {c.installation_id for c in rows})
    reasons = _end_reasons(session, [c.id for c in rows if c.status != ConsentStatus.ACTIVE])
    lines = [_consent_line(c, companies, places, reasons.get(c.id)) for c in rows]
    active = [line for line in lines if line.status == ConsentStatus.ACTIVE]
    return active, [line for line in lines if line.status != ConsentStatus.ACTIVE]


def closed_requests(session: Session, *, customer_id: int) -> list[ClosedRequest]:
    """Requests rejected or expired without a consent, for *Inaktiva medgivanden*."""
    closed = [
        r
        for status in (RequestStatus.REJECTED, RequestStatus.EXPIRED)
        for r in repository.requests_of_customer(session, customer_id=customer_id, status=status)
    ]
    companies = _companies(session, {r.esco_id for r in closed})
    events = {r.id: repository.request_events(session, r.id)[-1].at for r in closed}
    lines = [
        ClosedRequest(r.id, companies[r.esco_id], r.installation_ref, r.status, events[r.id])
        for r in closed
    ]
    return sorted(lines, key=lambda line: line.decided_at, reverse=True)


def companies_with_access(session: Session, *, customer_id: int) -> list[AccessOverview]:
    """*Företag med åtkomst* (TPA-7): who can read which installation now."""
    active, _ = consents(session, customer_id=customer_id)
    by_company: dict[int, AccessOverview] = {}
    for line in active:
        entry = by_company.setdefault(line.company.id, AccessOverview(line.company, []))
        if line.installation_id not in entry.installation_ids:
            entry.installation_ids.append(line.installation_id)
    return sorted(by_company.values(), key=lambda entry: entry.company.name)


def share_log(
    session: Session,
    *,
    customer_id: int,
    company_id: int | None = None,
    installation_id: str | None = None,
) -> list[ShareLine]:
    """*Logg* (TPA-9): every share of the customer's values, newest first, optionally filtered."""
    entries: Sequence[ShareLogEntry] = repository.share_log_of_customer(
        session, customer_id=customer_id
    )
    companies = _companies(session, {e.party_id for e in entries})
    places = _installations(session, {e.installation_id for e in entries})
    lines = [
        ShareLine(
            at=e.at,
            company=companies[e.party_id],
            installation_id=places[e.installation_id].gsrn,
            period_start=e.period_start,
            period_end=e.period_end,
            resolution=e.resolution,
            value_count=e.value_count,
            channel=e.channel,
            basis=e.basis,
        )
        for e in entries
    ]
    return [
        line
        for line in lines
        if (company_id is None or line.company.id == company_id)
        and (installation_id is None or line.installation_id == installation_id)
    ]


def _consent_line(
    consent: Consent,
    companies: dict[int, Company],
    places: dict[int, Installation],
    reason: str | None,
) -> ConsentLine:
    place = places[consent.installation_id]
    return ConsentLine(
        id=consent.id,
        company=companies[consent.esco_id],
        installation_id=place.gsrn,
        address=_address(place),
        data_types=list(consent.data_types),
        resolution=consent.resolution,
        valid_from=consent.valid_from,
        valid_until=consent.valid_until,
        status=consent.status,
        ended_at=consent.ended_at,
        reason=reason,
    )


def _companies(session: Session, ids: set[int]) -> dict[int, Company]:
    if not ids:
        return {}
    parties = session.scalars(select(Party).where(Party.id.in_(ids)))
    return {p.id: Company(p.id, p.name, format_number(p.org_number)) for p in parties}


def _installations(session: Session, ids: set[int]) -> dict[int, Installation]:
    if not ids:
        return {}
    return {i.id: i for i in session.scalars(select(Installation).where(Installation.id.in_(ids)))}


def _address(installation: Installation | None) -> str:
    if installation is None:
        return ""
    return f"{installation.street}, {installation.postal_code} {installation.city}"


def _end_reasons(session: Session, consent_ids: list[str]) -> dict[str, str | None]:
    if not consent_ids:
        return {}
    query = (
        select(ConsentEvent.consent_id, ConsentEvent.reason)
        .where(ConsentEvent.consent_id.in_(consent_ids))
        .order_by(ConsentEvent.id)
    )
    return {consent_id: reason for consent_id, reason in session.execute(query)}

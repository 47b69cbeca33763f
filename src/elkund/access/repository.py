"""All SQL of third-party access."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from elkund.access.models import (
    AccessRequest,
    AccessRequestEvent,
    Consent,
    ConsentEvent,
    ConsentStatus,
    RequestStatus,
    ShareLogEntry,
)
from elkund.core.localtime import local_midnight
from elkund.grid.models import Installation, InstallationHolder
from elkund.parties.models import Party


def request_by_key(session: Session, *, esco_id: int, key: str) -> AccessRequest | None:
    query = select(AccessRequest).where(
        AccessRequest.esco_id == esco_id, AccessRequest.idempotency_key == key
    )
    return session.scalars(query).one_or_none()


def open_for(session: Session, *, esco_id: int, installation_id: int) -> bool:
    """Whether the ESCO already has a pending request or an active consent for the installation."""
    pending = select(AccessRequest.id).where(
        AccessRequest.esco_id == esco_id,
        AccessRequest.installation_id == installation_id,
        AccessRequest.status == RequestStatus.PENDING_CUSTOMER,
    )
    active = select(Consent.id).where(
        Consent.esco_id == esco_id,
        Consent.installation_id == installation_id,
        Consent.status == ConsentStatus.ACTIVE,
    )
    return session.execute(pending.union_all(active).limit(1)).first() is not None


def requests_of_esco(
    session: Session, *, esco_id: int, status: RequestStatus | None
) -> Sequence[AccessRequest]:
    query = select(AccessRequest).where(AccessRequest.esco_id == esco_id)
    if status is not None:
        query = query.where(AccessRequest.status == status)
    return session.scalars(query.order_by(AccessRequest.created_at, AccessRequest.id)).all()


def requests_of_customer(
    session: Session, *, customer_id: int, status: RequestStatus | None
) -> Sequence[AccessRequest]:
    """The customer's requests; refused ones are never among them (TPA-2)."""
    query = select(AccessRequest).where(
        AccessRequest.customer_id == customer_id, AccessRequest.status != RequestStatus.REFUSED
    )
    if status is not None:
        query = query.where(AccessRequest.status == status)
    return session.scalars(query.order_by(AccessRequest.created_at.desc())).all()


def consents_of_esco(
    session: Session, *, esco_id: int, status: ConsentStatus | None
) -> Sequence[Consent]:
    query = select(Consent).where(Consent.esco_id == esco_id)
    if status is not None:
        query = query.where(Consent.status == status)
    return session.scalars(query.order_by(Consent.created_at, Consent.id)).all()


def consents_of_customer(session: Session, *, customer_id: int) -> Sequence[Consent]:
    query = select(Consent).where(Consent.customer_id == customer_id)
    return session.scalars(query.order_by(Consent.created_at.desc())).all()


def request_events(session: Session, request_id: str) -> Sequence[AccessRequestEvent]:
    query = select(AccessRequestEvent).where(AccessRequestEvent.request_id == request_id)
    return session.scalars(query.order_by(AccessRequestEvent.id)).all()


def consent_events(session: Session, consent_id: str) -> Sequence[ConsentEvent]:
    query = select(ConsentEvent).where(ConsentEvent.consent_id == consent_id)
    return session.scalars(query.order_by(ConsentEvent.id)).all()


def lock_request(session: Session, request_id: str) -> AccessRequest | None:
    """The request, locked for a transition, so two deciders cannot both act on it."""
    query = (
        select(AccessRequest).where(AccessRequest.id == request_id).with_for_update(key_share=True)
    )
    return session.scalars(query).one_or_none()


def lock_consent(session: Session, consent_id: str) -> Consent | None:
    query = select(Consent).where(Consent.id == consent_id).with_for_update(key_share=True)
    return session.scalars(query).one_or_none()


def due_requests(session: Session, *, now: datetime) -> Sequence[AccessRequest]:
    query = (
        select(AccessRequest)
        .where(
            AccessRequest.status == RequestStatus.PENDING_CUSTOMER,
            AccessRequest.expires_at <= now,
        )
        .order_by(AccessRequest.esco_id, AccessRequest.id)  # one lock order for every locker
        .with_for_update(skip_locked=True, key_share=True)
    )
    return session.scalars(query).all()


def active_consents(
    session: Session, *, esco_id: int | None = None, skip_locked: bool = True
) -> Sequence[Consent]:
    """Active consents, locked; ``skip_locked`` leaves those another transaction holds."""
    query = select(Consent).where(Consent.status == ConsentStatus.ACTIVE)
    if esco_id is not None:
        query = query.where(Consent.esco_id == esco_id)
    query = query.order_by(Consent.esco_id, Consent.id)
    return session.scalars(query.with_for_update(skip_locked=skip_locked, key_share=True)).all()


def lapsed_consents(session: Session, *, today: date) -> Sequence[Consent]:
    """Active consents whose last day has passed (they end at local midnight of valid_until)."""
    query = select(Consent).where(
        Consent.status == ConsentStatus.ACTIVE, Consent.valid_until <= today
    )
    query = query.order_by(Consent.esco_id, Consent.id)
    return session.scalars(query.with_for_update(skip_locked=True, key_share=True)).all()


def lock_pending_requests(session: Session, *, esco_id: int) -> Sequence[AccessRequest]:
    query = (
        select(AccessRequest)
        .where(
            AccessRequest.esco_id == esco_id,
            AccessRequest.status == RequestStatus.PENDING_CUSTOMER,
        )
        .order_by(AccessRequest.id)
    )
    return session.scalars(query.with_for_update(key_share=True)).all()


def lock_party(session: Session, party_id: int) -> str:
    """Serialise writers of one party (submissions, outbox ids) on its row; its status, fresh.

    FOR NO KEY UPDATE, so that rows referring to the party (consents, outbox events, share-log
    entries) can still be inserted by others: FOR UPDATE would deadlock with their key checks.
    """
    query = select(Party.status).where(Party.id == party_id).with_for_update(key_share=True)
    return str(session.execute(query).scalar_one())


def consents_whose_customer_left(session: Session, *, today: date) -> Sequence[Consent]:
    """Active consents whose customer no longer holds the installation (moved out)."""
    holds = select(InstallationHolder.id).where(
        InstallationHolder.installation_id == Consent.installation_id,
        InstallationHolder.customer_id == Consent.customer_id,
        InstallationHolder.move_in <= today,
        or_(InstallationHolder.move_out.is_(None), InstallationHolder.move_out > today),
    )
    query = select(Consent).where(Consent.status == ConsentStatus.ACTIVE, ~holds.exists())
    query = query.order_by(Consent.esco_id, Consent.id)
    return session.scalars(query.with_for_update(skip_locked=True, key_share=True)).all()


def share_log_of_customer(session: Session, *, customer_id: int) -> list[ShareLogEntry]:
    """Every share of the customer's values, newest first: under the customer's consents, and
    the reads of a supplier (no consent) of values from when the customer held the installation."""
    by_consent = (
        select(ShareLogEntry)
        .join(Consent, Consent.id == ShareLogEntry.consent_id)
        .where(Consent.customer_id == customer_id)
    )
    entries = list(session.scalars(by_consent)) + _supplier_reads(session, customer_id)
    return sorted(entries, key=lambda e: (e.at, e.id), reverse=True)


def _supplier_reads(session: Session, customer_id: int) -> list[ShareLogEntry]:
    holdings = session.scalars(
        select(InstallationHolder).where(InstallationHolder.customer_id == customer_id)
    ).all()
    if not holdings:
        return []
    query = select(ShareLogEntry).where(
        ShareLogEntry.consent_id.is_(None),
        ShareLogEntry.installation_id.in_({h.installation_id for h in holdings}),
    )
    return [e for e in session.scalars(query) if any(_held(h, e) for h in holdings)]


def _held(holding: InstallationHolder, entry: ShareLogEntry) -> bool:
    """Whether the read period overlaps the customer's holding of the installation."""
    return (
        holding.installation_id == entry.installation_id
        and local_midnight(holding.move_in) < entry.period_end
        and (holding.move_out is None or local_midnight(holding.move_out) > entry.period_start)
    )


def installation_gsrns(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(Installation.id, Installation.gsrn).where(Installation.id.in_(ids))
    return {row.id: row.gsrn for row in session.execute(query)}


def consent_for_request(session: Session, request_id: str) -> Consent | None:
    return session.scalars(select(Consent).where(Consent.request_id == request_id)).one_or_none()


def active_push_consent_ids(session: Session) -> list[str]:
    """Ids of active push consents, without locking anything (the push jobs lock their own)."""
    query = select(Consent.id).where(
        Consent.status == ConsentStatus.ACTIVE, Consent.delivery == "push_daily"
    )
    return list(session.scalars(query.order_by(Consent.id)))

"""Use cases of third-party access: requests, their validation, consents and how they end.

Every transition appends an event and publishes exactly one notification to the ESCO, in the
caller's transaction (TPA-6, TPA-8). Services never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from elkund.access import repository
from elkund.access.domain import DataType, Limits, Refusal, check_data, check_period, is_finer
from elkund.access.errors import (
    ConsentNotActive,
    ConsentNotFound,
    EscoSuspended,
    IdempotencyKeyReused,
    NotNarrower,
    RequestNotFound,
    RequestNotPending,
)
from elkund.access.models import (
    AccessRequest,
    AccessRequestEvent,
    Consent,
    ConsentEvent,
    ConsentStatus,
    RequestStatus,
)
from elkund.core.localtime import local_date, local_midnight, utcnow
from elkund.core.settings import get_settings
from elkund.customers.identity import InvalidIdentityNumber, mask, parse_identity_number
from elkund.customers.models import Customer
from elkund.customers.service import find_customer
from elkund.grid import repository as grid_repository
from elkund.grid.gsrn import InvalidInstallationId, parse_installation_id
from elkund.grid.models import Installation
from elkund.metering.domain import Resolution
from elkund.notify.events import EventType
from elkund.notify.service import publish
from elkund.parties.credentials import PartySuspended
from elkund.parties.models import Party, PartyStatus
from elkund.parties.service import suspend_party

GRID_COMPANY = "grid_company"


def _clock(now: datetime | None) -> datetime:
    # Whole seconds: SQLite keeps seconds, and both databases must answer alike.
    return (now or utcnow()).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class RequestDraft:
    """What an ESCO sends (the API's contract field names)."""

    installation_id: str
    customer_identity_number: str
    purpose: str
    data_types: list[DataType]
    resolution: Resolution
    history_from: date
    valid_until: date
    delivery: str
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class Submitted:
    request: AccessRequest
    created: bool  # False when the Idempotency-Key named an earlier request


def submit_request(
    session: Session, *, esco: Party, draft: RequestDraft, now: datetime | None = None
) -> Submitted:
    """Validate and record a request (TPA-1, TPA-2). A refused one is kept with its reason."""
    now = _clock(now)
    # One submission per ESCO at a time: the duplicate and Idempotency-Key checks below must not
    # race a concurrent submission of the same ESCO.
    if repository.lock_party(session, esco.id) != PartyStatus.ACTIVE:
        raise PartySuspended("This party is suspended and can do nothing.")
    if draft.idempotency_key:
        earlier = repository.request_by_key(session, esco_id=esco.id, key=draft.idempotency_key)
        if earlier is not None:
            _same_draft_or_fail(earlier, draft)
            return Submitted(earlier, created=False)
    request = _new_request(esco, draft, now)
    installation, customer, refusal = _validate(session, esco=esco, draft=draft, now=now)
    request.installation_id = installation.id if installation else None
    request.customer_id = customer.id if customer and not refusal else None
    session.add(request)
    if refusal is not None:
        request.refusal_code, request.refusal_detail = refusal.code, refusal.detail
        _transition(
            session,
            request,
            RequestStatus.REFUSED,
            actor=GRID_COMPANY,
            reason=refusal.code,
            now=now,
        )
    else:
        request.expires_at = now + timedelta(days=get_settings().request_ttl_days)
        _transition(session, request, RequestStatus.PENDING_CUSTOMER, actor=GRID_COMPANY, now=now)
    return Submitted(request, created=True)


def _new_request(esco: Party, draft: RequestDraft, now: datetime) -> AccessRequest:
    return AccessRequest(
        id=str(uuid.uuid4()),
        esco_id=esco.id,
        installation_ref=draft.installation_id[:40],
        identity_masked=mask(draft.customer_identity_number),
        purpose=draft.purpose,
        data_types=[kind.value for kind in draft.data_types],
        resolution=draft.resolution.value,
        history_from=draft.history_from,
        valid_until=draft.valid_until,
        delivery=draft.delivery,
        idempotency_key=draft.idempotency_key,
        created_at=now,
    )


def _same_draft_or_fail(earlier: AccessRequest, draft: RequestDraft) -> None:
    same = (
        earlier.installation_ref == draft.installation_id[:40]
        and earlier.identity_masked == mask(draft.customer_identity_number)
        and earlier.purpose == draft.purpose
        and earlier.data_types == [kind.value for kind in draft.data_types]
        and earlier.resolution == draft.resolution.value
        and earlier.history_from == draft.history_from
        and earlier.valid_until == draft.valid_until
        and earlier.delivery == draft.delivery
    )
    if not same:
        raise IdempotencyKeyReused("This Idempotency-Key was used for a different request.")


def _validate(
    session: Session, *, esco: Party, draft: RequestDraft, now: datetime
) -> tuple[Installation | None, Customer | None, Refusal | None]:
    try:
        identity = parse_identity_number(draft.customer_identity_number)
    except InvalidIdentityNumber as error:
        return None, None, Refusal(error.code, error.detail)
    try:
        gsrn = parse_installation_id(draft.installation_id)
    except InvalidInstallationId as error:
        return None, None, Refusal(error.code, error.detail)
    installation = grid_repository.installation_by_gsrn(session, gsrn)
    if installation is None:
        return (
            None,
            None,
            Refusal("unknown_installation", "No installation with this ID in this grid."),
        )
    customer = find_customer(session, identity_number=identity.value)
    return installation, customer, _check_rules(session, esco, draft, installation, customer, now)


def _check_rules(
    session: Session,
    esco: Party,
    draft: RequestDraft,
    installation: Installation,
    customer: Customer | None,
    now: datetime,
) -> Refusal | None:
    today = local_date(now)
    settings = get_settings()
    limits = Limits(today, settings.max_history_years, settings.max_consent_years)
    # What the request itself asks is checked before who holds the installation, so that no
    # answer tells an ESCO whether a person holds an installation except the one about that.
    refusal = check_period(
        history_from=draft.history_from, valid_until=draft.valid_until, limits=limits
    ) or check_data(
        resolution=draft.resolution,
        data_types=draft.data_types,
        metered=Resolution(installation.resolution),
        direction=installation.direction,
    )
    if refusal is not None:
        return refusal
    holder = grid_repository.holder_on(session, installation.id, today)
    if customer is None or holder is None or holder.customer_id != customer.id:
        # One answer whether the person is unknown or holds another installation: no probing.
        return Refusal(
            "installation_not_held_by_customer", "The installation is not held by this customer."
        )
    if refusal is None and repository.open_for(
        session, esco_id=esco.id, installation_id=installation.id
    ):
        return Refusal("duplicate_request", "A pending request or active consent already exists.")
    return refusal


def request_for_esco(session: Session, *, esco: Party, request_id: str) -> AccessRequest:
    request = session.get(AccessRequest, request_id)
    if request is None or request.esco_id != esco.id:
        raise RequestNotFound("No such request of yours.")
    return request


def withdraw_request(
    session: Session, *, esco: Party, request_id: str, now: datetime | None = None
) -> AccessRequest:
    """The ESCO takes back a request the customer has not answered yet."""
    request = _locked_request(session, request_id, owner=lambda r: r.esco_id == esco.id)
    _require_pending(request)
    _transition(session, request, RequestStatus.WITHDRAWN, actor=f"esco:{esco.id}", now=_clock(now))
    return request


def request_for_customer(session: Session, *, customer: Customer, request_id: str) -> AccessRequest:
    request = session.get(AccessRequest, request_id)
    if (
        request is None
        or request.customer_id != customer.id
        or request.status == RequestStatus.REFUSED
    ):
        raise RequestNotFound("No such request for you.")
    return request


def approve_request(
    session: Session,
    *,
    customer: Customer,
    request_id: str,
    actor: str,
    valid_until: date | None = None,
    resolution: Resolution | None = None,
    now: datetime | None = None,
) -> Consent:
    """The customer approves (TPA-6), optionally shorter or coarser than asked; a consent begins."""
    now = _clock(now)
    request = _locked_request(session, request_id, owner=lambda r: r.customer_id == customer.id)
    _require_pending(request)
    if repository.lock_party(session, request.esco_id) != PartyStatus.ACTIVE:
        raise EscoSuspended("The company that asked is suspended: the request can't be approved.")
    if request.expires_at is not None and request.expires_at <= now:
        raise RequestNotPending("The request has expired: it can no longer be approved.")
    assert request.installation_id is not None
    holder = grid_repository.holder_on(session, request.installation_id, local_date(now))
    if holder is None or holder.customer_id != customer.id:
        raise RequestNotFound("You no longer hold this installation.")
    consent = _consent_from(request, _narrowed(request, valid_until, resolution), now)
    session.add(consent)
    session.add(
        ConsentEvent(consent_id=consent.id, status=ConsentStatus.ACTIVE, actor=actor, at=now)
    )
    _transition(
        session, request, RequestStatus.APPROVED, actor=actor, now=now, consent_id=consent.id
    )
    return consent


def reject_request(
    session: Session,
    *,
    customer: Customer,
    request_id: str,
    actor: str,
    now: datetime | None = None,
) -> AccessRequest:
    request = _locked_request(session, request_id, owner=lambda r: r.customer_id == customer.id)
    _require_pending(request)
    _transition(session, request, RequestStatus.REJECTED, actor=actor, now=_clock(now))
    return request


def _narrowed(
    request: AccessRequest, valid_until: date | None, resolution: Resolution | None
) -> tuple[date, Resolution]:
    asked_until, asked = request.valid_until, Resolution(request.resolution)
    assert asked_until is not None
    if valid_until is not None and valid_until > asked_until:
        raise NotNarrower("The consent can be shortened, not lengthened.")
    if resolution is not None and is_finer(resolution, asked):
        raise NotNarrower("The resolution can be made coarser, not finer.")
    return valid_until or asked_until, resolution or asked


def _consent_from(request: AccessRequest, scope: tuple[date, Resolution], now: datetime) -> Consent:
    valid_until, resolution = scope
    today = local_date(now)
    if valid_until <= today:
        raise NotNarrower("The consent must last past today.")
    assert request.installation_id is not None
    assert request.customer_id is not None
    assert request.history_from is not None
    return Consent(
        id=str(uuid.uuid4()),
        request_id=request.id,
        esco_id=request.esco_id,
        installation_id=request.installation_id,
        customer_id=request.customer_id,
        status=ConsentStatus.ACTIVE,
        data_types=list(request.data_types),
        resolution=resolution.value,
        history_from=request.history_from,
        valid_from=today,
        valid_until=valid_until,
        delivery=request.delivery,
        created_at=now,
    )


def consent_for_esco(session: Session, *, esco: Party, consent_id: str) -> Consent:
    consent = session.get(Consent, consent_id)
    if consent is None or consent.esco_id != esco.id:
        raise ConsentNotFound("No such consent of yours.")
    return consent


def consent_for_customer(session: Session, *, customer: Customer, consent_id: str) -> Consent:
    consent = session.get(Consent, consent_id)
    if consent is None or consent.customer_id != customer.id:
        raise ConsentNotFound("No such consent for you.")
    return consent


def terminate_consent(
    session: Session,
    *,
    customer: Customer,
    consent_id: str,
    actor: str,
    now: datetime | None = None,
) -> Consent:
    """*Avsluta* (TPA-8): the customer ends a consent; it stops at once."""
    consent = _locked_consent(session, consent_id, owner=lambda c: c.customer_id == customer.id)
    _end(session, consent, ConsentStatus.TERMINATED_BY_CUSTOMER, actor=actor, now=_clock(now))
    return consent


def withdraw_consent(
    session: Session, *, esco: Party, consent_id: str, now: datetime | None = None
) -> Consent:
    consent = _locked_consent(session, consent_id, owner=lambda c: c.esco_id == esco.id)
    _end(
        session,
        consent,
        ConsentStatus.WITHDRAWN_BY_ESCO,
        actor=f"esco:{esco.id}",
        now=_clock(now),
    )
    return consent


def suspend_esco(session: Session, *, esco: Party, actor: str, now: datetime | None = None) -> int:
    """Suspend an ESCO: its tokens stop, its consents end and its pending requests are withdrawn."""
    now = _clock(now)
    # Requests, then consents, then the party: the order every transition locks in. Approvals
    # and submissions re-check the party's status under its lock, so after ``suspend_party`` no
    # new ones can start; the second sweep catches those that committed in between.
    repository.lock_pending_requests(session, esco_id=esco.id)
    repository.active_consents(session, esco_id=esco.id, skip_locked=False)
    suspend_party(session, party=esco)
    session.flush()
    pending = repository.lock_pending_requests(session, esco_id=esco.id)
    consents = repository.active_consents(session, esco_id=esco.id, skip_locked=False)
    for consent in consents:
        _end(
            session,
            consent,
            ConsentStatus.ENDED_BY_GRID_COMPANY,
            actor=actor,
            now=now,
            reason="esco_suspended",
        )
    for request in pending:
        _transition(
            session, request, RequestStatus.WITHDRAWN, actor=actor, now=now, reason="esco_suspended"
        )
    return len(consents)


def housekeeping(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Expire unanswered requests and lapsed consents; end consents of customers who moved out."""
    now = _clock(now)
    counts = {"requests_expired": 0, "consents_expired": 0, "consents_ended_by_move": 0}
    for request in repository.due_requests(session, now=now):
        _transition(
            session,
            request,
            RequestStatus.EXPIRED,
            actor=GRID_COMPANY,
            now=now,
            reason="unanswered",
        )
        counts["requests_expired"] += 1
    for consent in repository.lapsed_consents(session, today=local_date(now)):
        _end(session, consent, ConsentStatus.EXPIRED, actor=GRID_COMPANY, now=now)
        counts["consents_expired"] += 1
    for consent in repository.consents_whose_customer_left(session, today=local_date(now)):
        _end(
            session,
            consent,
            ConsentStatus.ENDED_BY_GRID_COMPANY,
            actor=GRID_COMPANY,
            now=now,
            reason="customer_moved_out",
        )
        counts["consents_ended_by_move"] += 1
    return counts


def require_active(consent: Consent, *, now: datetime) -> None:
    """Refuse at once a consent that has ended or lapsed, even before housekeeping marks it."""
    if consent.status != ConsentStatus.ACTIVE or local_midnight(consent.valid_until) <= now:
        raise ConsentNotActive("This consent is not active.")


def _locked_request(
    session: Session, request_id: str, *, owner: Callable[[AccessRequest], bool]
) -> AccessRequest:
    request = repository.lock_request(session, request_id)
    if request is None or not owner(request) or request.status == RequestStatus.REFUSED:
        raise RequestNotFound("No such request.")
    return request


def _locked_consent(
    session: Session, consent_id: str, *, owner: Callable[[Consent], bool]
) -> Consent:
    consent = repository.lock_consent(session, consent_id)
    if consent is None or not owner(consent):
        raise ConsentNotFound("No such consent.")
    if consent.status != ConsentStatus.ACTIVE:
        raise ConsentNotActive("This consent has already ended.")
    return consent


def _require_pending(request: AccessRequest) -> None:
    if request.status != RequestStatus.PENDING_CUSTOMER:
        raise RequestNotPending(f"The request is {request.status}, not pending.")


def _transition(
    session: Session,
    request: AccessRequest,
    status: RequestStatus,
    *,
    actor: str,
    now: datetime,
    reason: str | None = None,
    consent_id: str | None = None,
) -> None:
    request.status = status
    session.add(
        AccessRequestEvent(request_id=request.id, status=status, actor=actor, reason=reason, at=now)
    )
    session.flush()
    publish(
        session,
        party_id=request.esco_id,
        type=EventType(f"access_request.{status.value}"),
        data={
            "request_id": request.id,
            "installation_id": request.installation_ref,
            "status": status.value,
            "reason": reason,
            "consent_id": consent_id,
        },
        now=now,
    )


def _end(
    session: Session,
    consent: Consent,
    status: ConsentStatus,
    *,
    actor: str,
    now: datetime,
    reason: str | None = None,
) -> None:
    consent.status, consent.ended_at = status, now
    session.add(
        ConsentEvent(consent_id=consent.id, status=status, actor=actor, reason=reason, at=now)
    )
    session.flush()
    gsrn = repository.installation_gsrns(session, {consent.installation_id})[
        consent.installation_id
    ]
    publish(
        session,
        party_id=consent.esco_id,
        type=EventType.CONSENT_ENDED,
        data={
            "consent_id": consent.id,
            "request_id": consent.request_id,
            "installation_id": gsrn,
            "status": status.value,
            "reason": reason,
            "ended_at": now.isoformat(),
        },
        now=now,
    )


def customer_of_request(session: Session, *, request_id: str) -> Customer:
    """The customer a (not refused) request is addressed to; for tools acting on their behalf."""
    request = session.get(AccessRequest, request_id)
    customer = (
        session.get(Customer, request.customer_id) if request and request.customer_id else None
    )
    if customer is None:
        raise RequestNotFound("No such request for any customer.")
    return customer


def customer_of_consent(session: Session, *, consent_id: str) -> Customer:
    consent = session.get(Consent, consent_id)
    customer = session.get(Customer, consent.customer_id) if consent else None
    if customer is None:
        raise ConsentNotFound("No such consent.")
    return customer

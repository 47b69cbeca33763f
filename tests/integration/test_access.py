"""Third-party access through the service layer: validation, consents and every way they end."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from elkund.access import repository
from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.access.errors import (
    ConsentNotActive,
    EscoSuspended,
    IdempotencyKeyReused,
    NotNarrower,
    RequestNotFound,
    RequestNotPending,
)
from elkund.access.models import ConsentStatus, RequestStatus
from elkund.customers.identity import format_number
from elkund.customers.models import Customer
from elkund.grid.models import Direction, Installation
from elkund.grid.service import move_in
from elkund.metering.domain import Resolution
from elkund.notify.models import OutboxEvent
from elkund.parties.credentials import PartySuspended
from elkund.parties.models import Party, PartyStatus
from tests.factories import fake_personnummer, make_customer, make_esco, make_installation

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)  # 10:00 in Stockholm


@pytest.fixture
def customer(session: Session) -> Customer:
    return make_customer(session, identity_number=fake_personnummer("19800101", 980))


@pytest.fixture
def installation(session: Session, customer: Customer) -> Installation:
    return make_installation(session, holder=customer, since=date(2020, 1, 1))


@pytest.fixture
def esco(session: Session) -> Party:
    return make_esco(session)


def draft(installation: Installation, customer: Customer, **changes: object) -> access.RequestDraft:
    base = access.RequestDraft(
        installation_id=installation.gsrn,
        customer_identity_number=format_number(customer.identity_number),
        purpose="Energianalys",
        data_types=[DataType.CONSUMPTION],
        resolution=Resolution.PT1H,
        history_from=date(2024, 1, 1),
        valid_until=date(2027, 1, 1),
        delivery="pull",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def submit(session: Session, esco: Party, request_draft: access.RequestDraft) -> access.Submitted:
    return access.submit_request(session, esco=esco, draft=request_draft, now=NOW)


def events_of(session: Session, esco: Party) -> list[tuple[str, dict[str, object]]]:
    rows = session.scalars(
        select(OutboxEvent).where(OutboxEvent.party_id == esco.id).order_by(OutboxEvent.id)
    )
    return [(e.type, e.payload) for e in rows]


def test_valid_request_waits_for_the_customer_and_the_esco_is_told(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    """TPA-1, TPA-2: one installation per request; a valid one is forwarded to the customer."""
    request = submit(session, esco, draft(installation, customer)).request
    assert request.status == RequestStatus.PENDING_CUSTOMER
    assert request.expires_at == NOW + timedelta(days=14)
    assert request.identity_masked == "19800101-****"
    assert [
        r.id for r in repository.requests_of_customer(session, customer_id=customer.id, status=None)
    ] == [request.id]
    assert events_of(session, esco) == [
        (
            "access_request.pending_customer",
            {
                "request_id": request.id,
                "installation_id": installation.gsrn,
                "status": "pending_customer",
                "reason": None,
                "consent_id": None,
            },
        )
    ]


REFUSALS = [
    ("invalid_identity_number", {"customer_identity_number": "19800101-9999"}),
    ("invalid_installation_id", {"installation_id": "735999000000000014"}),
    ("unknown_installation", {"installation_id": "735999000000000013"}),
    ("installation_not_held_by_customer", {"customer_identity_number": "19700101-9806"}),
    ("history_too_early", {"history_from": date(2023, 3, 1)}),
    ("history_in_future", {"history_from": date(2026, 3, 3)}),
    ("valid_until_in_past", {"valid_until": date(2026, 3, 2)}),
    ("valid_until_too_far", {"valid_until": date(2029, 3, 3)}),
    ("data_type_not_available", {"data_types": [DataType.PRODUCTION]}),
]


@pytest.mark.parametrize(("code", "changes"), REFUSALS, ids=[code for code, _ in REFUSALS])
def test_invalid_request_is_refused_kept_and_never_shown_to_the_customer(
    session: Session,
    esco: Party,
    customer: Customer,
    installation: Installation,
    code: str,
    changes: dict[str, object],
) -> None:
    """TPA-2: a stable reason code; kept for the operator, never shown to the customer."""
    request = submit(session, esco, draft(installation, customer, **changes)).request
    assert (request.status, request.refusal_code) == (RequestStatus.REFUSED, code)
    assert repository.requests_of_customer(session, customer_id=customer.id, status=None) == []
    assert events_of(session, esco)[0][0] == "access_request.refused"
    assert events_of(session, esco)[0][1]["reason"] == code


def test_the_limits_themselves_are_allowed(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    request = submit(
        session,
        esco,
        draft(installation, customer, history_from=date(2023, 3, 2), valid_until=date(2029, 3, 2)),
    ).request
    assert request.status == RequestStatus.PENDING_CUSTOMER


def test_finer_resolution_than_the_meter_gives_is_refused(
    session: Session, esco: Party, customer: Customer
) -> None:
    hourly = make_installation(session, holder=customer, resolution=Resolution.PT1H)
    request = submit(session, esco, draft(hourly, customer, resolution=Resolution.PT15M)).request
    assert request.refusal_code == "resolution_too_fine"


def test_production_data_is_available_from_a_production_installation(
    session: Session, esco: Party, customer: Customer
) -> None:
    solar = make_installation(session, holder=customer, direction=Direction.PRODUCTION)
    request = submit(
        session, esco, draft(solar, customer, data_types=[DataType.PRODUCTION])
    ).request
    assert request.status == RequestStatus.PENDING_CUSTOMER


def test_a_customer_who_moved_out_can_no_longer_be_asked_for(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    move_in(
        session, installation=installation, customer=make_customer(session), day=date(2026, 2, 1)
    )
    assert (
        submit(session, esco, draft(installation, customer)).request.refusal_code
        == "installation_not_held_by_customer"
    )


def test_duplicate_of_a_pending_request_or_active_consent_is_refused(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    first = submit(session, esco, draft(installation, customer)).request
    assert (
        submit(session, esco, draft(installation, customer)).request.refusal_code
        == "duplicate_request"
    )
    access.approve_request(session, customer=customer, request_id=first.id, actor="person", now=NOW)
    assert (
        submit(session, esco, draft(installation, customer)).request.refusal_code
        == "duplicate_request"
    )
    other = make_esco(session)
    assert (
        submit(session, other, draft(installation, customer)).request.status
        == RequestStatus.PENDING_CUSTOMER
    )


def test_idempotency_key_returns_the_first_request_and_refuses_another_body(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    first = submit(session, esco, draft(installation, customer, idempotency_key="k1"))
    again = submit(session, esco, draft(installation, customer, idempotency_key="k1"))
    assert (first.created, again.created, again.request.id) == (True, False, first.request.id)
    with pytest.raises(IdempotencyKeyReused):
        submit(session, esco, draft(installation, customer, idempotency_key="k1", purpose="Annat"))


def test_approval_creates_a_consent_narrowed_by_the_customer(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    """TPA-6: the customer approves, may shorten and coarsen; the ESCO is told at once."""
    request = submit(session, esco, draft(installation, customer)).request
    consent = access.approve_request(
        session,
        customer=customer,
        request_id=request.id,
        actor="person",
        valid_until=date(2026, 12, 31),
        resolution=Resolution.P1D,
        now=NOW,
    )
    assert (consent.status, consent.valid_from, consent.valid_until, consent.resolution) == (
        ConsentStatus.ACTIVE,
        date(2026, 3, 2),
        date(2026, 12, 31),
        "P1D",
    )
    assert request.status == RequestStatus.APPROVED
    assert events_of(session, esco)[-1] == (
        "access_request.approved",
        {
            "request_id": request.id,
            "installation_id": installation.gsrn,
            "status": "approved",
            "reason": None,
            "consent_id": consent.id,
        },
    )
    with pytest.raises(RequestNotPending):
        access.approve_request(
            session, customer=customer, request_id=request.id, actor="person", now=NOW
        )


@pytest.mark.parametrize(
    "changes",
    [{"valid_until": date(2027, 1, 2)}, {"resolution": Resolution.PT15M}],
    ids=["longer", "finer"],
)
def test_approval_cannot_widen_the_request(
    session: Session,
    esco: Party,
    customer: Customer,
    installation: Installation,
    changes: dict[str, object],
) -> None:
    request = submit(session, esco, draft(installation, customer)).request
    with pytest.raises(NotNarrower):
        access.approve_request(
            session,
            customer=customer,
            request_id=request.id,
            actor="person",
            now=NOW,
            **changes,  # type: ignore[arg-type]
        )


def test_another_customer_cannot_decide_or_see_the_request(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    request = submit(session, esco, draft(installation, customer)).request
    stranger = make_customer(session)
    with pytest.raises(RequestNotFound):
        access.approve_request(
            session, customer=stranger, request_id=request.id, actor="x", now=NOW
        )
    with pytest.raises(RequestNotFound):
        access.request_for_customer(session, customer=stranger, request_id=request.id)


def test_rejection_and_withdrawal_close_the_request(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    first = submit(session, esco, draft(installation, customer)).request
    access.reject_request(session, customer=customer, request_id=first.id, actor="person", now=NOW)
    second = submit(session, esco, draft(installation, customer)).request
    with pytest.raises(RequestNotFound):
        access.withdraw_request(session, esco=make_esco(session), request_id=second.id, now=NOW)
    access.withdraw_request(session, esco=esco, request_id=second.id, now=NOW)
    assert (first.status, second.status) == (RequestStatus.REJECTED, RequestStatus.WITHDRAWN)
    assert [t for t, _ in events_of(session, esco)][-2:] == [
        "access_request.pending_customer",
        "access_request.withdrawn",
    ]


def approved(session: Session, esco: Party, customer: Customer, installation: Installation) -> str:
    request = submit(session, esco, draft(installation, customer)).request
    return access.approve_request(
        session, customer=customer, request_id=request.id, actor="person", now=NOW
    ).id


def test_customer_ends_a_consent_and_it_stops_at_once(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    """TPA-8, EU-2: *Avsluta* ends the consent immediately and the ESCO is notified."""
    consent_id = approved(session, esco, customer, installation)
    consent = access.terminate_consent(
        session, customer=customer, consent_id=consent_id, actor="person", now=NOW
    )
    assert (consent.status, consent.ended_at) == (ConsentStatus.TERMINATED_BY_CUSTOMER, NOW)
    with pytest.raises(ConsentNotActive):
        access.require_active(consent, now=NOW)
    kind, data = events_of(session, esco)[-1]
    assert (kind, data["status"], data["consent_id"]) == (
        "consent.ended",
        "terminated_by_customer",
        consent_id,
    )
    with pytest.raises(ConsentNotActive):
        access.terminate_consent(
            session, customer=customer, consent_id=consent_id, actor="person", now=NOW
        )


def test_esco_withdraws_a_consent(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    consent_id = approved(session, esco, customer, installation)
    consent = access.withdraw_consent(session, esco=esco, consent_id=consent_id, now=NOW)
    assert consent.status == ConsentStatus.WITHDRAWN_BY_ESCO


def test_housekeeping_expires_unanswered_requests_and_lapsed_consents(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    unanswered = submit(session, esco, draft(installation, customer)).request
    other_installation = make_installation(session, holder=customer)
    consent_id = approved(session, esco, customer, other_installation)
    counts = access.housekeeping(session, now=NOW + timedelta(days=14))
    assert counts["requests_expired"] == 1
    assert unanswered.status == RequestStatus.EXPIRED
    end = datetime(2026, 12, 31, 23, tzinfo=UTC)  # 2027-01-01 00:00 in Stockholm
    assert access.housekeeping(session, now=end - timedelta(seconds=1))["consents_expired"] == 0
    assert access.housekeeping(session, now=end)["consents_expired"] == 1
    consent = access.consent_for_customer(session, customer=customer, consent_id=consent_id)
    assert consent.status == ConsentStatus.EXPIRED


def test_a_lapsed_consent_is_refused_even_before_housekeeping(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    consent = access.consent_for_esco(
        session, esco=esco, consent_id=approved(session, esco, customer, installation)
    )
    with pytest.raises(ConsentNotActive):
        access.require_active(consent, now=datetime(2026, 12, 31, 23, tzinfo=UTC))


def test_consent_ends_when_the_customer_moves_out(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    consent_id = approved(session, esco, customer, installation)
    move_in(
        session, installation=installation, customer=make_customer(session), day=date(2026, 3, 2)
    )
    assert access.housekeeping(session, now=NOW)["consents_ended_by_move"] == 1
    kind, data = events_of(session, esco)[-1]
    assert (kind, data["status"], data["reason"], data["consent_id"]) == (
        "consent.ended",
        "ended_by_grid_company",
        "customer_moved_out",
        consent_id,
    )


def test_suspending_an_esco_ends_its_consents_and_withdraws_its_requests(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    consent_id = approved(session, esco, customer, installation)
    pending = submit(
        session, esco, draft(make_installation(session, holder=customer), customer)
    ).request
    assert access.suspend_esco(session, esco=esco, actor="operator", now=NOW) == 1
    consent = access.consent_for_esco(session, esco=esco, consent_id=consent_id)
    assert (esco.status, consent.status, pending.status) == (
        PartyStatus.SUSPENDED,
        ConsentStatus.ENDED_BY_GRID_COMPANY,
        RequestStatus.WITHDRAWN,
    )


def test_every_transition_is_an_event_with_actor_time_and_reason(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    """EU-3: every step is traceable."""
    request = submit(session, esco, draft(installation, customer)).request
    consent = access.approve_request(
        session, customer=customer, request_id=request.id, actor="person:19800101-****", now=NOW
    )
    access.terminate_consent(
        session, customer=customer, consent_id=consent.id, actor="person:19800101-****", now=NOW
    )
    assert [(e.status, e.actor) for e in repository.request_events(session, request.id)] == [
        (RequestStatus.PENDING_CUSTOMER, "grid_company"),
        (RequestStatus.APPROVED, "person:19800101-****"),
    ]
    assert [(e.status, e.actor) for e in repository.consent_events(session, consent.id)] == [
        (ConsentStatus.ACTIVE, "person:19800101-****"),
        (ConsentStatus.TERMINATED_BY_CUSTOMER, "person:19800101-****"),
    ]


def test_a_non_holder_learns_nothing_from_a_refusal_about_the_request_itself(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    """EU-5: period and data are judged first, so no answer reveals who holds an installation."""
    stranger = make_customer(session, identity_number=fake_personnummer("19700101", 981))
    early = date(2020, 1, 1)
    as_holder = submit(session, esco, draft(installation, customer, history_from=early)).request
    as_stranger = submit(session, esco, draft(installation, stranger, history_from=early)).request
    assert as_holder.refusal_code == as_stranger.refusal_code == "history_too_early"


def test_an_expired_request_cannot_be_approved_before_housekeeping_runs(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    request = submit(session, esco, draft(installation, customer)).request
    with pytest.raises(RequestNotPending, match="expired"):
        access.approve_request(
            session,
            customer=customer,
            request_id=request.id,
            actor="p",
            now=NOW + timedelta(days=15),
        )


def test_a_customer_who_moved_out_cannot_approve(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    request = submit(session, esco, draft(installation, customer)).request
    move_in(
        session, installation=installation, customer=make_customer(session), day=date(2026, 3, 2)
    )
    with pytest.raises(RequestNotFound):
        access.approve_request(
            session, customer=customer, request_id=request.id, actor="p", now=NOW
        )


def test_a_suspended_esco_can_neither_submit_nor_have_a_request_approved(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    """Whatever object a caller holds, the party's status is read fresh under its lock."""
    request = submit(session, esco, draft(installation, customer)).request
    session.execute(update(Party).where(Party.id == esco.id).values(status="suspended"))
    with pytest.raises(EscoSuspended):
        access.approve_request(
            session, customer=customer, request_id=request.id, actor="p", now=NOW
        )
    other = make_installation(session, holder=customer)
    with pytest.raises(PartySuspended):
        submit(session, esco, draft(other, customer))

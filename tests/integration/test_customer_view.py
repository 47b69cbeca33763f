"""What a customer sees under Tredjepartsåtkomst: only their own, never a refused request."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from elkund.access import customer_view as view
from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.access.gate import read_for_consent
from elkund.customers.identity import format_number
from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.metering.domain import Resolution
from elkund.parties.models import Party
from tests.factories import fake_personnummer, make_customer, make_esco, make_installation

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def draft(installation: Installation, customer: Customer) -> access.RequestDraft:
    return access.RequestDraft(
        installation_id=installation.gsrn,
        customer_identity_number=format_number(customer.identity_number),
        purpose="Energianalys",
        data_types=[DataType.CONSUMPTION],
        resolution=Resolution.PT1H,
        history_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
        delivery="pull",
    )


def request(session: Session, esco: Party, installation: Installation, customer: Customer) -> str:
    return access.submit_request(
        session, esco=esco, draft=draft(installation, customer), now=NOW
    ).request.id


def test_the_tab_shows_requests_consents_companies_and_the_log(session: Session) -> None:
    """TPA-3, TPA-4, TPA-7, TPA-9: everything under Tredjepartsåtkomst, each only the customer's."""
    customer = make_customer(session, identity_number=fake_personnummer("19800101", 980))
    stranger = make_customer(session, identity_number=fake_personnummer("19700101", 981))
    house, cottage = (make_installation(session, holder=customer) for _ in range(2))
    strangers_house = make_installation(session, holder=stranger)
    wattkollen, effekt = (
        make_esco(session, name="Wattkollen AB"),
        make_esco(session, name="Effekt AB"),
    )

    pending = request(session, effekt, cottage, customer)
    approved = request(session, wattkollen, house, customer)
    rejected = request(session, wattkollen, cottage, customer)
    refused = access.submit_request(
        session,
        esco=effekt,
        draft=replace(draft(house, customer), history_from=date(2000, 1, 1)),
        now=NOW,
    ).request
    request(session, wattkollen, strangers_house, stranger)
    consent = access.approve_request(
        session, customer=customer, request_id=approved, actor="p", now=NOW
    )
    access.reject_request(session, customer=customer, request_id=rejected, actor="p", now=NOW)
    read_for_consent(
        session,
        esco=wattkollen,
        consent_id=consent.id,
        start=datetime(2026, 2, 1, tzinfo=UTC),
        end=datetime(2026, 2, 2, tzinfo=UTC),
        resolution=Resolution.P1D,
        channel="pull",
        now=NOW,
    )

    assert [
        (r.id, r.company.name, r.installation_id)
        for r in view.pending_requests(session, customer_id=customer.id)
    ] == [(pending, "Effekt AB", cottage.gsrn)]
    assert refused.status == "refused"
    active, inactive = view.consents(session, customer_id=customer.id)
    assert [(c.id, c.company.name, c.valid_until) for c in active] == [
        (consent.id, "Wattkollen AB", date(2026, 12, 31))
    ]
    assert inactive == []
    assert [(r.id, r.status) for r in view.closed_requests(session, customer_id=customer.id)] == [
        (rejected, "rejected")
    ]
    assert [
        (a.company.name, a.installation_ids)
        for a in view.companies_with_access(session, customer_id=customer.id)
    ] == [("Wattkollen AB", [house.gsrn])]
    log = view.share_log(session, customer_id=customer.id)
    assert [(e.company.name, e.installation_id, e.resolution, e.channel) for e in log] == [
        ("Wattkollen AB", house.gsrn, "P1D", "pull")
    ]
    assert view.share_log(session, customer_id=customer.id, company_id=effekt.id) == []
    assert view.share_log(session, customer_id=stranger.id) == []
    assert [r.installation_id for r in view.pending_requests(session, customer_id=stranger.id)] == [
        strangers_house.gsrn
    ]


def test_an_ended_consent_moves_to_inactive_with_its_reason(session: Session) -> None:
    customer = make_customer(session, identity_number=fake_personnummer("19800101", 980))
    house = make_installation(session, holder=customer)
    esco = make_esco(session)
    consent = access.approve_request(
        session,
        customer=customer,
        request_id=request(session, esco, house, customer),
        actor="p",
        now=NOW,
    )
    access.terminate_consent(
        session, customer=customer, consent_id=consent.id, actor="p", now=NOW + timedelta(hours=1)
    )
    active, inactive = view.consents(session, customer_id=customer.id)
    assert active == []
    assert [(c.status, c.ended_at) for c in inactive] == [
        ("terminated_by_customer", NOW + timedelta(hours=1))
    ]
    assert view.companies_with_access(session, customer_id=customer.id) == []

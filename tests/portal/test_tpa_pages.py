"""Mina sidor – Tredjepartsåtkomst through the web: see, approve, reject, end; never another's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.access.models import AccessRequest, Consent, ConsentEvent
from elkund.api.app import create_app
from elkund.core.db import session_scope
from elkund.core.localtime import local_date, utcnow
from elkund.core.settings import Settings
from elkund.customers.identity import format_number
from elkund.metering.domain import Resolution
from elkund.portal import tpa
from elkund.portal.auth import install
from elkund.portal.auth.cookies import SESSION_COOKIE
from elkund.portal.auth.service import start_person_session
from elkund.portal.auth.settings import AuthSettings
from tests.factories import fake_personnummer, make_customer, make_esco, make_installation


@dataclass(frozen=True)
class World:
    person: str
    stranger: str
    request_id: str
    strangers_request_id: str
    esco_id: int


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    settings = Settings(
        env="test", database_url="sqlite://", secret_key="x" * 32, worker_in_process=False
    )
    app = create_app(settings, engine=engine)
    if not any(getattr(r, "path", "").startswith(tpa.BASE) for r in app.routes):
        install(app)
        app.include_router(tpa.router)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def world(committed: sessionmaker[Session]) -> World:
    with session_scope(committed) as session:
        customer = make_customer(session, identity_number=fake_personnummer("19800101", 980))
        stranger = make_customer(session, identity_number=fake_personnummer("19700101", 981))
        esco = make_esco(session, name="Wattkollen AB")
        ids = []
        for owner in (customer, stranger):
            installation = make_installation(session, holder=owner)
            today = local_date(utcnow())
            draft = access.RequestDraft(
                installation_id=installation.gsrn,
                customer_identity_number=format_number(owner.identity_number),
                purpose="Energianalys av din villa",
                data_types=[DataType.CONSUMPTION],
                resolution=Resolution.PT1H,
                history_from=today - timedelta(days=30),
                valid_until=today + timedelta(days=60),
                delivery="pull",
            )
            ids.append(access.submit_request(session, esco=esco, draft=draft).request.id)
        return World(customer.identity_number, stranger.identity_number, ids[0], ids[1], esco.id)


def sign_in(client: TestClient, committed: sessionmaker[Session], person: str) -> None:
    with session_scope(committed) as session:
        started = start_person_session(
            session, person_number=person, now=utcnow(), settings=AuthSettings()
        )
    client.cookies.set(SESSION_COOKIE, started.token)


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


def test_signed_out_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/mina-sidor/tredjepartsatkomst", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/logga-in?next=/mina-sidor/tredjepartsatkomst",
    )


def test_the_customer_sees_and_approves_a_request_narrowed(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """TPA-3, TPA-4, TPA-6: the request with its ESCO; approval with a coarser resolution."""
    sign_in(client, committed, world.person)
    tab = client.get("/mina-sidor/tredjepartsatkomst").text
    assert "Begäranden att hantera" in tab
    assert "Wattkollen AB" in tab
    assert world.strangers_request_id not in tab
    page = client.get(f"/mina-sidor/tredjepartsatkomst/begaran/{world.request_id}").text
    approved = client.post(
        f"/mina-sidor/tredjepartsatkomst/begaran/{world.request_id}/godkann",
        data={"csrf_token": csrf(page), "resolution": "P1D"},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    with session_scope(committed) as session:
        consent = session.scalars(select(Consent)).one()
        assert consent.resolution == "P1D"
        event = session.scalars(select(ConsentEvent)).one()
        assert event.actor == "person:19800101-****"
    after = client.get("/mina-sidor/tredjepartsatkomst?notice=godkand").text
    assert "Du har godkänt begäran" in after
    assert "Aktiva tredjepartsmedgivanden" in after


def test_ending_a_consent_asks_first_then_ends_it(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """TPA-8: *Avsluta* with a confirmation step."""
    sign_in(client, committed, world.person)
    page = client.get(f"/mina-sidor/tredjepartsatkomst/begaran/{world.request_id}").text
    client.post(
        f"/mina-sidor/tredjepartsatkomst/begaran/{world.request_id}/godkann",
        data={"csrf_token": csrf(page)},
    )
    with session_scope(committed) as session:
        consent_id = session.scalars(select(Consent.id)).one()
    confirm = client.get(f"/mina-sidor/tredjepartsatkomst/medgivande/{consent_id}/avsluta").text
    assert "Avsluta medgivandet för Wattkollen AB?" in confirm
    ended = client.post(
        f"/mina-sidor/tredjepartsatkomst/medgivande/{consent_id}/avsluta",
        data={"csrf_token": csrf(confirm)},
        follow_redirects=False,
    )
    assert ended.status_code == 303
    with session_scope(committed) as session:
        assert session.get(Consent, consent_id).status == "terminated_by_customer"  # type: ignore[union-attr]


def test_another_customers_request_cannot_be_seen_or_decided(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """EU-5: URL and form tampering get nothing."""
    sign_in(client, committed, world.person)
    page = client.get(f"/mina-sidor/tredjepartsatkomst/begaran/{world.request_id}").text
    token = csrf(page)
    assert (
        client.get(
            f"/mina-sidor/tredjepartsatkomst/begaran/{world.strangers_request_id}"
        ).status_code
        == 404
    )
    tampered = client.post(
        f"/mina-sidor/tredjepartsatkomst/begaran/{world.strangers_request_id}/godkann",
        data={"csrf_token": token},
    )
    assert tampered.status_code == 404
    with session_scope(committed) as session:
        strangers = session.get(AccessRequest, world.strangers_request_id)
        assert strangers is not None
        assert strangers.status == "pending_customer"


def test_a_form_without_the_csrf_token_is_refused(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    sign_in(client, committed, world.person)
    refused = client.post(
        f"/mina-sidor/tredjepartsatkomst/begaran/{world.request_id}/neka", data={}
    )
    assert refused.status_code == 403
    with session_scope(committed) as session:
        assert session.get(AccessRequest, world.request_id).status == "pending_customer"  # type: ignore[union-attr]


def test_the_log_downloads_as_csv(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """TPA-9: the share log as a CSV file."""
    sign_in(client, committed, world.person)
    response = client.get("/mina-sidor/tredjepartsatkomst/logg.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").splitlines() == [
        "Tid;Företag;Organisationsnummer;Anläggning;Från;Till;Upplösning;Antal värden;Sätt"
    ]

"""Mitt konto and Växla kund: authorised users act for their company (TPA-5), nobody else (EU-5)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.api.app import create_app
from elkund.core.db import session_scope
from elkund.core.localtime import utcnow
from elkund.core.settings import Settings
from elkund.customers.authorised import AuthorisedUser
from elkund.customers.models import Customer
from elkund.customers.service import create_business_login
from elkund.portal import account, pages
from elkund.portal.auth import install
from elkund.portal.auth.cookies import SESSION_COOKIE
from elkund.portal.auth.service import start_business_session
from elkund.portal.auth.settings import AuthSettings
from tests.factories import fake_personnummer, make_customer, make_installation, org_number
from tests.portal.helpers import sign_in_person

PERSON = fake_personnummer("19800101", 980)
ADD = "/mina-sidor/konto/anvandare"


@dataclass(frozen=True)
class World:
    person_id: int
    company_id: int
    other_company_id: int
    own_gsrn: str
    company_gsrn: str
    company_csrf: str


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    settings = Settings(
        env="test", database_url="sqlite://", secret_key="x" * 32, worker_in_process=False
    )
    app = create_app(settings, engine=engine)
    paths = {getattr(r, "path", "") for r in app.routes}
    if "/mina-sidor" not in paths:
        install(app)
        app.include_router(pages.router)
    if account.SWITCH not in paths:
        app.include_router(account.router)
    return app


@pytest.fixture
def company_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def person_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def world(committed: sessionmaker[Session], company_client: TestClient) -> World:
    """A person with their own installation, a company with its own, and a company signed in."""
    with session_scope(committed) as db:
        person = make_customer(db, identity_number=PERSON, name="Anna Andersson")
        company = make_customer(db, identity_number=org_number(501), name="Bygg AB")
        other = make_customer(db, identity_number=org_number(502), name="Annat AB")
        own = make_installation(db, holder=person)
        companys = make_installation(db, holder=company)
        login = create_business_login(
            db, customer=company, username="bygg", password="ett långt lösenord"
        )
        started = start_business_session(db, login=login, now=utcnow(), settings=AuthSettings())
        company_client.cookies.set(SESSION_COOKIE, started.token)
        return World(
            person.id,
            company.id,
            other.id,
            own.gsrn,
            companys.gsrn,
            started.user.csrf_token,
        )


def _add(client: TestClient, csrf: str, person_number: str = PERSON, name: str = "Anna") -> int:
    form = {"csrf_token": csrf, "person_number": person_number, "name": name}
    return client.post(ADD, data=form).status_code


def _user_id(committed: sessionmaker[Session]) -> int:
    with session_scope(committed) as db:
        return db.scalars(select(AuthorisedUser.id)).one()


def test_authorised_user_acts_for_the_company(
    world: World,
    company_client: TestClient,
    person_client: TestClient,
    committed: sessionmaker[Session],
) -> None:
    """TPA-5: the company registers a person, who signs in with e-ID and chooses the company."""
    assert _add(company_client, world.company_csrf) == 303
    csrf = sign_in_person(person_client, committed, PERSON)

    choices = person_client.get(account.SWITCH).text
    assert "Anna Andersson" in choices
    assert f'name="customer_id" value="{world.company_id}">Bygg AB (företag)' in choices
    assert "Annat AB" not in choices
    switched = person_client.post(
        account.SWITCH, data={"csrf_token": csrf, "customer_id": str(world.company_id)}
    )
    assert (switched.status_code, switched.headers["location"]) == (303, "/mina-sidor")

    overview = person_client.get("/mina-sidor").text
    assert world.company_gsrn in overview
    assert world.own_gsrn not in overview
    back = {"csrf_token": csrf, "customer_id": str(world.person_id)}
    assert person_client.post(account.SWITCH, data=back).status_code == 303
    assert world.own_gsrn in person_client.get("/mina-sidor").text


def test_account_page_masks_the_personnummer(world: World, company_client: TestClient) -> None:
    assert _add(company_client, world.company_csrf, name="Anna Andersson") == 303
    page = company_client.get("/mina-sidor/konto?notice=tillagd").text
    assert "<td>19800101-****</td><td>Anna Andersson</td>" in page
    assert PERSON not in page
    assert PERSON[2:8] + "-" + PERSON[8:] not in page
    assert "Användaren är tillagd." in page


def test_removing_the_user_removes_the_access_at_once(
    world: World,
    company_client: TestClient,
    person_client: TestClient,
    app: FastAPI,
    committed: sessionmaker[Session],
) -> None:
    """TPA-5: the next request after removal no longer reaches the company (EU-5)."""
    assert _add(company_client, world.company_csrf) == 303
    csrf = sign_in_person(person_client, committed, PERSON)
    to_company = {"csrf_token": csrf, "customer_id": str(world.company_id)}
    assert person_client.post(account.SWITCH, data=to_company).status_code == 303
    with TestClient(app, follow_redirects=False) as own_session:
        own_csrf = sign_in_person(own_session, committed, PERSON)

        removed = company_client.post(
            f"{ADD}/{_user_id(committed)}/ta-bort", data={"csrf_token": world.company_csrf}
        )
        assert (removed.status_code, removed.headers["location"]) == (
            303,
            "/mina-sidor/konto?notice=borttagen",
        )

        # The session acting for the company ends: back to the sign-in page.
        page = person_client.get("/mina-sidor")
        assert (page.status_code, page.headers["location"]) == (303, "/logga-in?next=/mina-sidor")
        # A session acting for the person themself no longer lists or reaches the company.
        assert "Bygg AB" not in own_session.get(account.SWITCH).text
        tampered = {"csrf_token": own_csrf, "customer_id": str(world.company_id)}
        assert own_session.post(account.SWITCH, data=tampered).status_code == 403
        assert world.own_gsrn in own_session.get("/mina-sidor").text


def test_a_person_cannot_act_for_a_company_that_did_not_authorise_them(
    world: World, person_client: TestClient, committed: sessionmaker[Session]
) -> None:
    """EU-5: form tampering with another customer's id is refused."""
    csrf = sign_in_person(person_client, committed, PERSON)
    for customer_id in (world.company_id, world.other_company_id):
        tampered = {"csrf_token": csrf, "customer_id": str(customer_id)}
        refused = person_client.post(account.SWITCH, data=tampered)
        assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
    page = person_client.get("/mina-sidor").text
    assert world.own_gsrn in page
    assert world.company_gsrn not in page


def test_every_form_needs_the_csrf_token(
    world: World,
    company_client: TestClient,
    person_client: TestClient,
    committed: sessionmaker[Session],
) -> None:
    assert _add(company_client, "fel") == 403
    assert _add(company_client, world.company_csrf) == 303
    remove = f"{ADD}/{_user_id(committed)}/ta-bort"
    assert company_client.post(remove, data={}).status_code == 403
    sign_in_person(person_client, committed, PERSON)
    switch = {"customer_id": str(world.company_id)}
    assert person_client.post(account.SWITCH, data=switch).status_code == 403
    with session_scope(committed) as db:
        assert db.scalars(select(AuthorisedUser.person_number)).all() == [PERSON]


def test_an_invalid_personnummer_gets_a_swedish_error(
    world: World, company_client: TestClient, committed: sessionmaker[Session]
) -> None:
    refused = company_client.post(
        ADD, data={"csrf_token": world.company_csrf, "person_number": "19800101-0000"}
    )
    assert refused.status_code == 422
    assert "Personnumret är inte giltigt. Skriv det som ÅÅÅÅMMDD-NNNN." in refused.text
    assert 'value="19800101-0000"' in refused.text
    with session_scope(committed) as db:
        assert db.scalars(select(AuthorisedUser)).all() == []


def test_a_person_is_added_once_in_any_spelling(world: World, company_client: TestClient) -> None:
    assert _add(company_client, world.company_csrf, person_number=PERSON[2:]) == 303
    again = company_client.post(
        ADD, data={"csrf_token": world.company_csrf, "person_number": PERSON}
    )
    assert again.status_code == 409
    assert "Personen är redan användare för företaget." in again.text


def test_a_person_signed_in_with_e_id_cannot_manage_users(
    world: World,
    company_client: TestClient,
    person_client: TestClient,
    committed: sessionmaker[Session],
) -> None:
    """TPA-5: only the company's username + password manages users, even for its own users."""
    assert _add(company_client, world.company_csrf) == 303
    csrf = sign_in_person(person_client, committed, PERSON)
    to_company = {"csrf_token": csrf, "customer_id": str(world.company_id)}
    assert person_client.post(account.SWITCH, data=to_company).status_code == 303
    assert person_client.get("/mina-sidor/konto").status_code == 403
    other = fake_personnummer("19700101", 981)
    assert _add(person_client, csrf, person_number=other) == 403
    remove = f"{ADD}/{_user_id(committed)}/ta-bort"
    assert person_client.post(remove, data={"csrf_token": csrf}).status_code == 403


def test_another_companys_user_cannot_be_removed(
    world: World,
    company_client: TestClient,
    app: FastAPI,
    committed: sessionmaker[Session],
) -> None:
    """EU-5: URL tampering with another company's user id finds nothing."""
    assert _add(company_client, world.company_csrf) == 303
    with session_scope(committed) as db:
        other_company = db.get(Customer, world.other_company_id)
        assert other_company is not None
        login = create_business_login(
            db, customer=other_company, username="annat", password="ett annat långt lösenord"
        )
        started = start_business_session(db, login=login, now=utcnow(), settings=AuthSettings())
    with TestClient(app, follow_redirects=False) as intruder:
        intruder.cookies.set(SESSION_COOKIE, started.token)
        refused = intruder.post(
            f"{ADD}/{_user_id(committed)}/ta-bort", data={"csrf_token": started.user.csrf_token}
        )
        assert refused.status_code == 404
    assert re.search(r"19800101-\*{4}", company_client.get("/mina-sidor/konto").text)

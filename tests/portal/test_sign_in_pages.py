"""Development sign-in (only in development) and company username + password sign-in (TPA-5)."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.customers import passwords
from elkund.customers.models import Customer
from elkund.customers.service import create_business_login, find_business_login
from tests.factories import make_customer, org_number
from tests.portal.helpers import ME_URL, client_for, make_app, session_count

DEV_URL = "/logga-in/test-e-legitimation"
BUSINESS_URL = "/logga-in/foretag"
PASSWORD = "ett långt lösenord"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def company(committed: sessionmaker[Session]) -> Customer:
    with session_scope(committed) as db:
        customer = make_customer(db, identity_number=org_number(8101), name="Bageriet AB")
        create_business_login(db, customer=customer, username="bageriet", password=PASSWORD)
        return customer


def form_token(client: TestClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def test_development_lists_demo_persons_and_signs_in(
    engine: Engine, committed: sessionmaker[Session]
) -> None:
    with session_scope(committed) as db:
        person = make_customer(db, name="Astrid Demosson")
    with client_for(make_app(engine, env="development")) as client:
        page = client.get(DEV_URL)
        assert "Astrid Demosson" in page.text
        assert "Utvecklingsläge – test-e-legitimation" in page.text
        token = form_token(client, DEV_URL)
        response = client.post(
            DEV_URL, data={"customer_id": person.id, "csrf_token": token, "next": ME_URL}
        )
        assert (response.status_code, response.headers["location"]) == (303, ME_URL)
        assert client.get(ME_URL).json()["acting_for"] == person.id


@pytest.mark.parametrize("env", ["test", "production"])
def test_development_sign_in_does_not_exist_outside_development(
    engine: Engine, committed: sessionmaker[Session], env: str
) -> None:
    with session_scope(committed) as db:
        person = make_customer(db)
    with client_for(make_app(engine, env=env)) as client:
        assert client.get(DEV_URL).status_code == 404
        response = client.post(DEV_URL, data={"customer_id": person.id})
        assert response.status_code == 404
        assert "test-e-legitimation" not in client.get("/logga-in").text
    assert session_count(committed) == 0


def test_a_company_signs_in_with_its_password(engine: Engine, company: Customer) -> None:
    with client_for(make_app(engine)) as client:
        token = form_token(client, BUSINESS_URL)
        data = {"username": "Bageriet", "password": PASSWORD, "csrf_token": token, "next": ME_URL}
        response = client.post(BUSINESS_URL, data=data)
        assert (response.status_code, response.headers["location"]) == (303, ME_URL)
        assert client.get(ME_URL).json() == {
            "acting_for": company.id,
            "customer_ids": [company.id],
        }


def test_session_cookie_flags(engine: Engine, company: Customer) -> None:
    for public_url, secure in (("https://elkund.example", True), ("http://localhost:8000", False)):
        with client_for(make_app(engine, public_url=public_url)) as client:
            client.cookies.set("elkund_login_csrf", "t")
            data = {"username": "bageriet", "password": PASSWORD, "csrf_token": "t"}
            cookie = client.post(BUSINESS_URL, data=data).headers["set-cookie"]
            assert cookie.startswith("elkund_session=")
            assert "HttpOnly" in cookie
            assert "SameSite=lax" in cookie
            assert ("Secure" in cookie) is secure


def test_a_wrong_password_shows_the_form_again(
    engine: Engine, company: Customer, committed: sessionmaker[Session]
) -> None:
    with client_for(make_app(engine)) as client:
        token = form_token(client, BUSINESS_URL)
        data = {"username": "bageriet", "password": "fel", "csrf_token": token}
        response = client.post(BUSINESS_URL, data=data)
        assert response.status_code == 401
        assert "Fel användarnamn eller lösenord." in response.text
    assert session_count(committed) == 0


def test_a_company_form_without_its_token_is_refused(engine: Engine, company: Customer) -> None:
    with client_for(make_app(engine)) as client:
        data = {"username": "bageriet", "password": PASSWORD, "csrf_token": "gissat"}
        assert client.post(BUSINESS_URL, data=data).status_code == 403


def test_five_failures_lock_the_username(engine: Engine, company: Customer) -> None:
    with client_for(make_app(engine)) as client:
        token = form_token(client, BUSINESS_URL)
        wrong = {"username": "bageriet", "password": "fel", "csrf_token": token}
        statuses = [client.post(BUSINESS_URL, data=wrong).status_code for _ in range(5)]
        assert statuses == [401] * 5
        right = wrong | {"password": PASSWORD}
        locked = client.post(BUSINESS_URL, data=right, headers={"Accept": "text/html"})
        assert locked.status_code == 429
        assert "För många inloggningsförsök" in locked.text
        other = wrong | {"username": "någon-annan"}
        assert client.post(BUSINESS_URL, data=other).status_code == 401


def test_removing_the_login_ends_its_sessions(
    engine: Engine, company: Customer, committed: sessionmaker[Session]
) -> None:
    with client_for(make_app(engine)) as client:
        token = form_token(client, BUSINESS_URL)
        data = {"username": "bageriet", "password": PASSWORD, "csrf_token": token}
        client.post(BUSINESS_URL, data=data)
        with session_scope(committed) as db:
            db.delete(find_business_login(db, username="bageriet"))
        assert client.get(ME_URL).status_code == 303
    assert session_count(committed) == 0

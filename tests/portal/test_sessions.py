"""Sessions, CSRF and sign-out of "Mina sidor"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.core.localtime import utcnow
from elkund.customers.models import Customer
from elkund.portal.auth.domain import safe_next
from elkund.portal.auth.models import PortalSession
from tests.factories import make_customer
from tests.portal.helpers import (
    FORM_URL,
    ME_URL,
    client_for,
    make_app,
    session_count,
    sign_in_person,
)


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with client_for(make_app(engine)) as test_client:
        yield test_client


@pytest.fixture
def person(committed: sessionmaker[Session]) -> Customer:
    with session_scope(committed) as db:
        return make_customer(db, name="Anna Testsson")


def test_a_visitor_is_sent_to_sign_in_with_the_return_path(client: TestClient) -> None:
    response = client.get(ME_URL, params={"vy": "dag"})
    assert response.status_code == 303
    assert response.headers["location"] == "/logga-in?next=/test/jag%3Fvy%3Ddag"


def test_a_signed_in_person_acts_for_themself(
    client: TestClient, committed: sessionmaker[Session], person: Customer
) -> None:
    sign_in_person(client, committed, person.identity_number)
    response = client.get(ME_URL)
    assert (response.status_code, response.json()) == (
        200,
        {"acting_for": person.id, "customer_ids": [person.id]},
    )


def test_an_unknown_cookie_is_not_signed_in(client: TestClient) -> None:
    client.cookies.set("elkund_session", "made-up")
    assert client.get(ME_URL).status_code == 303


def test_an_idle_session_ends(
    client: TestClient, committed: sessionmaker[Session], person: Customer
) -> None:
    sign_in_person(client, committed, person.identity_number, now=utcnow() - timedelta(minutes=21))
    assert client.get(ME_URL).status_code == 303


def test_a_session_used_within_the_idle_timeout_lives(
    client: TestClient, committed: sessionmaker[Session], person: Customer
) -> None:
    sign_in_person(client, committed, person.identity_number, now=utcnow() - timedelta(minutes=19))
    assert client.get(ME_URL).status_code == 200


def test_a_session_ends_after_its_lifetime_even_when_used(
    client: TestClient, committed: sessionmaker[Session], person: Customer
) -> None:
    sign_in_person(client, committed, person.identity_number, now=utcnow() - timedelta(hours=13))
    with session_scope(committed) as db:
        db.execute(update(PortalSession).values(last_seen_at=utcnow()))
    assert client.get(ME_URL).status_code == 303


def test_a_session_ends_when_its_customer_is_gone(
    client: TestClient, committed: sessionmaker[Session], person: Customer
) -> None:
    sign_in_person(client, committed, person.identity_number)
    with session_scope(committed) as db:
        db.delete(db.get(Customer, person.id))
    assert client.get(ME_URL).status_code == 303
    assert session_count(committed) == 0


def test_a_form_without_the_csrf_token_is_refused(
    client: TestClient, committed: sessionmaker[Session], person: Customer
) -> None:
    sign_in_person(client, committed, person.identity_number)
    for data in ({}, {"csrf_token": "wrong"}):
        response = client.post(FORM_URL, data=data)
        assert (response.status_code, response.json()["error"]) == (403, "csrf_failed")


def test_a_browser_gets_a_swedish_page_when_csrf_fails(
    client: TestClient, committed: sessionmaker[Session], person: Customer
) -> None:
    sign_in_person(client, committed, person.identity_number)
    response = client.post(FORM_URL, data={"csrf_token": "wrong"}, headers={"Accept": "text/html"})
    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in response.text


def test_a_form_with_the_csrf_token_passes(
    client: TestClient, committed: sessionmaker[Session], person: Customer
) -> None:
    csrf = sign_in_person(client, committed, person.identity_number)
    response = client.post(FORM_URL, data={"csrf_token": csrf})
    assert (response.status_code, response.json()) == (200, {"acting_for": person.id})


def test_sign_out_deletes_the_session(
    client: TestClient, committed: sessionmaker[Session], person: Customer
) -> None:
    csrf = sign_in_person(client, committed, person.identity_number)
    response = client.post("/logga-ut", data={"csrf_token": csrf})
    assert (response.status_code, response.headers["location"]) == (303, "/logga-in?utloggad=1")
    assert 'elkund_session=""' in response.headers["set-cookie"]
    assert session_count(committed) == 0
    assert client.get(ME_URL).status_code == 303


def test_sign_out_needs_the_csrf_token(
    client: TestClient, committed: sessionmaker[Session], person: Customer
) -> None:
    sign_in_person(client, committed, person.identity_number)
    assert client.post("/logga-ut", data={"csrf_token": "wrong"}).status_code == 403
    assert session_count(committed) == 1


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/oversikt?period=ar", "/oversikt?period=ar"),
        (None, "/mina-sidor"),
        ("https://evil.example/", "/mina-sidor"),
        ("//evil.example/", "/mina-sidor"),
        ("/\\evil.example", "/mina-sidor"),
        ("oversikt", "/mina-sidor"),
    ],
)
def test_only_local_paths_are_return_addresses(given: str | None, expected: str) -> None:
    assert safe_next(given) == expected

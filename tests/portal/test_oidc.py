"""e-ID sign-in: the real authorisation code flow against an OIDC provider on localhost."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.customers.models import Customer
from elkund.portal.auth.settings import AuthSettings
from tests.factories import fake_personnummer, make_customer
from tests.portal.helpers import ME_URL, client_for, make_app, session_count

with warnings.catch_warnings():
    # The provider (a test tool) still imports the deprecated authlib.jose; elkund does not.
    warnings.simplefilter("ignore", DeprecationWarning)
    from oidc_provider_mock import User, run_server_in_thread

KNOWN = fake_personnummer("19800101", 981)
UNKNOWN = fake_personnummer("19800101", 982)
PUBLIC_URL = "http://127.0.0.1:8000"

# The provider (a test tool running in this process) calls Authlib's deprecated get_jwt_config.
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    users = [
        User(sub="anna", claims={"personal_number": KNOWN}),
        User(sub="okand", claims={"personal_number": UNKNOWN}),
        User(sub="utan", claims={}),
    ]
    with run_server_in_thread(require_nonce=True, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def client(engine: Engine, issuer: str) -> Iterator[TestClient]:
    auth = AuthSettings(oidc_issuer=issuer, oidc_client_id="elkund", oidc_client_secret="hemligt")
    with client_for(make_app(engine, public_url=PUBLIC_URL, auth=auth)) as test_client:
        yield test_client


@pytest.fixture
def person(committed: sessionmaker[Session]) -> Customer:
    with session_scope(committed) as db:
        return make_customer(db, identity_number=KNOWN, name="Anna Testsson")


def authorise(client: TestClient, sub: str) -> str:
    """Start at the portal, choose ``sub`` at the provider; the callback path and query."""
    start = client.get("/logga-in/e-id", params={"next": ME_URL})
    assert start.status_code == 303
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert {"state", "nonce", "code_challenge"} <= query.keys()
    answer = httpx.post(start.headers["location"], data={"sub": sub})
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["location"])
    assert f"{callback.scheme}://{callback.netloc}{callback.path}" == (
        f"{PUBLIC_URL}/logga-in/callback"
    )
    return f"{callback.path}?{callback.query}"


def test_a_person_signs_in_with_e_id(
    client: TestClient, person: Customer, committed: sessionmaker[Session]
) -> None:
    response = client.get(authorise(client, "anna"))
    assert response.status_code == 303, response.text
    assert response.headers["location"] == ME_URL
    assert client.get(ME_URL).json() == {"acting_for": person.id, "customer_ids": [person.id]}
    assert session_count(committed) == 1


def test_a_wrong_state_is_refused(
    client: TestClient, person: Customer, committed: sessionmaker[Session]
) -> None:
    callback = authorise(client, "anna")
    query = parse_qs(urlsplit(callback).query)
    response = client.get(
        "/logga-in/callback", params={"code": query["code"][0], "state": "forfalskad"}
    )
    assert (response.status_code, response.json()["error"]) == (400, "oidc_failed")
    assert session_count(committed) == 0


def test_a_callback_without_the_pending_cookie_is_refused(
    client: TestClient, person: Customer, committed: sessionmaker[Session]
) -> None:
    callback = authorise(client, "anna")
    client.cookies.delete("elkund_oidc")
    assert client.get(callback).status_code == 400
    assert session_count(committed) == 0


def test_a_replayed_code_is_refused(
    client: TestClient, person: Customer, committed: sessionmaker[Session]
) -> None:
    callback = authorise(client, "anna")
    pending = client.cookies["elkund_oidc"]
    assert client.get(callback).status_code == 303
    client.cookies.set("elkund_oidc", pending)
    replay = client.get(callback)
    assert (replay.status_code, replay.json()["error"]) == (400, "oidc_failed")
    assert session_count(committed) == 1


def test_an_unknown_person_gets_no_session(
    client: TestClient, person: Customer, committed: sessionmaker[Session]
) -> None:
    response = client.get(authorise(client, "okand"), headers={"Accept": "text/html"})
    assert response.status_code == 403
    assert "Vi hittar ingen kund med ditt personnummer" in response.text
    assert "elkund_session" not in response.headers.get("set-cookie", "")
    assert session_count(committed) == 0


def test_an_id_token_without_personnummer_is_refused(
    client: TestClient, person: Customer, committed: sessionmaker[Session]
) -> None:
    response = client.get(authorise(client, "utan"))
    assert (response.status_code, response.json()["error"]) == (400, "oidc_failed")
    assert session_count(committed) == 0


def test_e_id_needs_configuration(engine: Engine) -> None:
    with client_for(make_app(engine)) as client:
        response = client.get("/logga-in/e-id")
        assert (response.status_code, response.json()["error"]) == (503, "oidc_not_configured")

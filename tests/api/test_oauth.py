"""The OAuth2 token endpoint and the bearer check in front of every ESCO endpoint."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.api.app import create_app
from elkund.api.auth import CurrentEsco
from elkund.core.db import session_scope
from elkund.core.localtime import utcnow
from elkund.core.settings import Settings
from elkund.parties import credentials
from elkund.parties.models import AccessToken, OAuthClient, Party, PartyRole, PartyStatus
from elkund.parties.service import EscoRegistration, register_esco, suspend_party
from tests.factories import make_party, org_number

TOKEN_URL = "/api/v1/oauth/token"
WHOAMI_URL = "/test/whoami"


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    settings = Settings(
        env="test", database_url="sqlite://", secret_key="x" * 32, worker_in_process=False
    )
    app = create_app(settings, engine=engine)

    @app.get(WHOAMI_URL)
    def whoami(esco: CurrentEsco) -> dict[str, str]:
        return {"org_number": esco.org_number}

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def esco(committed: sessionmaker[Session]) -> EscoRegistration:
    with session_scope(committed) as session:
        return register_esco(session, name="Wattkollen AB", org_number=org_number(901))


class JsonResponse(Protocol):
    status_code: int

    def json(self) -> Any: ...


def form(client_id: str, secret: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}


def basic(client_id: str, secret: str) -> dict[str, str]:
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_for(client: TestClient, esco: EscoRegistration) -> str:
    response = client.post(TOKEN_URL, data=form(esco.client_id, esco.client_secret))
    assert response.status_code == 200
    token: str = response.json()["access_token"]
    return token


def assert_error(response: JsonResponse, status: int, code: str) -> None:
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert isinstance(response.json()["detail"], str | list)


def test_token_from_form_credentials(client: TestClient, esco: EscoRegistration) -> None:
    """EU-4: the documented RFC 6749 token response, never cached."""
    response = client.post(TOKEN_URL, data=form(esco.client_id, esco.client_secret))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert sorted(body) == ["access_token", "expires_in", "token_type"]
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 3600)
    whoami = client.get(WHOAMI_URL, headers=bearer(body["access_token"]))
    assert (whoami.status_code, whoami.json()) == (200, {"org_number": esco.party.org_number})


def test_token_from_http_basic(client: TestClient, esco: EscoRegistration) -> None:
    response = client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        headers=basic(esco.client_id, esco.client_secret),
    )
    assert response.status_code == 200
    assert response.json()["expires_in"] == 3600


def test_http_basic_credentials_are_urldecoded(
    client: TestClient, esco: EscoRegistration, committed: sessionmaker[Session]
) -> None:
    """RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding."""
    secret = "a+b/c=d:e%f é"
    with session_scope(committed) as session:
        stored = session.scalars(
            select(OAuthClient).where(OAuthClient.client_id == esco.client_id)
        ).one()
        stored.secret_hash = hashlib.sha256(secret.encode()).hexdigest()
    response = client.post(
        TOKEN_URL, data={"grant_type": "client_credentials"}, headers=basic(esco.client_id, secret)
    )
    assert response.status_code == 200


def test_every_registered_esco_gets_tokens_the_same_way(
    client: TestClient, esco: EscoRegistration, committed: sessionmaker[Session]
) -> None:
    """EU-4: every registered ESCO uses the same documented API, and is itself on it."""
    with session_scope(committed) as session:
        other = register_esco(session, name="Hemenergi Insikt AB", org_number=org_number(902))
    for registered in (esco, other):
        whoami = client.get(WHOAMI_URL, headers=bearer(token_for(client, registered)))
        assert whoami.json() == {"org_number": registered.party.org_number}


def test_wrong_secret_is_invalid_client(client: TestClient, esco: EscoRegistration) -> None:
    response = client.post(TOKEN_URL, data=form(esco.client_id, esco.client_secret + "x"))
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "detail": "Unknown client or wrong secret.",
    }


def test_wrong_secret_over_basic_is_invalid_client(
    client: TestClient, esco: EscoRegistration
) -> None:
    response = client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        headers=basic(esco.client_id, "not-the-secret"),
    )
    assert_error(response, 401, "invalid_client")


def test_unknown_client_is_invalid_client(client: TestClient, esco: EscoRegistration) -> None:
    response = client.post(TOKEN_URL, data=form("elk_000000000000000000000000", esco.client_secret))
    assert_error(response, 401, "invalid_client")


@pytest.mark.parametrize(
    "data",
    [
        {"grant_type": "client_credentials"},
        {"grant_type": "client_credentials", "client_id": "elk_x"},
        {"grant_type": "client_credentials", "client_secret": "s"},
    ],
)
def test_missing_credentials_are_invalid_client(client: TestClient, data: dict[str, str]) -> None:
    assert_error(client.post(TOKEN_URL, data=data), 401, "invalid_client")


def test_malformed_basic_header_is_invalid_client(client: TestClient) -> None:
    response = client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": "Basic not*base64"},
    )
    assert_error(response, 401, "invalid_client")


def test_other_grant_types_are_unsupported(client: TestClient, esco: EscoRegistration) -> None:
    data = form(esco.client_id, esco.client_secret) | {"grant_type": "password"}
    assert_error(client.post(TOKEN_URL, data=data), 400, "unsupported_grant_type")


def test_missing_grant_type_is_a_validation_error(
    client: TestClient, esco: EscoRegistration
) -> None:
    data = {"client_id": esco.client_id, "client_secret": esco.client_secret}
    assert_error(client.post(TOKEN_URL, data=data), 422, "validation_error")


def test_suspended_esco_gets_no_token(
    client: TestClient, esco: EscoRegistration, committed: sessionmaker[Session]
) -> None:
    with session_scope(committed) as session:
        suspend_party(session, party=session.get_one(Party, esco.party.id))
    response = client.post(TOKEN_URL, data=form(esco.client_id, esco.client_secret))
    assert_error(response, 403, "party_suspended")


def test_suspension_stops_tokens_already_issued(
    client: TestClient, esco: EscoRegistration, committed: sessionmaker[Session]
) -> None:
    """A suspended ESCO can do nothing: its tokens are revoked at once."""
    token = token_for(client, esco)
    with session_scope(committed) as session:
        suspend_party(session, party=session.get_one(Party, esco.party.id))
    assert_error(client.get(WHOAMI_URL, headers=bearer(token)), 401, "invalid_token")


def test_token_of_a_suspended_party_is_refused_even_if_not_revoked(
    client: TestClient, esco: EscoRegistration, committed: sessionmaker[Session]
) -> None:
    """The status is checked on every call, not only when tokens are issued."""
    token = token_for(client, esco)
    with session_scope(committed) as session:
        session.get_one(Party, esco.party.id).status = PartyStatus.SUSPENDED
    assert_error(client.get(WHOAMI_URL, headers=bearer(token)), 403, "party_suspended")


def test_expired_token_is_invalid(
    client: TestClient, esco: EscoRegistration, committed: sessionmaker[Session]
) -> None:
    issued_at = utcnow() - credentials.TOKEN_LIFETIME - timedelta(seconds=1)
    with session_scope(committed) as session:
        issued = credentials.issue_token(
            session, client_id=esco.client_id, secret=esco.client_secret, now=issued_at
        )
    response = client.get(WHOAMI_URL, headers=bearer(issued.access_token))
    assert response.json() == {
        "error": "invalid_token",
        "detail": "The access token is unknown, revoked or expired.",
    }
    assert response.status_code == 401


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}, bearer("made-up-token")],
)
def test_protected_endpoint_needs_a_valid_bearer_token(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert_error(client.get(WHOAMI_URL, headers=headers), 401, "invalid_token")


def test_rotated_secret_ends_the_old_secret_and_its_tokens(
    client: TestClient, esco: EscoRegistration, committed: sessionmaker[Session]
) -> None:
    old_token = token_for(client, esco)
    with session_scope(committed) as session:
        _, new_secret = credentials.rotate_secret(
            session, party=session.get_one(Party, esco.party.id)
        )
    old = client.post(TOKEN_URL, data=form(esco.client_id, esco.client_secret))
    assert_error(old, 401, "invalid_client")
    assert_error(client.get(WHOAMI_URL, headers=bearer(old_token)), 401, "invalid_token")
    new = client.post(TOKEN_URL, data=form(esco.client_id, new_secret))
    assert client.get(WHOAMI_URL, headers=bearer(new.json()["access_token"])).status_code == 200


def test_tokens_are_stored_hashed(
    client: TestClient, esco: EscoRegistration, committed: sessionmaker[Session]
) -> None:
    """EU-5: a copy of the access_tokens table grants nothing."""
    token = token_for(client, esco)
    with session_scope(committed) as session:
        rows = session.execute(select(AccessToken.__table__)).all()
    assert [row.token_hash for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert not any(token in str(value) for row in rows for value in row)


def test_token_of_a_non_esco_party_is_forbidden(
    client: TestClient, committed: sessionmaker[Session]
) -> None:
    with session_scope(committed) as session:
        supplier = make_party(session, role=PartyRole.SUPPLIER, org_number=org_number(903))
        oauth_client, secret = credentials.issue_client(session, party=supplier)
    token = client.post(TOKEN_URL, data=form(oauth_client.client_id, secret)).json()
    response = client.get(WHOAMI_URL, headers=bearer(token["access_token"]))
    assert_error(response, 403, "forbidden")

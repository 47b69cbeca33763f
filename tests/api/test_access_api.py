"""The ESCO API for requests and consents: contract, validation codes, idempotency, isolation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.access import service as access
from elkund.access.models import AccessRequest
from elkund.api.app import create_app
from elkund.core.db import session_scope
from elkund.core.localtime import local_date, utcnow
from elkund.core.settings import Settings
from elkund.customers.identity import format_number
from elkund.customers.models import Customer
from elkund.metering.domain import Resolution
from tests.factories import (
    fake_personnummer,
    make_customer,
    make_esco,
    make_installation,
    make_token,
)


@dataclass(frozen=True)
class World:
    gsrn: str
    other_gsrn: str
    hourly_gsrn: str
    person: str
    customer_id: int
    token_a: str
    token_b: str


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    settings = Settings(
        env="test", database_url="sqlite://", secret_key="x" * 32, worker_in_process=False
    )
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


@pytest.fixture
def world(committed: sessionmaker[Session]) -> World:
    with session_scope(committed) as session:
        customer = make_customer(session, identity_number=fake_personnummer("19800101", 980))
        installation = make_installation(session, holder=customer)
        other = make_installation(session, holder=customer)
        hourly = make_installation(session, holder=customer, resolution=Resolution.PT1H)
        esco_a, esco_b = make_esco(session), make_esco(session)
        return World(
            installation.gsrn,
            other.gsrn,
            hourly.gsrn,
            format_number(customer.identity_number),
            customer.id,
            make_token(session, esco_a),
            make_token(session, esco_b),
        )


def body(world: World, **changes: Any) -> dict[str, Any]:
    today = local_date(utcnow())
    return {
        "installation_id": world.gsrn,
        "customer_identity_number": world.person,
        "purpose": "Energianalys av din villa",
        "data_types": ["consumption"],
        "resolution": "PT1H",
        "history_from": (today - timedelta(days=365)).isoformat(),
        "valid_until": (today + timedelta(days=365)).isoformat(),
        "delivery": "pull",
    } | changes


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def test_request_is_created_with_the_contract_fields(client: TestClient, world: World) -> None:
    """TPA-1: one installation per request: 201, pending_customer, a deep link to the portal."""
    response = client.post("/api/v1/access-requests", json=body(world), headers=auth(world.token_a))
    assert response.status_code == 201
    created = response.json()
    assert created["status"] == "pending_customer"
    assert created["portal_url"].endswith(f"/mina-sidor/tredjepartsatkomst/begaran/{created['id']}")
    assert response.headers["location"] == f"/api/v1/access-requests/{created['id']}"
    fetched = client.get(f"/api/v1/access-requests/{created['id']}", headers=auth(world.token_a))
    assert fetched.json() == created


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"customer_identity_number": "19800101-9999"}, 422, "invalid_identity_number"),
        ({"installation_id": "12345"}, 422, "invalid_installation_id"),
        ({"installation_id": "735999000000000013"}, 404, "unknown_installation"),
        ({"customer_identity_number": "19700101-9806"}, 422, "installation_not_held_by_customer"),
        ({"history_from": "2000-01-01"}, 422, "history_too_early"),
        ({"valid_until": "2001-01-01"}, 422, "valid_until_in_past"),
        ({"history_from": "2999-01-01"}, 422, "history_in_future"),
        ({"valid_until": "2999-01-01"}, 422, "valid_until_too_far"),
        ({"resolution": "PT15M", "installation_id": "HOURLY"}, 422, "resolution_too_fine"),
        ({"data_types": ["production"]}, 422, "data_type_not_available"),
    ],
)
def test_refusals_have_stable_codes_and_are_kept(
    client: TestClient,
    world: World,
    committed: sessionmaker[Session],
    changes: dict[str, Any],
    status: int,
    code: str,
) -> None:
    """TPA-2: refused with a machine-readable reason; kept for the operator."""
    if changes.get("installation_id") == "HOURLY":
        changes = changes | {"installation_id": world.hourly_gsrn}
    response = client.post(
        "/api/v1/access-requests", json=body(world, **changes), headers=auth(world.token_a)
    )
    assert (response.status_code, response.json()["error"]) == (status, code)
    listed = client.get(
        "/api/v1/access-requests?status=refused", headers=auth(world.token_a)
    ).json()
    assert [r["refusal_code"] for r in listed["access_requests"]] == [code]


def test_duplicate_is_409(client: TestClient, world: World) -> None:
    assert (
        client.post(
            "/api/v1/access-requests", json=body(world), headers=auth(world.token_a)
        ).status_code
        == 201
    )
    again = client.post("/api/v1/access-requests", json=body(world), headers=auth(world.token_a))
    assert (again.status_code, again.json()["error"]) == (409, "duplicate_request")


def test_malformed_body_is_422_validation_error(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/access-requests",
        json=body(world, resolution="PT5M", extra=1),
        headers=auth(world.token_a),
    )
    assert (response.status_code, response.json()["error"]) == (422, "validation_error")


def test_idempotency_key_gives_the_same_request(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    headers = auth(world.token_a, **{"Idempotency-Key": "abc-1"})
    first = client.post("/api/v1/access-requests", json=body(world), headers=headers)
    second = client.post("/api/v1/access-requests", json=body(world), headers=headers)
    assert (first.status_code, second.status_code, second.json()["id"]) == (
        201,
        201,
        first.json()["id"],
    )
    other = client.post(
        "/api/v1/access-requests", json=body(world, purpose="Något annat"), headers=headers
    )
    assert (other.status_code, other.json()["error"]) == (422, "idempotency_key_reused")
    with session_scope(committed) as session:
        assert len(session.scalars(select(AccessRequest)).all()) == 1


def test_escos_never_see_each_others_requests_or_consents(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """EU-2, EU-5: no party sees what it has no basis for."""
    created = client.post(
        "/api/v1/access-requests", json=body(world), headers=auth(world.token_a)
    ).json()
    with session_scope(committed) as session:
        customer = session.get(Customer, world.customer_id)
        assert customer is not None
        consent = access.approve_request(
            session, customer=customer, request_id=created["id"], actor="person"
        )
        consent_id = consent.id
    b = auth(world.token_b)
    assert client.get(f"/api/v1/access-requests/{created['id']}", headers=b).status_code == 404
    assert client.delete(f"/api/v1/access-requests/{created['id']}", headers=b).status_code == 404
    assert client.get("/api/v1/access-requests", headers=b).json() == {"access_requests": []}
    assert client.get(f"/api/v1/consents/{consent_id}", headers=b).status_code == 404
    assert client.delete(f"/api/v1/consents/{consent_id}", headers=b).status_code == 404
    assert client.get("/api/v1/consents", headers=b).json() == {"consents": []}
    mine = client.get("/api/v1/consents", headers=auth(world.token_a)).json()["consents"]
    assert [(c["id"], c["status"], c["installation_id"]) for c in mine] == [
        (consent_id, "active", world.gsrn)
    ]


def test_esco_withdraws_a_pending_request_and_a_consent(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    pending = client.post(
        "/api/v1/access-requests", json=body(world), headers=auth(world.token_a)
    ).json()
    withdrawn = client.delete(
        f"/api/v1/access-requests/{pending['id']}", headers=auth(world.token_a)
    )
    assert withdrawn.json()["status"] == "withdrawn"
    again = client.delete(f"/api/v1/access-requests/{pending['id']}", headers=auth(world.token_a))
    assert (again.status_code, again.json()["error"]) == (409, "request_not_pending")
    created = client.post(
        "/api/v1/access-requests",
        json=body(world, installation_id=world.other_gsrn),
        headers=auth(world.token_a),
    ).json()
    with session_scope(committed) as session:
        customer = session.get(Customer, world.customer_id)
        assert customer is not None
        consent_id = access.approve_request(
            session, customer=customer, request_id=created["id"], actor="person"
        ).id
    ended = client.delete(f"/api/v1/consents/{consent_id}", headers=auth(world.token_a))
    assert (ended.status_code, ended.json()["status"]) == (200, "withdrawn_by_esco")
    assert (
        client.get(f"/api/v1/consents/{consent_id}", headers=auth(world.token_a)).json()["ended_at"]
        is not None
    )


def test_every_endpoint_requires_a_token(client: TestClient) -> None:
    for method, path in [
        ("post", "/api/v1/access-requests"),
        ("get", "/api/v1/access-requests"),
        ("get", "/api/v1/access-requests/x"),
        ("delete", "/api/v1/access-requests/x"),
        ("get", "/api/v1/consents"),
        ("get", "/api/v1/consents/x"),
        ("delete", "/api/v1/consents/x"),
    ]:
        response = client.request(method, path, json={})
        assert (response.status_code, response.json()["error"]) == (401, "invalid_token"), path


def test_history_from_today_minus_three_years_is_the_limit(
    client: TestClient, world: World
) -> None:
    today = local_date(utcnow())
    too_early = date(today.year - 3, today.month, 1) - timedelta(days=1)
    response = client.post(
        "/api/v1/access-requests",
        json=body(world, history_from=too_early.isoformat()),
        headers=auth(world.token_a),
    )
    assert response.json()["error"] == "history_too_early"

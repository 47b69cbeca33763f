"""Polling events: `GET /api/v1/events` in order, by cursor, and only the caller's own (TPA-6/8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.core.localtime import utcnow
from elkund.notify.events import EventType
from elkund.notify.service import publish
from elkund.parties.credentials import issue_client, issue_token
from elkund.parties.models import Party, PartyRole
from tests.api.test_app import make_app
from tests.factories import make_party

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


def data(n: int) -> dict[str, str | None]:
    return {
        "request_id": f"req-{n}",
        "installation_id": "735999100000000017",
        "status": "pending_customer",
        "reason": None,
        "consent_id": None,
    }


def token_for(session: Session, party: Party) -> dict[str, str]:
    client, secret = issue_client(session, party=party)
    issued = issue_token(session, client_id=client.client_id, secret=secret, now=utcnow())
    return {"authorization": f"Bearer {issued.access_token}"}


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(engine)) as test_client:
        yield test_client


@pytest.fixture
def two_escos(committed: sessionmaker[Session]) -> tuple[dict[str, str], dict[str, str]]:
    """ESCO A with events 0-4 and ESCO B with events 100-101, interleaved in the outbox."""
    with session_scope(committed) as session:
        a, b = make_party(session), make_party(session)
        for n in range(5):
            publish(
                session,
                party_id=a.id,
                type=EventType.ACCESS_REQUEST_PENDING_CUSTOMER,
                data=data(n),
                now=T0 + timedelta(minutes=n),
            )
            if n < 2:
                publish(
                    session,
                    party_id=b.id,
                    type=EventType.ACCESS_REQUEST_PENDING_CUSTOMER,
                    data=data(100 + n),
                    now=T0,
                )
        return token_for(session, a), token_for(session, b)


def request_ids(body: dict[str, object]) -> list[object]:
    events = body["events"]
    assert isinstance(events, list)
    return [event["data"]["request_id"] for event in events]


def test_events_come_oldest_first_with_the_webhook_shape(
    client: TestClient, two_escos: tuple[dict[str, str], dict[str, str]]
) -> None:
    a, _ = two_escos
    response = client.get("/api/v1/events", headers=a)
    assert response.status_code == 200
    body = response.json()
    assert request_ids(body) == ["req-0", "req-1", "req-2", "req-3", "req-4"]
    first = body["events"][0]
    assert set(first) == {"cursor", "id", "type", "created_at", "data"}
    assert (first["type"], first["created_at"], first["data"]) == (
        "access_request.pending_customer",
        "2026-01-01T12:00:00Z",
        data(0),
    )
    assert body["next_cursor"] == body["events"][-1]["cursor"]


def test_cursor_and_limit_page_through_every_event_once(
    client: TestClient, two_escos: tuple[dict[str, str], dict[str, str]]
) -> None:
    a, _ = two_escos
    seen: list[object] = []
    after = 0
    for expected in (["req-0", "req-1"], ["req-2", "req-3"], ["req-4"], []):
        body = client.get("/api/v1/events", params={"after": after, "limit": 2}, headers=a).json()
        assert request_ids(body) == expected
        cursors = [event["cursor"] for event in body["events"]]
        assert cursors == sorted(cursors)
        assert body["next_cursor"] == (cursors[-1] if cursors else after)
        after = body["next_cursor"]
        seen += request_ids(body)
    assert seen == [f"req-{n}" for n in range(5)]


def test_an_esco_never_sees_another_escos_events(
    client: TestClient, two_escos: tuple[dict[str, str], dict[str, str]]
) -> None:
    """EU-5: ESCO A can never see ESCO B's events, whatever cursor it asks from."""
    a, b = two_escos
    a_body = client.get("/api/v1/events", params={"limit": 500}, headers=a).json()
    b_body = client.get("/api/v1/events", params={"limit": 500}, headers=b).json()
    assert request_ids(a_body) == [f"req-{n}" for n in range(5)]
    assert request_ids(b_body) == ["req-100", "req-101"]
    a_ids = {event["id"] for event in a_body["events"]}
    assert a_ids.isdisjoint(event["id"] for event in b_body["events"])
    first_b = b_body["events"][0]["cursor"]
    after = client.get("/api/v1/events", params={"after": first_b - 1}, headers=a).json()
    assert "req-100" not in request_ids(after)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"after": -1}])
def test_out_of_range_parameters_are_422(
    client: TestClient, two_escos: tuple[dict[str, str], dict[str, str]], params: dict[str, int]
) -> None:
    a, _ = two_escos
    response = client.get("/api/v1/events", params=params, headers=a)
    assert (response.status_code, response.json()["error"]) == (422, "validation_error")


def test_events_need_an_esco_token(client: TestClient, committed: sessionmaker[Session]) -> None:
    assert client.get("/api/v1/events").json()["error"] == "invalid_token"
    with session_scope(committed) as session:
        supplier = token_for(session, make_party(session, role=PartyRole.SUPPLIER))
    response = client.get("/api/v1/events", headers=supplier)
    assert (response.status_code, response.json()["error"]) == (403, "forbidden")


def test_webhooks_are_described_in_the_openapi_spec(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert sorted(spec["webhooks"]) == sorted([*EventType, "meter_values.delivery"])
    approved = spec["webhooks"]["access_request.approved"]["post"]
    assert {parameter["name"] for parameter in approved["parameters"]} == {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
    body = approved["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/AccessRequestApprovedEvent"

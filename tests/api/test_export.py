"""`GET /api/v1/consents/{id}/meter-values`: JSON and CSV through the access gate (TPA-6, TPA-8,
TPA-9, EU-2, EU-3)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.access.models import ShareLogEntry
from elkund.core.db import session_scope
from elkund.core.localtime import STOCKHOLM, local_date, local_midnight, utcnow
from elkund.customers.identity import format_number
from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.metering.domain import Resolution
from elkund.metering.formats import FileFormat
from elkund.metering.service import ingest_file
from elkund.parties.models import Party
from tests.api.test_app import make_app
from tests.factories import make_customer, make_esco, make_installation, make_token
from tests.integration.helpers import csv_file, iso, quarter_hours

PATH = "/api/v1/consents/{}/meter-values"
TODAY = local_date(utcnow())
HISTORY_FROM = TODAY - timedelta(days=8)


def wh_at(start: datetime) -> int:
    return int(start.timestamp()) // 900 % 500 + 3


def quality_at(start: datetime) -> str:
    return "estimated" if int(start.timestamp()) // 900 % 89 == 0 else "measured"


def expected_rows(first: date, end: date) -> list[tuple[str, str, str, str]]:
    """(start, end, kwh, quality) of the stored values of local days [first, end)."""
    return [
        (
            t.astimezone(STOCKHOLM).isoformat(),
            (t + timedelta(minutes=15)).astimezone(STOCKHOLM).isoformat(),
            f"{wh_at(t) / 1000:.3f}",
            quality_at(t),
        )
        for t in quarter_hours(first, end)
    ]


@dataclass(frozen=True, slots=True)
class World:
    consent_id: str
    installation_id: int
    gsrn: str
    esco_id: int
    customer_id: int
    a: dict[str, str]  # ESCO A's bearer header, holder of the consent
    b: dict[str, str]  # ESCO B's


def bearer(session: Session, party: Party) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(session, party)}"}


def approve(
    session: Session,
    esco: Party,
    customer: Customer,
    installation: Installation,
    resolution: Resolution = Resolution.PT15M,
) -> str:
    draft = access.RequestDraft(
        installation_id=installation.gsrn,
        customer_identity_number=format_number(customer.identity_number),
        purpose="Energianalys",
        data_types=[DataType.CONSUMPTION],
        resolution=resolution,
        history_from=HISTORY_FROM,
        valid_until=TODAY + timedelta(days=365),
        delivery="pull",
    )
    request = access.submit_request(session, esco=esco, draft=draft).request
    consent = access.approve_request(
        session, customer=customer, request_id=request.id, actor="person"
    )
    return consent.id


@pytest.fixture
def world(committed: sessionmaker[Session]) -> World:
    with session_scope(committed) as session:
        customer = make_customer(session)
        installation = make_installation(session, holder=customer)
        starts = quarter_hours(TODAY - timedelta(days=10), TODAY)
        rows = [(installation.gsrn, iso(t), "PT15M", wh_at(t), quality_at(t)) for t in starts]
        ingest_file(session, data=csv_file(rows), file_format=FileFormat.CSV)
        a, b = make_esco(session), make_esco(session)
        consent_id = approve(session, a, customer, installation)
        return World(
            consent_id,
            installation.id,
            installation.gsrn,
            a.id,
            customer.id,
            bearer(session, a),
            bearer(session, b),
        )


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(engine)) as test_client:
        yield test_client


class Reply(Protocol):
    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def text(self) -> str: ...
    def json(self) -> Any: ...


def get(
    client: TestClient,
    world: World,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    return client.get(PATH.format(world.consent_id), params=params, headers=headers or world.a)


def assert_error(response: Reply, status: int, code: str) -> None:
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert isinstance(response.json()["detail"], str | list)


def share_log(committed: sessionmaker[Session], consent_id: str) -> list[ShareLogEntry]:
    with session_scope(committed) as session:
        query = select(ShareLogEntry).where(ShareLogEntry.consent_id == consent_id)
        return list(session.scalars(query.order_by(ShareLogEntry.id)))


def test_json_values_equal_the_stored_ones(client: TestClient, world: World) -> None:
    """TPA-6: exactly the stored values, kWh as 3-decimal strings, local time with offset."""
    first, end = TODAY - timedelta(days=3), TODAY - timedelta(days=2)
    response = get(client, world, {"from": first.isoformat(), "to": end.isoformat()})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert {k: v for k, v in body.items() if k != "values"} == {
        "consent_id": world.consent_id,
        "installation_id": world.gsrn,
        "resolution": "PT15M",
        "from": local_midnight(first).astimezone(STOCKHOLM).isoformat(),
        "to": local_midnight(end).astimezone(STOCKHOLM).isoformat(),
        "unit": "kWh",
    }
    assert [(v["start"], v["end"], v["kwh"], v["quality"]) for v in body["values"]] == (
        expected_rows(first, end)
    )


def test_csv_when_asked_for(client: TestClient, world: World) -> None:
    first, end = TODAY - timedelta(days=3), TODAY - timedelta(days=1)
    response = get(
        client,
        world,
        {"from": first.isoformat(), "to": end.isoformat()},
        headers=world.a | {"Accept": "text/csv"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "start,end,kwh,quality"
    assert lines[1:] == [",".join(row) for row in expected_rows(first, end)]


@pytest.mark.parametrize(
    ("accept", "csv"),
    [
        ("text/csv", True),
        ("application/json", False),
        ("*/*", False),
        ("application/json, text/csv", False),
        ("application/json;q=0.5, text/csv", True),
    ],
)
def test_content_negotiation(client: TestClient, world: World, accept: str, csv: bool) -> None:
    response = get(client, world, headers=world.a | {"Accept": accept})
    assert response.headers["content-type"].startswith("text/csv" if csv else "application/json")


def test_datetimes_with_offset_are_accepted_and_widened_to_whole_intervals(
    client: TestClient, world: World
) -> None:
    start = datetime.combine(TODAY - timedelta(days=2), datetime.min.time(), STOCKHOLM)
    start += timedelta(hours=10, minutes=7)
    params = {"from": start.isoformat(), "to": (start + timedelta(minutes=20)).isoformat()}
    body = get(client, world, params).json()
    assert [v["start"][11:16] for v in body["values"]] == ["10:00", "10:15"]


def test_default_is_the_last_seven_days_and_history_is_clipped(
    client: TestClient, world: World
) -> None:
    body = get(client, world).json()
    assert (
        body["from"] == local_midnight(TODAY - timedelta(days=7)).astimezone(STOCKHOLM).isoformat()
    )
    clipped = get(client, world, {"from": (TODAY - timedelta(days=30)).isoformat()}).json()
    assert clipped["from"] == local_midnight(HISTORY_FROM).astimezone(STOCKHOLM).isoformat()
    assert len(clipped["values"]) == len(expected_rows(HISTORY_FROM, TODAY))


def test_a_coarser_resolution_is_fine(client: TestClient, world: World) -> None:
    first = TODAY - timedelta(days=4)
    response = get(
        client, world, {"from": first.isoformat(), "to": TODAY.isoformat(), "resolution": "P1D"}
    )
    values = response.json()["values"]
    assert [v["start"][:10] for v in values] == [
        (first + timedelta(days=n)).isoformat() for n in range(4)
    ]
    day_total = sum(wh_at(t) for t in quarter_hours(first, first + timedelta(days=1)))
    assert values[0]["kwh"] == f"{day_total / 1000:.3f}"


def test_a_finer_resolution_is_refused(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    with session_scope(committed) as session:
        customer = session.get(Customer, world.customer_id)
        esco = session.get(Party, world.esco_id)
        assert customer is not None
        assert esco is not None
        hourly = make_installation(session, holder=customer)
        consent_id = approve(session, esco, customer, hourly, Resolution.PT1H)
    response = client.get(PATH.format(consent_id), params={"resolution": "PT15M"}, headers=world.a)
    assert_error(response, 422, "resolution_not_consented")


def test_outside_the_consent_is_refused(client: TestClient, world: World) -> None:
    response = get(client, world, {"to": HISTORY_FROM.isoformat()})
    assert_error(response, 422, "outside_consent")


@pytest.mark.parametrize(
    "params",
    [{"from": "2026-01-01T10:00:00"}, {"from": "yesterday"}, {"resolution": "P1W"}],
    ids=["naive", "garbage", "unknown-resolution"],
)
def test_malformed_parameters(client: TestClient, world: World, params: dict[str, str]) -> None:
    assert_error(get(client, world, params), 422, "validation_error")


def test_after_termination_the_next_pull_is_403(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """TPA-8, EU-2: the very next pull after *Avsluta* is refused; the same token is useless."""
    assert get(client, world).status_code == 200
    with session_scope(committed) as session:
        customer = session.get(Customer, world.customer_id)
        assert customer is not None
        access.terminate_consent(
            session, customer=customer, consent_id=world.consent_id, actor="person"
        )
    assert_error(get(client, world), 403, "consent_not_active")


def test_another_esco_gets_not_found(client: TestClient, world: World) -> None:
    """EU-5: ESCO B cannot tell ESCO A's consent from one that does not exist."""
    assert_error(get(client, world, headers=world.b), 404, "consent_not_found")
    unknown = client.get(PATH.format("no-such-consent"), headers=world.a)
    assert_error(unknown, 404, "consent_not_found")


def test_without_a_token_401(client: TestClient, world: World) -> None:
    assert get(client, world, headers={"X": "y"}).status_code == 401


def test_one_share_log_entry_per_pull(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """TPA-9, EU-3: who, what, when and how much, once per answer; refusals are no delivery."""
    first, end = TODAY - timedelta(days=3), TODAY - timedelta(days=2)
    before = utcnow().replace(microsecond=0)
    get(client, world, {"from": first.isoformat(), "to": end.isoformat()})
    get(client, world, {"resolution": "P1D"}, headers=world.a | {"Accept": "text/csv"})
    get(client, world, {"resolution": "P1W"})
    get(client, world, headers=world.b)
    entries = share_log(committed, world.consent_id)
    assert all(before <= e.at <= utcnow() for e in entries)
    common = (world.esco_id, world.installation_id, world.consent_id, "consent", "pull")
    assert [
        (
            e.party_id,
            e.installation_id,
            e.consent_id,
            e.basis,
            e.channel,
            e.period_start,
            e.period_end,
            e.resolution,
            e.value_count,
        )
        for e in entries
    ] == [
        (
            *common,
            local_midnight(first),
            local_midnight(end),
            "PT15M",
            len(quarter_hours(first, end)),
        ),
        (
            *common,
            local_midnight(TODAY - timedelta(days=7)),
            local_midnight(TODAY),
            "P1D",
            7,
        ),
    ]


def test_openapi_describes_json_csv_and_errors(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][PATH.format("{consent_id}")]["get"]
    assert operation["operationId"] == "get_meter_values"
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert {"401", "403", "404", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} == {
        "consent_id",
        "from",
        "to",
        "resolution",
    }

"""The whole third-party access story against a live server process (TPA-1, 2, 6, 8, 9; EU-2, 3).

An ESCO gets a token, asks for values (once validly, several times not), the customer approves,
the ESCO's webhook receiver gets the signed event, pulls values equal to the stored ones, the
share log records it, the customer ends the consent, the ESCO is told, and its next pull is refused.
"""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.access.models import AccessRequest, ShareLogEntry
from elkund.core.db import session_scope
from elkund.core.localtime import STOCKHOLM, local_date, utcnow
from elkund.customers.identity import format_number
from elkund.customers.models import Customer
from elkund.metering.domain import Resolution
from elkund.metering.formats import FileFormat
from elkund.metering.reading import read_series
from elkund.metering.service import ingest_file
from elkund.notify.models import OutboxEvent
from elkund.parties.service import EscoRegistration, register_esco
from tests.e2e.conftest import ELKUND, LiveServer, Receiver, process_env
from tests.factories import fake_personnummer, make_customer, make_installation, org_number
from tests.integration.helpers import day_file

TODAY = local_date(utcnow())
FIRST_DAY = TODAY - timedelta(days=3)


def seed(
    committed: sessionmaker[Session], receiver: Receiver
) -> tuple[EscoRegistration, str, str, int]:
    with session_scope(committed, write=True) as session:
        customer = make_customer(session, identity_number=fake_personnummer("19800101", 980))
        installation = make_installation(session, holder=customer, since=date(2020, 1, 1))
        report = ingest_file(
            session,
            data=day_file(installation.gsrn, FIRST_DAY, TODAY, wh=123),
            file_format=FileFormat.CSV,
        )
        assert report.rejected == []
        esco = register_esco(
            session, name="Wattkollen AB", org_number=org_number(77), webhook_url=receiver.url
        )
        return esco, installation.gsrn, format_number(customer.identity_number), customer.id


def request_body(gsrn: str, person: str, **changes: Any) -> dict[str, Any]:
    return {
        "installation_id": gsrn,
        "customer_identity_number": person,
        "purpose": "Energianalys",
        "data_types": ["consumption"],
        "resolution": "PT1H",
        "history_from": FIRST_DAY.isoformat(),
        "valid_until": (TODAY + timedelta(days=90)).isoformat(),
        "delivery": "pull",
    } | changes


def verified(receiver: Receiver, secret: str, expected_type: str) -> dict[str, Any]:
    """The next webhook of ``expected_type``, after checking its Standard Webhooks signature."""
    while True:
        delivery = receiver.next()
        Webhook(secret).verify(delivery.body, delivery.headers)  # raises if the signature is wrong
        event: dict[str, Any] = orjson.loads(delivery.body)
        if event["type"] == expected_type:
            return event


def test_the_whole_flow_against_a_live_server(
    live_server: LiveServer, receiver: Receiver, committed: sessionmaker[Session]
) -> None:
    esco, gsrn, person, customer_id = seed(committed, receiver)
    with httpx.Client(base_url=live_server.url, timeout=10) as api:
        _run_flow(api, esco, gsrn, person, customer_id, receiver, committed)


def _run_flow(
    api: httpx.Client,
    esco: EscoRegistration,
    gsrn: str,
    person: str,
    customer_id: int,
    receiver: Receiver,
    committed: sessionmaker[Session],
) -> None:
    token = api.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(esco.client_id, esco.client_secret),
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    refusals: list[tuple[dict[str, Any], str]] = [
        ({"customer_identity_number": "19800101-9999"}, "invalid_identity_number"),
        ({"installation_id": "735999000000000013"}, "unknown_installation"),
        ({"history_from": "2001-01-01"}, "history_too_early"),
        ({"resolution": "PT15M", "data_types": ["production"]}, "data_type_not_available"),
    ]
    for changes, code in refusals:
        refused = api.post(
            "/api/v1/access-requests", json=request_body(gsrn, person, **changes), headers=headers
        )
        assert refused.json()["error"] == code
    created = api.post("/api/v1/access-requests", json=request_body(gsrn, person), headers=headers)
    assert (created.status_code, created.json()["status"]) == (201, "pending_customer")
    request_id = created.json()["id"]
    assert (
        verified(receiver, esco.webhook_secret or "", "access_request.pending_customer")["data"][
            "request_id"
        ]
        == request_id
    )

    with session_scope(committed, write=True) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        consent_id = access.approve_request(
            session, customer=customer, request_id=request_id, actor="person"
        ).id
    approved = verified(receiver, esco.webhook_secret or "", "access_request.approved")
    assert approved["data"]["consent_id"] == consent_id

    pulled = api.get(
        f"/api/v1/consents/{consent_id}/meter-values",
        params={"from": FIRST_DAY.isoformat(), "to": TODAY.isoformat(), "resolution": "PT1H"},
        headers=headers,
    )
    assert pulled.status_code == 200
    values = pulled.json()["values"]
    with session_scope(committed, write=True) as session:
        installation_id = session.scalars(
            select(AccessRequest.installation_id).where(AccessRequest.id == request_id)
        ).one()
        assert installation_id is not None
        stored = read_series(
            session,
            installation_id=installation_id,
            metered=Resolution.PT15M,
            first=FIRST_DAY,
            end=TODAY,
            resolution=Resolution.PT1H,
        )
        assert [(v["start"], Decimal(v["kwh"])) for v in values] == [
            (b.start.isoformat(), Decimal(b.wh) / 1000) for b in stored.buckets
        ]
        log = session.scalars(
            select(ShareLogEntry).where(ShareLogEntry.consent_id == consent_id)
        ).all()
        assert [(e.channel, e.resolution, e.value_count) for e in log] == [
            ("pull", "PT1H", len(values))
        ]
        assert log[0].period_start == datetime.combine(FIRST_DAY, datetime.min.time(), STOCKHOLM)

    with session_scope(committed, write=True) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        access.terminate_consent(session, customer=customer, consent_id=consent_id, actor="person")
    ended = verified(receiver, esco.webhook_secret or "", "consent.ended")
    assert (ended["data"]["consent_id"], ended["data"]["status"]) == (
        consent_id,
        "terminated_by_customer",
    )
    refused_pull = api.get(f"/api/v1/consents/{consent_id}/meter-values", headers=headers)
    assert (refused_pull.status_code, refused_pull.json()["error"]) == (403, "consent_not_active")


def test_no_notification_is_lost_when_the_worker_is_killed_mid_delivery(
    engine: Any, receiver: Receiver, committed: sessionmaker[Session]
) -> None:
    esco, gsrn, person, customer_id = seed(committed, receiver)
    with session_scope(committed, write=True) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        draft = access.RequestDraft(
            installation_id=gsrn,
            customer_identity_number=person,
            purpose="Energianalys",
            data_types=[DataType.CONSUMPTION],
            resolution=Resolution.PT1H,
            history_from=FIRST_DAY,
            valid_until=TODAY + timedelta(days=30),
            delivery="pull",
        )
        party = session.get(type(esco.party), esco.party.id)
        assert party is not None
        access.submit_request(session, esco=party, draft=draft)
    env = process_env(engine, ELKUND_JOB_LEASE_SECONDS="2")
    receiver.stall_seconds = 30  # the first delivery hangs: the worker is killed while waiting
    first = subprocess.Popen(
        [ELKUND, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    stalled = receiver.next()
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    receiver.stall_seconds = 0
    second = subprocess.Popen(
        [ELKUND, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        again = receiver.next(timeout=30)
    finally:
        second.terminate()
        second.wait(timeout=20)
    assert again.headers["webhook-id"] == stalled.headers["webhook-id"]  # the receiver can dedupe
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with session_scope(committed, write=True) as session:
            event = session.scalars(select(OutboxEvent)).one()
            if event.delivered_at is not None:
                break
        time.sleep(0.2)
    assert event.delivered_at is not None

"""``elkund operator``: the grid company sees every request, consent, delivery, webhook (EU-3)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner, Result

from elkund.access import operator
from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.access.models import ConsentStatus, ShareLogEntry
from elkund.cli import app
from elkund.core.db import create_db_engine, make_session_factory, session_scope
from elkund.core.jobs.models import JobRow
from elkund.core.jobs.worker import Handler, run_next
from elkund.core.localtime import local_day_bounds
from elkund.core.settings import get_settings
from elkund.customers.identity import format_number
from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.metering.domain import Resolution
from elkund.notify.delivery import deliver
from elkund.notify.models import OutboxEvent, WebhookAttempt
from elkund.notify.service import DELIVER_JOB
from elkund.parties.models import Party
from tests.factories import (
    fake_personnummer,
    make_customer,
    make_esco,
    make_installation,
    org_number,
)

runner = CliRunner()
URL = "https://wattkollen.example/hooks"
PERSON = fake_personnummer("19800101", 980)
ORG_A, ORG_B = org_number(901), org_number(902)
LABEL_A = f"Wattkollen AB ({ORG_A[:6]}-{ORG_A[6:]})"
LABEL_B = f"Solkoll AB ({ORG_B[:6]}-{ORG_B[6:]})"
BAD_GSRN = "735999000000000014"  # wrong check digit
T1 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # A asks for the home: 10:00 in Stockholm
T2 = datetime(2026, 3, 2, 10, tzinfo=UTC)  # A's refused request
T3 = datetime(2026, 3, 3, 9, tzinfo=UTC)  # the customer approves A
T4 = datetime(2026, 3, 4, 9, tzinfo=UTC)  # B asks for the cabin and is approved at once
T5 = datetime(2026, 3, 5, 9, tzinfo=UTC)  # B asks for the home: pending
T6 = datetime(2026, 4, 1, 8, tzinfo=UTC)  # the customer ends A's consent: 10:00 summer time
DELIVERED = datetime(2026, 4, 2, 8, tzinfo=UTC)  # the webhook worker runs


@dataclass(frozen=True)
class World:
    esco_a: int
    esco_b: int
    home: str
    cabin: str
    approved: str  # A's request
    refused: str  # A's
    cabin_request: str  # B's, approved
    pending: str  # B's
    consent_a: str  # ended by the customer
    consent_b: str  # active


@pytest.fixture
def factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ELKUND_DATABASE_URL", url)
    monkeypatch.setenv("ELKUND_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = create_db_engine(url)
    yield make_session_factory(engine)
    engine.dispose()
    get_settings.cache_clear()


def draft(installation: str, **changes: Any) -> access.RequestDraft:
    fields: dict[str, Any] = {
        "installation_id": installation,
        "customer_identity_number": format_number(PERSON),
        "purpose": "Energianalys",
        "data_types": [DataType.CONSUMPTION],
        "resolution": Resolution.PT1H,
        "history_from": date(2024, 1, 1),
        "valid_until": date(2027, 1, 1),
        "delivery": "pull",
    }
    return access.RequestDraft(**(fields | changes))


def submit(session: Session, esco: Party, installation: str, at: datetime, **changes: Any) -> str:
    return access.submit_request(
        session, esco=esco, draft=draft(installation, **changes), now=at
    ).request.id


def approve(session: Session, customer: Customer, request_id: str, at: datetime) -> str:
    actor = f"customer:{customer.id}"
    return access.approve_request(
        session, customer=customer, request_id=request_id, actor=actor, now=at
    ).id


@pytest.fixture
def world(factory: sessionmaker[Session]) -> World:
    """Two ESCOs (only A has a webhook), one customer with a home and a cabin."""
    with session_scope(factory, write=True) as session:
        a = make_esco(session, name="Wattkollen AB", org_number=ORG_A, webhook_url=URL)
        b = make_esco(session, name="Solkoll AB", org_number=ORG_B)
        customer = make_customer(session, identity_number=PERSON)
        home, cabin = (make_installation(session, holder=customer).gsrn for _ in range(2))
        approved = submit(session, a, home, T1)
        refused = submit(session, a, BAD_GSRN, T2)
        consent_a = approve(session, customer, approved, T3)
        cabin_request = submit(session, b, cabin, T4)
        consent_b = approve(session, customer, cabin_request, T4)
        pending = submit(session, b, home, T5)
        access.terminate_consent(
            session,
            customer=customer,
            consent_id=consent_a,
            actor=f"customer:{customer.id}",
            now=T6,
        )
        return World(
            a.id, b.id, home, cabin, approved, refused, cabin_request, pending, consent_a, consent_b
        )


def run(*args: str) -> Result:
    result = runner.invoke(app, ["operator", *args])
    assert result.exit_code == 0, result.output
    assert PERSON not in result.output
    assert format_number(PERSON) not in result.output
    return result


def run_json(*args: str) -> Any:
    return orjson.loads(run(*args, "--json").stdout)


def esco_a(world: World) -> dict[str, Any]:
    return {"id": world.esco_a, "name": "Wattkollen AB", "org_number": f"{ORG_A[:6]}-{ORG_A[6:]}"}


@pytest.mark.parametrize(
    "command", [[], ["requests"], ["consents"], ["history"], ["deliveries"], ["webhooks"]]
)
def test_every_operator_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, ["operator", *command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_requests_list_every_esco_newest_first_with_the_refusal_reason(world: World) -> None:
    """TPA-2: a refused request is kept for the operator with its code and detail."""
    rows = run_json("requests")
    assert [row["id"] for row in rows] == [
        world.pending,
        world.cabin_request,
        world.refused,
        world.approved,
    ]
    assert [row["status"] for row in rows] == [
        "pending_customer",
        "approved",
        "refused",
        "approved",
    ]
    assert rows[2] == {
        "id": world.refused,
        "created_at": "2026-03-02T11:00:00+01:00",
        "status": "refused",
        "esco": esco_a(world),
        "installation_id": BAD_GSRN,
        "identity_masked": "19800101-****",
        "refusal_code": "invalid_installation_id",
        "refusal_detail": "The check digit of the anläggnings-ID is wrong.",
    }
    assert (rows[3]["refusal_code"], rows[3]["installation_id"]) == (None, world.home)


def test_requests_human_output(world: World) -> None:
    lines = run("requests").output.splitlines()
    assert lines[2:] == [
        f"2026-03-02 11:00  refused           {world.refused}  {LABEL_A}"
        f"  installation {BAD_GSRN}  customer 19800101-****",
        "    invalid_installation_id: The check digit of the anläggnings-ID is wrong.",
        f"2026-03-02 10:00  approved          {world.approved}  {LABEL_A}"
        f"  installation {world.home}  customer 19800101-****",
    ]
    assert lines[0] == (
        f"2026-03-05 10:00  pending_customer  {world.pending}  {LABEL_B}"
        f"  installation {world.home}  customer 19800101-****"
    )
    assert len(lines) == 5


def test_requests_filters(world: World) -> None:
    def ids(*args: str) -> list[str]:
        return [row["id"] for row in run_json("requests", *args)]

    assert ids("--status", "refused") == [world.refused]
    assert ids("--status", "approved", "--esco", ORG_A) == [world.approved]
    assert ids("--esco", f"{ORG_B[:6]}-{ORG_B[6:]}") == [world.pending, world.cabin_request]
    assert ids("--limit", "2") == [world.pending, world.cabin_request]
    assert ids("--status", "withdrawn") == []
    assert run("requests", "--status", "expired").output == "No requests.\n"


def test_a_request_with_a_personnummer_for_installation_id_shows_it_masked(
    factory: sessionmaker[Session],
) -> None:
    """The installation ID is shown as sent, but never a full personnummer typed into it."""
    with session_scope(factory, write=True) as session:
        esco = make_esco(session, name="Wattkollen AB", org_number=ORG_A)
        make_customer(session, identity_number=PERSON)
        submit(session, esco, format_number(PERSON), T1)
    (row,) = run_json("requests")
    assert (row["installation_id"], row["refusal_code"]) == (
        "19800101-****",
        "invalid_installation_id",
    )
    assert "installation 19800101-****  customer 19800101-****" in run("requests").output


def test_unknown_esco_or_status_is_refused(world: World) -> None:
    unknown = runner.invoke(app, ["operator", "requests", "--esco", "elk_nobody", "--json"])
    assert unknown.exit_code == 2
    assert orjson.loads(unknown.stdout) == {
        "error": "not_found",
        "detail": "No ESCO has the organisationsnummer or client id 'elk_nobody'.",
    }
    assert runner.invoke(app, ["operator", "consents", "--status", "gone"]).exit_code == 2


def test_consents_with_validity_status_and_end(world: World) -> None:
    rows = run_json("consents")
    assert [row["id"] for row in rows] == [world.consent_b, world.consent_a]
    assert rows[1] == {
        "id": world.consent_a,
        "request_id": world.approved,
        "created_at": "2026-03-03T10:00:00+01:00",
        "status": "terminated_by_customer",
        "esco": esco_a(world),
        "installation_id": world.home,
        "resolution": "PT1H",
        "delivery": "pull",
        "valid_from": "2026-03-03",
        "valid_until": "2027-01-01",
        "ended_at": "2026-04-01T10:00:00+02:00",
    }
    assert (rows[0]["status"], rows[0]["ended_at"]) == ("active", None)
    assert run("consents").output.splitlines() == [
        f"2026-03-04 10:00  active                  {world.consent_b}  {LABEL_B}"
        f"  installation {world.cabin}  valid 2026-03-04 to 2027-01-01",
        f"2026-03-03 10:00  terminated_by_customer  {world.consent_a}  {LABEL_A}"
        f"  installation {world.home}  valid 2026-03-03 to 2027-01-01  ended 2026-04-01 10:00",
    ]


def test_consents_filters(world: World) -> None:
    def ids(*args: str) -> list[str]:
        return [row["id"] for row in run_json("consents", *args)]

    assert ids("--status", "active") == [world.consent_b]
    assert ids("--esco", ORG_A) == [world.consent_a]
    assert ids("--esco", ORG_A, "--status", "active") == []
    assert run("consents", "--status", "expired").output == "No consents.\n"


def test_history_of_a_request_and_its_consent(factory: sessionmaker[Session], world: World) -> None:
    """EU-3: every step, by whom, why and when, from either id."""
    with session_scope(factory) as session:
        customer_id = session.scalars(select(Customer.id)).one()
    by_request = run_json("history", world.approved)
    assert by_request == run_json("history", world.consent_a)
    assert (by_request["request"]["id"], by_request["consent"]["id"]) == (
        world.approved,
        world.consent_a,
    )
    customer = f"customer:{customer_id}"
    assert by_request["events"] == [
        {
            "subject": "request",
            "status": "pending_customer",
            "actor": "grid_company",
            "reason": None,
            "at": "2026-03-02T10:00:00+01:00",
        },
        {
            "subject": "request",
            "status": "approved",
            "actor": customer,
            "reason": None,
            "at": "2026-03-03T10:00:00+01:00",
        },
        {
            "subject": "consent",
            "status": "active",
            "actor": customer,
            "reason": None,
            "at": "2026-03-03T10:00:00+01:00",
        },
        {
            "subject": "consent",
            "status": "terminated_by_customer",
            "actor": customer,
            "reason": None,
            "at": "2026-04-01T10:00:00+02:00",
        },
    ]
    assert run("history", world.consent_a).output.splitlines() == [
        f"Request {world.approved}  approved  {LABEL_A}  installation {world.home}"
        "  customer 19800101-****",
        f"Consent {world.consent_a}  terminated_by_customer  installation {world.home}"
        "  valid 2026-03-03 to 2027-01-01",
        "2026-03-02 10:00  request  pending_customer        by grid_company",
        f"2026-03-03 10:00  request  approved                by {customer}",
        f"2026-03-03 10:00  consent  active                  by {customer}",
        f"2026-04-01 10:00  consent  terminated_by_customer  by {customer}",
    ]


def test_history_of_a_refused_request_shows_the_reason(world: World) -> None:
    found = run_json("history", world.refused)
    assert found["consent"] is None
    assert found["events"] == [
        {
            "subject": "request",
            "status": "refused",
            "actor": "grid_company",
            "reason": "invalid_installation_id",
            "at": "2026-03-02T11:00:00+01:00",
        }
    ]
    assert run("history", world.refused).output.splitlines()[1:] == [
        "    invalid_installation_id: The check digit of the anläggnings-ID is wrong.",
        "2026-03-02 11:00  request  refused                 by grid_company"
        "  reason invalid_installation_id",
    ]


def test_history_of_an_unknown_id_is_not_found(world: World) -> None:
    result = runner.invoke(app, ["operator", "history", "nope"])
    assert result.exit_code == 2
    assert "not_found: No request or consent has the id 'nope'." in result.output


def log_deliveries(factory: sessionmaker[Session], world: World) -> None:
    """Share-log entries as the export writes them: A pulled the home, B the cabin."""
    with session_scope(factory, write=True) as session:
        gsrn_ids = {
            gsrn: id_ for gsrn, id_ in session.execute(select(Installation.gsrn, Installation.id))
        }
        for party, gsrn, consent, day, channel in [
            (world.esco_a, world.home, world.consent_a, date(2026, 3, 10), "pull"),
            (world.esco_b, world.cabin, world.consent_b, date(2026, 3, 11), "push"),
        ]:
            start, end = local_day_bounds(day)
            session.add(
                ShareLogEntry(
                    at=end + timedelta(hours=6),
                    party_id=party,
                    installation_id=gsrn_ids[gsrn],
                    consent_id=consent,
                    basis="consent",
                    channel=channel,
                    period_start=start,
                    period_end=end,
                    resolution="PT1H",
                    value_count=24,
                )
            )


def test_deliveries_newest_first(factory: sessionmaker[Session], world: World) -> None:
    """TPA-9: time, ESCO, installation, consent, channel, period, resolution, count."""
    assert run("deliveries").output == "No deliveries.\n"
    log_deliveries(factory, world)
    rows = run_json("deliveries")
    assert [row["installation_id"] for row in rows] == [world.cabin, world.home]
    assert {key: value for key, value in rows[1].items() if key != "id"} == {
        "at": "2026-03-11T06:00:00+01:00",
        "esco": esco_a(world),
        "installation_id": world.home,
        "consent_id": world.consent_a,
        "channel": "pull",
        "period_start": "2026-03-10T00:00:00+01:00",
        "period_end": "2026-03-11T00:00:00+01:00",
        "resolution": "PT1H",
        "value_count": 24,
    }
    assert run("deliveries").output.splitlines() == [
        f"2026-03-12 06:00  {LABEL_B}  installation {world.cabin}  push"
        f"  2026-03-11 00:00 to 2026-03-12 00:00  PT1H  24 values  consent {world.consent_b}",
        f"2026-03-11 06:00  {LABEL_A}  installation {world.home}  pull"
        f"  2026-03-10 00:00 to 2026-03-11 00:00  PT1H  24 values  consent {world.consent_a}",
    ]


def test_deliveries_filters(factory: sessionmaker[Session], world: World) -> None:
    log_deliveries(factory, world)

    def consents(*args: str) -> list[str]:
        return [row["consent_id"] for row in run_json("deliveries", *args)]

    assert consents("--installation", world.home) == [world.consent_a]
    assert consents("--esco", ORG_B) == [world.consent_b]
    assert consents("--esco", ORG_B, "--installation", world.home) == []
    assert consents("--limit", "1") == [world.consent_b]
    bad = runner.invoke(app, ["operator", "deliveries", "--installation", BAD_GSRN])
    assert bad.exit_code == 2
    assert "invalid_installation_id" in bad.output


def deliver_webhooks(factory: sessionmaker[Session]) -> None:
    """Run A's four deliveries: the first answers 503 (retried later), the second 500 on its
    only attempt (given up), the other two 200."""
    with session_scope(factory, write=True) as session:
        refused = session.scalars(
            select(OutboxEvent.id).where(OutboxEvent.type == "access_request.refused")
        ).one()
        session.execute(
            update(JobRow)
            .where(JobRow.payload["event"].as_integer() == refused)
            .values(max_attempts=1)
        )
    statuses = [503, 500]

    def receiver(request: httpx.Request) -> httpx.Response:
        return httpx.Response(statuses.pop(0) if statuses else 200)

    handlers: dict[str, Handler] = {
        DELIVER_JOB: lambda s, p: deliver(s, p, transport=httpx.MockTransport(receiver))
    }
    while run_next(factory, handlers, worker="w1", now=lambda: DELIVERED):
        pass


def test_webhooks_show_attempts_undelivered_events_and_given_up_jobs(
    factory: sessionmaker[Session], world: World
) -> None:
    deliver_webhooks(factory)
    report = run_json("webhooks")
    attempts = report["attempts"]
    assert sorted((a["event_type"], a["status_code"], a["succeeded"]) for a in attempts) == [
        ("access_request.approved", 200, True),
        ("access_request.pending_customer", 503, False),
        ("access_request.refused", 500, False),
        ("consent.ended", 200, True),
    ]
    assert {(a["url"], a["esco"]["id"]) for a in attempts} == {(URL, world.esco_a)}
    offsets = {datetime.fromisoformat(a["attempted_at"]).utcoffset() for a in attempts}
    assert offsets <= {timedelta(hours=1), timedelta(hours=2)}
    assert [a["error"] for a in attempts if not a["succeeded"]] in (
        ["HTTP 500", "HTTP 503"],
        ["HTTP 503", "HTTP 500"],
    )
    assert [(e["event_type"], e["created_at"], e["attempts"]) for e in report["undelivered"]] == [
        ("access_request.refused", "2026-03-02T11:00:00+01:00", 1),
        ("access_request.pending_customer", "2026-03-02T10:00:00+01:00", 1),
    ]
    (job,) = report["failed_jobs"]
    assert {key: value for key, value in job.items() if key not in {"job_id", "event_id"}} == {
        "failed_at": "2026-04-02T10:00:00+02:00",
        "esco": esco_a(world),
        "event_type": "access_request.refused",
        "attempts": 1,
        "last_error": "RetryLater('HTTP 500')",
    }
    assert job["event_id"] == report["undelivered"][0]["event_id"]


def test_webhooks_failed_only_and_human_output(
    factory: sessionmaker[Session], world: World
) -> None:
    deliver_webhooks(factory)
    failed = run_json("webhooks", "--failed")["attempts"]
    assert sorted(a["status_code"] for a in failed) == [500, 503]
    lines = run("webhooks", "--failed").output.splitlines()
    assert lines[0] == "Failed webhook attempts:"
    assert lines[5] == "Events never delivered:"
    assert lines[6].startswith("  2026-03-02 11:00  access_request.refused  " + LABEL_A)
    assert lines[6].endswith("  1 attempt(s)")
    assert lines[8] == "Deliveries given up (failed webhook.deliver jobs):"
    assert lines[9].startswith("  2026-04-02 10:00  job ")
    assert lines[9].endswith("after 1 attempt(s): RetryLater('HTTP 500')")
    assert "      HTTP 503" in lines
    assert any(line.startswith("  ") and "FAILED  503  access_request" in line for line in lines)
    assert len(lines) == 10


def test_webhooks_of_an_esco_without_a_webhook(
    factory: sessionmaker[Session], world: World
) -> None:
    """B polls for its events: nothing to deliver, so nothing is listed as undelivered."""
    deliver_webhooks(factory)
    assert run_json("webhooks", "--esco", ORG_B) == {
        "attempts": [],
        "undelivered": [],
        "failed_jobs": [],
    }
    assert run("webhooks", "--esco", ORG_B).output.splitlines() == [
        "Webhook attempts:",
        "  none",
        "Events never delivered:",
        "  none",
        "Deliveries given up (failed webhook.deliver jobs):",
        "  none",
    ]
    assert len(run_json("webhooks", "--esco", ORG_A)["attempts"]) == 4


def test_the_queries_answer_alike_on_both_databases(session: Session) -> None:
    """The CLI runs on SQLite above; the same queries on PostgreSQL (JSON job payload included)."""
    esco = make_esco(session, webhook_url=URL)
    person = fake_personnummer("19750505", 990)
    customer = make_customer(session, identity_number=person)
    home = make_installation(session, holder=customer).gsrn
    request_id = submit(session, esco, home, T1, customer_identity_number=person)
    consent_id = approve(session, customer, request_id, T3)
    first = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).first()
    assert first is not None
    session.add(
        WebhookAttempt(
            event_id=first.id,
            url=URL,
            attempted_at=DELIVERED,
            status_code=503,
            error="HTTP 503",
            duration_ms=5,
            succeeded=False,
        )
    )
    session.execute(
        update(JobRow)
        .where(JobRow.payload["event"].as_integer() == first.id)
        .values(failed_at=DELIVERED, attempts=12, last_error="RetryLater('HTTP 503')")
    )
    start, end = local_day_bounds(date(2026, 3, 4))
    session.add(
        ShareLogEntry(
            at=end,
            party_id=esco.id,
            installation_id=session.scalars(select(Installation.id)).one(),
            consent_id=consent_id,
            basis="consent",
            channel="pull",
            period_start=start,
            period_end=end,
            resolution="PT1H",
            value_count=24,
        )
    )
    session.flush()

    assert [r.id for r in operator.list_requests(session, esco_id=esco.id)] == [request_id]
    active = operator.list_consents(session, esco_id=esco.id, status=ConsentStatus.ACTIVE)
    assert [c.id for c in active] == [consent_id]
    assert [
        (e.subject, e.status, e.at) for e in operator.history(session, key=request_id).events
    ] == [
        ("request", "pending_customer", T1),
        ("request", "approved", T3),
        ("consent", "active", T3),
    ]
    deliveries = operator.list_deliveries(session, esco_id=esco.id, installation_id=home)
    assert [(d.consent_id, d.period_start, d.value_count) for d in deliveries] == [
        (consent_id, start, 24)
    ]
    report = operator.webhook_report(session, esco_id=esco.id, failed_only=True)
    assert [(a.event_type, a.status_code) for a in report.attempts] == [
        ("access_request.pending_customer", 503)
    ]
    assert [(e.event_type, e.attempts) for e in report.undelivered] == [
        ("access_request.approved", 0),
        ("access_request.pending_customer", 1),
    ]
    assert [(j.event_id, j.failed_at, j.attempts) for j in report.failed_jobs] == [
        (first.event_id, DELIVERED, 12)
    ]

"""The one access gate and push delivery: only what a consent allows leaves, and every delivery
is in the share log (TPA-6, TPA-8, TPA-9, EU-2, EU-3)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.access.errors import (
    ConsentNotActive,
    ConsentNotFound,
    OutsideConsent,
    ResolutionNotConsented,
)
from elkund.access.gate import (
    GateResult,
    Value,
    kwh,
    read_for_consent,
)
from elkund.access.models import Consent, RequestStatus, ShareLogEntry
from elkund.access.push import (
    OVERLAP,
    PUSH_CONSENT_JOB,
    PUSH_JOB,
    PushFailed,
    next_run,
    push_consents,
    run_push,
    run_push_consent,
)
from elkund.core.db import session_scope
from elkund.core.jobs import enqueue
from elkund.core.jobs.models import JobRow
from elkund.core.jobs.worker import Handler, run_next
from elkund.core.localtime import STOCKHOLM, local_date, local_midnight, utcnow
from elkund.customers.identity import format_number
from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.metering.domain import Resolution
from elkund.metering.errors import InvalidPeriod
from elkund.metering.formats import FileFormat
from elkund.metering.service import ingest_file
from elkund.parties.models import Party
from tests.factories import make_customer, make_esco, make_installation
from tests.integration.helpers import csv_file, iso, quarter_hours

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)  # 10:00 in Stockholm
HISTORY_FROM = date(2026, 2, 20)
HOOK = "https://esco.example/elkund/meter-values"


def wh_at(start: datetime) -> int:
    return int(start.timestamp()) // 900 % 400 + 1


def quality_at(start: datetime) -> str:
    return "estimated" if int(start.timestamp()) // 900 % 97 == 0 else "measured"


def load(
    session: Session, installation: Installation, starts: Iterable[datetime], *, now: datetime
) -> None:
    rows = [(installation.gsrn, iso(t), "PT15M", wh_at(t), quality_at(t)) for t in starts]
    report = ingest_file(session, data=csv_file(rows), file_format=FileFormat.CSV, now=now)
    assert report.rejected == []


def days(first: date, end: date) -> list[datetime]:
    return quarter_hours(first, end)


def local(day: date) -> datetime:
    return local_midnight(day).astimezone(STOCKHOLM)


def expected(starts: Iterable[datetime]) -> list[Value]:
    return [
        Value(
            t.astimezone(STOCKHOLM),
            (t + timedelta(minutes=15)).astimezone(STOCKHOLM),
            kwh(wh_at(t)),
            quality_at(t),
        )
        for t in starts
    ]


@pytest.fixture
def customer(session: Session) -> Customer:
    return make_customer(session)


@pytest.fixture
def installation(session: Session, customer: Customer) -> Installation:
    installation = make_installation(session, holder=customer, since=date(2020, 1, 1))
    before_now = [t for t in days(date(2026, 3, 2), date(2026, 3, 3)) if t < NOW]
    load(session, installation, days(date(2026, 2, 10), date(2026, 3, 2)) + before_now, now=NOW)
    return installation


@pytest.fixture
def esco(session: Session) -> Party:
    return make_esco(session, webhook_url=HOOK)


def approve(
    session: Session,
    esco: Party,
    customer: Customer,
    installation: Installation,
    *,
    resolution: Resolution = Resolution.PT15M,
    delivery: str = "pull",
) -> Consent:
    draft = access.RequestDraft(
        installation_id=installation.gsrn,
        customer_identity_number=format_number(customer.identity_number),
        purpose="Energianalys",
        data_types=[DataType.CONSUMPTION],
        resolution=resolution,
        history_from=HISTORY_FROM,
        valid_until=date(2027, 1, 1),
        delivery=delivery,
    )
    request = access.submit_request(session, esco=esco, draft=draft, now=NOW).request
    assert request.status == RequestStatus.PENDING_CUSTOMER, request.refusal_code
    return access.approve_request(
        session, customer=customer, request_id=request.id, actor="person", now=NOW
    )


@pytest.fixture
def consent(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> Consent:
    return approve(session, esco, customer, installation)


def pull(
    session: Session,
    esco: Party,
    consent: Consent,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    resolution: Resolution | None = None,
    now: datetime = NOW,
) -> GateResult:
    return read_for_consent(
        session,
        esco=esco,
        consent_id=consent.id,
        start=instant(start),
        end=instant(end),
        resolution=resolution,
        channel="pull",
        now=now,
    )


def instant(value: date | datetime | None) -> datetime | None:
    """A date means its local midnight, as in the API."""
    if value is None or isinstance(value, datetime):
        return value
    return local_midnight(value)


def share_log(session: Session, consent: Consent) -> list[ShareLogEntry]:
    query = select(ShareLogEntry).where(ShareLogEntry.consent_id == consent.id)
    return list(session.scalars(query.order_by(ShareLogEntry.id)))


def entry_fields(entry: ShareLogEntry) -> tuple[Any, ...]:
    return (
        entry.at,
        entry.party_id,
        entry.installation_id,
        entry.consent_id,
        entry.basis,
        entry.channel,
        entry.period_start,
        entry.period_end,
        entry.resolution,
        entry.value_count,
    )


# Pull ---------------------------------------------------------------------------------------------


def test_values_are_the_stored_ones_in_local_time(
    session: Session, esco: Party, consent: Consent, installation: Installation
) -> None:
    """TPA-6: inside an active consent the ESCO gets exactly the stored values."""
    result = pull(session, esco, consent, date(2026, 2, 25), date(2026, 2, 26))
    assert result.values == expected(days(date(2026, 2, 25), date(2026, 2, 26)))
    assert (result.start, result.end) == (local(date(2026, 2, 25)), local(date(2026, 2, 26)))
    first = result.values[0]
    document = orjson.loads(orjson.dumps(result.document()))
    assert {k: v for k, v in document.items() if k != "values"} == {
        "consent_id": consent.id,
        "installation_id": installation.gsrn,
        "resolution": "PT15M",
        "from": "2026-02-25T00:00:00+01:00",
        "to": "2026-02-26T00:00:00+01:00",
        "unit": "kWh",
    }
    assert document["values"][0] == {
        "start": "2026-02-25T00:00:00+01:00",
        "end": "2026-02-25T00:15:00+01:00",
        "kwh": first.kwh,
        "quality": first.quality,
    }
    assert len(document["values"]) == 96


def test_kwh_strings_have_three_decimals() -> None:
    assert [kwh(w) for w in (0, 7, 412, 1000, 123456789, -5)] == [
        "0.000",
        "0.007",
        "0.412",
        "1.000",
        "123456.789",
        "-0.005",
    ]


def test_period_is_clipped_to_the_history_start(
    session: Session, esco: Party, consent: Consent
) -> None:
    """TPA-6: values from before the consent's history start never leave, even if stored."""
    result = pull(session, esco, consent, date(2026, 2, 1), date(2026, 2, 22))
    assert (result.start, result.end) == (local(HISTORY_FROM), local(date(2026, 2, 22)))
    assert result.values == expected(days(HISTORY_FROM, date(2026, 2, 22)))


def test_period_is_clipped_to_the_customers_move_in(session: Session, esco: Party) -> None:
    """A consent gives the consenting customer's own data only, not a previous holder's."""
    customer = make_customer(session)
    installation = make_installation(session, holder=customer, since=date(2026, 2, 24))
    load(session, installation, days(date(2026, 2, 18), date(2026, 2, 26)), now=NOW)
    consent = approve(session, esco, customer, installation)
    result = pull(session, esco, consent, date(2026, 2, 1), date(2026, 2, 26))
    assert result.start == local(date(2026, 2, 24))
    assert result.values == expected(days(date(2026, 2, 24), date(2026, 2, 26)))


def test_period_is_clipped_to_now(session: Session, esco: Party, consent: Consent) -> None:
    result = pull(session, esco, consent, date(2026, 3, 2), date(2026, 3, 9))
    assert (result.start, result.end) == (local(date(2026, 3, 2)), NOW.astimezone(STOCKHOLM))
    assert len(result.values) == 40  # 00:00 to 10:00 local


def test_period_is_widened_to_whole_intervals(
    session: Session, esco: Party, consent: Consent
) -> None:
    start = datetime(2026, 2, 25, 10, 7, tzinfo=STOCKHOLM)
    result = pull(session, esco, consent, start, start + timedelta(minutes=20))
    assert [v.start.strftime("%H:%M") for v in result.values] == ["10:00", "10:15"]


def test_default_period_is_the_last_seven_local_days(
    session: Session, esco: Party, consent: Consent
) -> None:
    result = pull(session, esco, consent)
    assert (result.start, result.end) == (local(date(2026, 2, 23)), local(date(2026, 3, 2)))
    assert len(result.values) == 7 * 96


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 2, 1), date(2026, 2, 20)),
        (date(2026, 3, 3), date(2026, 3, 4)),
        (date(2026, 3, 3), None),
        (None, date(2026, 2, 10)),
    ],
    ids=["before-history", "future", "from-future", "to-before-history"],
)
def test_a_period_entirely_outside_the_consent_is_refused(
    session: Session, esco: Party, consent: Consent, start: date | None, end: date | None
) -> None:
    with pytest.raises(OutsideConsent) as refused:
        pull(session, esco, consent, start, end)
    assert (refused.value.status, refused.value.code) == (422, "outside_consent")
    assert "2026-02-20T00:00:00+01:00" in refused.value.detail
    assert share_log(session, consent) == []


def test_a_period_that_ends_before_it_starts_is_invalid(
    session: Session, esco: Party, consent: Consent
) -> None:
    with pytest.raises(InvalidPeriod):
        pull(session, esco, consent, date(2026, 2, 25), date(2026, 2, 25))


def test_a_finer_resolution_than_consented_is_refused(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> None:
    hourly = approve(session, esco, customer, installation, resolution=Resolution.PT1H)
    with pytest.raises(ResolutionNotConsented) as refused:
        pull(session, esco, hourly, resolution=Resolution.PT15M)
    assert (refused.value.status, refused.value.code) == (422, "resolution_not_consented")
    assert pull(session, esco, hourly).resolution == Resolution.PT1H


def test_a_coarser_resolution_is_aggregated(
    session: Session, esco: Party, consent: Consent
) -> None:
    day = days(date(2026, 2, 25), date(2026, 2, 26))
    hourly = pull(session, esco, consent, date(2026, 2, 25), date(2026, 2, 26), Resolution.PT1H)
    assert len(hourly.values) == 24
    assert [v.kwh for v in hourly.values] == [
        kwh(sum(wh_at(t) for t in day[i : i + 4])) for i in range(0, 96, 4)
    ]
    estimated = {i // 4 for i, t in enumerate(day) if quality_at(t) == "estimated"}
    assert {i for i, v in enumerate(hourly.values) if v.quality == "contains_estimated"} == (
        estimated
    )
    assert {v.quality for v in hourly.values} <= {"complete", "contains_estimated"}
    daily = pull(session, esco, consent, date(2026, 2, 20), date(2026, 2, 27), Resolution.P1D)
    assert [v.start for v in daily.values] == [local(date(2026, 2, d)) for d in range(20, 27)]
    assert daily.values[5].kwh == kwh(sum(wh_at(t) for t in day))


def test_months_are_clipped_to_the_consent_at_both_ends(
    session: Session, esco: Party, consent: Consent
) -> None:
    result = pull(session, esco, consent, date(2026, 1, 1), date(2026, 5, 1), Resolution.P1M)
    february = days(HISTORY_FROM, date(2026, 3, 1))
    march = days(date(2026, 3, 1), date(2026, 3, 2))
    assert [(v.start, v.end, v.kwh) for v in result.values] == [
        (local(HISTORY_FROM), local(date(2026, 3, 1)), kwh(sum(map(wh_at, february)))),
        (local(date(2026, 3, 1)), local(date(2026, 3, 2)), kwh(sum(map(wh_at, march)))),
    ]
    assert (result.start, result.end) == (local(HISTORY_FROM), local(date(2026, 3, 2)))


def test_after_termination_the_next_read_is_refused_at_once(
    session: Session, esco: Party, customer: Customer, consent: Consent
) -> None:
    """TPA-8, EU-2: no grace period: the read in the same second after *Avsluta* is refused."""
    pull(session, esco, consent)
    access.terminate_consent(
        session, customer=customer, consent_id=consent.id, actor="person", now=NOW
    )
    with pytest.raises(ConsentNotActive) as refused:
        pull(session, esco, consent)
    assert (refused.value.status, refused.value.code) == (403, "consent_not_active")
    assert len(share_log(session, consent)) == 1


def test_a_lapsed_consent_is_refused_before_housekeeping_marks_it(
    session: Session, esco: Party, consent: Consent
) -> None:
    with pytest.raises(ConsentNotActive):
        pull(session, esco, consent, now=datetime(2026, 12, 31, 23, tzinfo=UTC))


def test_another_esco_cannot_read_the_consent(session: Session, consent: Consent) -> None:
    """EU-5: ESCO B gets not-found for ESCO A's consent, as if it did not exist."""
    with pytest.raises(ConsentNotFound) as refused:
        pull(session, make_esco(session), consent)
    assert (refused.value.status, refused.value.code) == (404, "consent_not_found")
    assert share_log(session, consent) == []


def test_one_share_log_entry_per_pull_with_exact_fields(
    session: Session, esco: Party, consent: Consent, installation: Installation
) -> None:
    """TPA-9, EU-3: time, ESCO, installation, consent, period covered, resolution, count."""
    pull(session, esco, consent, date(2026, 2, 1), date(2026, 2, 22))
    pull(session, esco, consent, date(2026, 2, 25), date(2026, 2, 26), Resolution.PT1H)
    common = (NOW, esco.id, installation.id, consent.id, "consent", "pull")
    assert [entry_fields(e) for e in share_log(session, consent)] == [
        (*common, local_midnight(HISTORY_FROM), local_midnight(date(2026, 2, 22)), "PT15M", 192),
        (
            *common,
            local_midnight(date(2026, 2, 25)),
            local_midnight(date(2026, 2, 26)),
            "PT1H",
            24,
        ),
    ]


def test_an_empty_delivery_is_logged_too(session: Session, esco: Party, customer: Customer) -> None:
    """TPA-9: the ESCO learned that there are no values, so that is a delivery as well."""
    empty = make_installation(session, holder=customer)
    consent = approve(session, esco, customer, empty)
    assert pull(session, esco, consent).values == []
    assert [e.value_count for e in share_log(session, consent)] == [0]


def test_the_share_log_is_append_only(session: Session, esco: Party, consent: Consent) -> None:
    """EU-3: the database itself refuses to change an entry."""
    pull(session, esco, consent)
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE share_log SET value_count = 0"))
    assert [e.value_count for e in share_log(session, consent)] == [7 * 96]


# Push ---------------------------------------------------------------------------------------------


def push_all(session: Session, *, now: datetime, transport: httpx.BaseTransport) -> dict[str, Any]:
    """A daily run and the push of each of its consents, as the worker would run them."""
    outcome: dict[str, Any] = {"delivered": {}, "failed": {}, "skipped": {}, "up_to_date": 0}
    for consent_id in push_consents(session):
        try:
            result = run_push_consent(
                session, {"consent": consent_id}, now=now, transport=transport
            )
        except PushFailed as failure:
            outcome["failed"][consent_id] = str(failure)
            continue
        ((kind, detail),) = result.items()
        if kind == "up_to_date":
            outcome["up_to_date"] += 1
        else:
            outcome[kind][consent_id] = detail
    return outcome


class Receiver:
    """The ESCO's endpoint: answers the given statuses in turn, then 200."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.statuses.pop(0) if self.statuses else 200)

    def push(self, session: Session, now: datetime) -> dict[str, Any]:
        return push_all(session, now=now, transport=httpx.MockTransport(self))

    def bodies(self, esco: Party) -> list[dict[str, Any]]:
        """Each request's body, after checking its Standard Webhooks signature."""
        assert esco.webhook_secret is not None
        verified = []
        for request in self.requests:
            body: dict[str, Any] = Webhook(esco.webhook_secret).verify(
                request.content, dict(request.headers)
            )
            assert body["id"] == request.headers["webhook-id"]
            verified.append(body)
        return verified


FIRST_RUN = datetime(2026, 3, 3, 5, tzinfo=UTC)  # 06:00 in Stockholm
CORRECTED_AT = datetime(2026, 3, 3, 8, tzinfo=UTC)
SECOND_RUN = datetime(2026, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def push_consent(
    session: Session, esco: Party, customer: Customer, installation: Installation
) -> Consent:
    return approve(session, esco, customer, installation, delivery="push_daily")


def test_first_push_delivers_all_history_signed_and_logged(
    session: Session, esco: Party, push_consent: Consent, installation: Installation
) -> None:
    """TPA-6, TPA-9: one signed POST per consent, one share-log entry per delivery."""
    receiver = Receiver()
    outcome = receiver.push(session, FIRST_RUN)
    assert outcome["delivered"] == {push_consent.id: 10 * 96 + 40}
    (body,) = receiver.bodies(esco)
    assert (body["type"], body["consent_id"], body["from"], body["to"]) == (
        "meter_values.delivery",
        push_consent.id,
        "2026-02-20T00:00:00+01:00",
        "2026-03-03T00:00:00+01:00",  # 2 March only until 10:00: the rest comes, and is sent, later
    )
    stored = [t for t in days(HISTORY_FROM, date(2026, 3, 3)) if t < NOW]
    assert [v["kwh"] for v in body["values"]] == [v.kwh for v in expected(stored)]
    assert [entry_fields(e) for e in share_log(session, push_consent)] == [
        (
            FIRST_RUN,
            esco.id,
            installation.id,
            push_consent.id,
            "consent",
            "push",
            local_midnight(HISTORY_FROM),
            local_midnight(date(2026, 3, 3)),
            "PT15M",
            1000,
        )
    ]
    watermark = session.get(Consent, push_consent.id).pushed_until  # type: ignore[union-attr]
    # Never past today's start: today's values are not sent yet, so their changes count tomorrow.
    assert watermark == min(FIRST_RUN - OVERLAP, local_midnight(date(2026, 3, 3)))


def test_push_sends_corrected_and_new_values(
    session: Session, esco: Party, push_consent: Consent, installation: Installation
) -> None:
    """Corrected values reach push consents in the next delivery (TPA-6)."""
    receiver = Receiver()
    receiver.push(session, FIRST_RUN)
    assert receiver.push(session, FIRST_RUN + timedelta(hours=1))["up_to_date"] == 1
    corrected = days(date(2026, 2, 22), date(2026, 2, 23))[8]
    rows = [(installation.gsrn, iso(corrected), "PT15M", 999, "measured")]
    ingest_file(session, data=csv_file(rows), file_format=FileFormat.CSV, now=CORRECTED_AT)
    rest_of_day = [t for t in days(date(2026, 3, 2), date(2026, 3, 3)) if t >= NOW]
    load(session, installation, rest_of_day, now=CORRECTED_AT)
    receiver.push(session, SECOND_RUN)
    assert len(receiver.requests) == 2
    body = receiver.bodies(esco)[1]
    assert (body["from"], body["to"], len(body["values"])) == (
        "2026-02-22T00:00:00+01:00",  # first to last changed day; those between are sent again
        "2026-03-03T00:00:00+01:00",
        9 * 96,
    )
    assert body["values"][8] == {
        "start": corrected.astimezone(STOCKHOLM).isoformat(),
        "end": (corrected + timedelta(minutes=15)).astimezone(STOCKHOLM).isoformat(),
        "kwh": "0.999",
        "quality": "measured",
    }
    assert body["values"][-len(rest_of_day) :] == orjson.loads(orjson.dumps(expected(rest_of_day)))
    assert [e.value_count for e in share_log(session, push_consent)] == [1000, 9 * 96]
    watermark = session.get(Consent, push_consent.id).pushed_until  # type: ignore[union-attr]
    assert watermark == min(SECOND_RUN - OVERLAP, local_midnight(date(2026, 3, 4)))


def test_a_failed_push_is_sent_again_by_the_next_run(
    session: Session, esco: Party, push_consent: Consent
) -> None:
    receiver = Receiver(503)
    outcome = receiver.push(session, FIRST_RUN)
    assert outcome["failed"] == {push_consent.id: "HTTP 503"}
    assert share_log(session, push_consent) == []
    assert session.get(Consent, push_consent.id).pushed_until is None  # type: ignore[union-attr]
    assert receiver.push(session, SECOND_RUN)["delivered"] == {push_consent.id: 1000}
    first, second = receiver.bodies(esco)
    assert first["values"] == second["values"]
    assert first["id"] != second["id"]
    assert [e.channel for e in share_log(session, push_consent)] == ["push"]


def test_an_unreachable_receiver_is_a_failure_too(session: Session, push_consent: Consent) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    outcome = push_all(session, now=FIRST_RUN, transport=httpx.MockTransport(refuse))
    assert outcome["failed"] == {push_consent.id: "ConnectError: connection refused"}
    assert share_log(session, push_consent) == []


def test_an_ended_consent_gets_no_push(
    session: Session, customer: Customer, push_consent: Consent
) -> None:
    """TPA-8: a consent that ends stops the push before its next run."""
    access.terminate_consent(
        session, customer=customer, consent_id=push_consent.id, actor="person", now=NOW
    )
    receiver = Receiver()
    outcome = receiver.push(session, FIRST_RUN)
    assert receiver.requests == []
    assert push_consent.id not in str(outcome)
    assert share_log(session, push_consent) == []


def test_pull_consents_get_no_push(session: Session, consent: Consent) -> None:
    receiver = Receiver()
    receiver.push(session, FIRST_RUN)
    assert receiver.requests == []


def test_the_push_queues_its_next_daily_run(session: Session) -> None:
    run_push(session, {}, now=FIRST_RUN)
    runs = session.scalars(select(JobRow.run_at).where(JobRow.kind == PUSH_JOB)).all()
    assert runs == [datetime(2026, 3, 4, 5, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("now", "run_at"),
    [
        (datetime(2026, 3, 3, 4, 59, tzinfo=UTC), datetime(2026, 3, 3, 5, tzinfo=UTC)),
        (datetime(2026, 3, 3, 5, tzinfo=UTC), datetime(2026, 3, 4, 5, tzinfo=UTC)),
        (datetime(2026, 3, 28, 12, tzinfo=UTC), datetime(2026, 3, 29, 4, tzinfo=UTC)),
    ],
    ids=["later-today", "tomorrow", "into-summer-time"],
)
def test_next_run_is_at_six_in_stockholm(now: datetime, run_at: datetime) -> None:
    assert next_run(now) == run_at


def test_the_worker_runs_a_push_with_real_commits(committed: sessionmaker[Session]) -> None:
    """The job as the worker runs it: reading, sending and recording in separate transactions."""
    receiver = Receiver()
    today = local_date(utcnow())
    with session_scope(committed) as session:
        customer = make_customer(session)
        installation = make_installation(session, holder=customer)
        load(session, installation, days(today - timedelta(days=2), today), now=utcnow())
        esco = make_esco(session, webhook_url=HOOK)
        draft = access.RequestDraft(
            installation_id=installation.gsrn,
            customer_identity_number=format_number(customer.identity_number),
            purpose="Energianalys",
            data_types=[DataType.CONSUMPTION],
            resolution=Resolution.PT1H,
            history_from=today - timedelta(days=1),
            valid_until=today + timedelta(days=30),
            delivery="push_daily",
        )
        request = access.submit_request(session, esco=esco, draft=draft).request
        consent_id = access.approve_request(
            session, customer=customer, request_id=request.id, actor="person"
        ).id
        enqueue(session, kind=PUSH_JOB, payload={})
    handlers: dict[str, Handler] = {
        PUSH_JOB: run_push,
        PUSH_CONSENT_JOB: lambda s, p: run_push_consent(
            s, p, transport=httpx.MockTransport(receiver)
        ),
    }
    while run_next(committed, handlers, worker="test"):
        pass
    (body,) = receiver.bodies(esco)
    assert (body["consent_id"], body["resolution"], len(body["values"])) == (
        consent_id,
        "PT1H",
        len(days(today - timedelta(days=1), today)) // 4,
    )
    with session_scope(committed) as session:
        assert [e.value_count for e in share_log(session, Consent(id=consent_id))] == [
            len(body["values"])
        ]
        consent = session.get(Consent, consent_id)
        assert consent is not None
        assert consent.pushed_until is not None
        pending = session.scalars(
            select(JobRow.run_at).where(JobRow.kind == PUSH_JOB, JobRow.done_at.is_(None))
        ).all()
        assert pending == [next_run(utcnow())]

"""Export: consent-scoped API values/s ÷ raw SELECT + orjson values/s of the same rows.

One installation with a year of quarter-hours and an ESCO with a consent for all of it. The app
side is the access gate (consent checks, clipping, reading, the share-log entry) and the JSON
serialiser the endpoint answers with; the baseline is a hand-written SELECT of the same rows and
``orjson.dumps`` of equivalent dicts.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from bench.common import Database, empty_meter_tables, figure, note, timed
from bench.dataset import NOW, quarter_hours, register_meters
from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.access.gate import kwh, read_for_consent
from elkund.api.export import json_body
from elkund.core.localtime import from_epoch, local_midnight
from elkund.core.types import UtcTimestamp
from elkund.customers.identity import format_number, with_check_digit
from elkund.customers.service import register_customer
from elkund.grid.models import Installation
from elkund.grid.service import move_in
from elkund.metering.domain import Quality, Resolution
from elkund.metering.repository import store_values
from elkund.parties.models import Party, PartyRole
from elkund.parties.service import register_party

GOAL = 0.5
FIRST = date(2025, 1, 1)
END = date(2026, 1, 1)
RUNS = 9
_LABELS = {int(q): q.label for q in Quality}


def load(db: Database) -> tuple[int, str]:
    """The year of values, stored by the app, and a consent for them: (ESCO id, consent id)."""
    empty_meter_tables(db)
    (meter,) = register_meters(db, 1)
    rows = quarter_hours([meter], FIRST, (END - FIRST).days, seed=3)
    with db.sessions() as session:
        store_values(session, rows, now=NOW)
        esco_id, consent_id = _consent(session, meter.id)
        session.commit()
    note(f"export_{db.name}: {len(rows)} values of one installation, {FIRST} to {END}")
    return esco_id, consent_id


def _consent(session: Session, installation_id: int) -> tuple[int, str]:
    customer = register_customer(
        session, identity_number="19" + with_check_digit("900101980"), name="Bench Person"
    )
    installation = session.get(Installation, installation_id)
    assert installation is not None
    move_in(session, installation=installation, customer=customer, day=date(2020, 1, 1))
    esco = register_party(
        session, role=PartyRole.ESCO, name="Bench ESCO", org_number=with_check_digit("559990001")
    )
    draft = access.RequestDraft(
        installation_id=installation.gsrn,
        customer_identity_number=format_number(customer.identity_number),
        purpose="Benchmark",
        data_types=[DataType.CONSUMPTION],
        resolution=Resolution.PT15M,
        history_from=FIRST,
        valid_until=END + timedelta(days=365),
        delivery="pull",
    )
    request = access.submit_request(session, esco=esco, draft=draft, now=NOW).request
    consent = access.approve_request(
        session, customer=customer, request_id=request.id, actor="bench", now=NOW
    )
    return esco.id, consent.id


def _app_call(session: Session, esco: Party, consent_id: str) -> Callable[[], bytes]:
    def call() -> bytes:
        result = read_for_consent(
            session,
            esco=esco,
            consent_id=consent_id,
            start=local_midnight(FIRST),
            end=local_midnight(END),
            resolution=None,
            channel="pull",
            now=NOW,
        )
        return json_body(result)

    return call


def _sql_call(session: Session, installation_id: int) -> Callable[[], bytes]:
    statement = text(
        "SELECT start, resolution, wh, quality FROM meter_values"
        " WHERE installation_id = :installation_id AND start >= :start AND start < :end"
        " ORDER BY start"
    ).bindparams(bindparam("start", type_=UtcTimestamp()), bindparam("end", type_=UtcTimestamp()))
    parameters = {
        "installation_id": installation_id,
        "start": local_midnight(FIRST),
        "end": local_midnight(END),
    }

    def call() -> bytes:
        rows = session.execute(statement, parameters).all()
        return orjson.dumps([_row_dict(*row) for row in rows])

    return call


def _row_dict(start: datetime | int, minutes: int, wh: int, quality: int) -> dict[str, Any]:
    instant = start if isinstance(start, datetime) else from_epoch(start)
    return {
        "start": instant,
        "end": instant + timedelta(minutes=minutes),
        "kwh": kwh(wh),
        "quality": _LABELS[quality],
    }


def _medians(app: Callable[[], bytes], sql: Callable[[], bytes]) -> tuple[float, float]:
    """Median seconds of ``RUNS`` calls each, after one warm-up, taking turns."""
    app(), sql()
    pairs = [(timed(app), timed(sql)) for _ in range(RUNS)]
    return statistics.median(a for a, _ in pairs), statistics.median(s for _, s in pairs)


def check_same_values(app: Callable[[], bytes], sql: Callable[[], bytes], name: str) -> int:
    app_values = orjson.loads(app())["values"]
    sql_values = orjson.loads(sql())
    same = [(v["kwh"], v["quality"]) for v in app_values] == [
        (v["kwh"], v["quality"]) for v in sql_values
    ]
    note(f"{name}: app and SQL values {'equal' if same else 'DIFFERENT'} ({len(app_values)})")
    return len(app_values)


def run(db: Database) -> None:
    esco_id, consent_id = load(db)
    name = f"export_{db.name}"
    note(f"{name}: app = access gate (checks, clip, read, share-log entry) + the endpoint's")
    note(f"{name}: JSON serialiser, called directly (no HTTP); baseline = SELECT + orjson.dumps")
    note(f"{name}: of dicts with UTC datetimes (the app gives local times with offset)")
    with db.sessions() as session:
        esco = session.get(Party, esco_id)
        assert esco is not None
        consent = access.consent_for_esco(session, esco=esco, consent_id=consent_id)
        app = _app_call(session, esco, consent_id)
        sql = _sql_call(session, consent.installation_id)
        count = check_same_values(app, sql, name)
        app_s, sql_s = _medians(app, sql)
        session.rollback()  # the benchmark's share-log entries
    note(f"{name}: app {count / app_s:,.0f} values/s, SQL {count / sql_s:,.0f} values/s")
    figure(name, sql_s / app_s, GOAL)
    empty_meter_tables(db)

"""SUP-21 for aggregators: before an aggregation service starts on an installation the aggregator
notifies the grid company, which keeps the notice with the installation, accepted or refused with
a stable code; one aggregator cannot read another's notices. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from elkund.cli import app
from elkund.core.db import session_scope
from elkund.core.errors import AppError
from elkund.core.settings import get_settings
from elkund.grid.gsrn import make_installation_id
from elkund.parties.models import Party, PartyRole, PartyStatus
from elkund.supply.aggregation import (
    aggregation_notice,
    aggregation_notices_of,
    aggregation_notices_on,
    refusal_error,
    send_aggregation_notice,
    sender_party,
)
from elkund.supply.notice_models import AggregationNotice, AggregationNoticeStatus
from tests.factories import make_installation, make_party, make_supplier, org_number

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
TODAY = date(2026, 3, 2)
TOMORROW = date(2026, 3, 3)
runner = CliRunner()


def make_aggregator(session: Session, **overrides: Any) -> Party:
    return make_party(session, role=PartyRole.AGGREGATOR, **({"name": "Flexkraft AB"} | overrides))


def notify(session: Session, party: Party, ref: str, start: date = TOMORROW) -> AggregationNotice:
    return send_aggregation_notice(
        session, aggregator=party, installation_ref=ref, start=start, now=NOW
    )


def test_sup_21_aggregation_notice_is_accepted_and_kept_with_the_installation(
    session: Session,
) -> None:
    aggregator = make_aggregator(session)
    installation = make_installation(session)

    notice = notify(session, aggregator, installation.gsrn, start=date(2026, 4, 1))

    assert (notice.status, notice.refusal_code, notice.refusal_detail) == (
        AggregationNoticeStatus.ACCEPTED,
        None,
        None,
    )
    assert (notice.aggregator_id, notice.installation_id, notice.start_date) == (
        aggregator.id,
        installation.id,
        date(2026, 4, 1),
    )
    assert notice.received_at == NOW
    assert aggregation_notices_on(session, installation=installation) == [notice]
    assert aggregation_notices_of(session, aggregator=aggregator) == [notice]


def test_sup_21_a_notice_must_come_before_the_day_the_service_starts(session: Session) -> None:
    aggregator = make_aggregator(session)
    today = notify(session, aggregator, make_installation(session).gsrn, TODAY)
    assert (today.status, today.refusal_code) == (
        AggregationNoticeStatus.REFUSED,
        "start_date_in_past",
    )
    tomorrow = notify(session, aggregator, make_installation(session).gsrn, TOMORROW)
    assert tomorrow.status == AggregationNoticeStatus.ACCEPTED


@pytest.mark.parametrize(
    ("case", "code", "status"),
    [
        ("unknown_installation", "unknown_installation", 404),
        ("malformed_installation", "unknown_installation", 404),
        ("start_in_past", "start_date_in_past", 422),
        ("not_an_aggregator", "not_an_aggregator", 403),
        ("suspended", "aggregator_not_active", 403),
        ("second_notice", "already_notified", 409),
    ],
)
def test_sup_21_refused_notices_are_kept_with_a_stable_code(
    session: Session, case: str, code: str, status: int
) -> None:
    installation = make_installation(session)
    party = make_supplier(session) if case == "not_an_aggregator" else make_aggregator(session)
    ref, start = installation.gsrn, date(2026, 4, 1)
    if case == "unknown_installation":
        ref = make_installation_id(999_997)
    elif case == "malformed_installation":
        ref = "not-an-id"
    elif case == "start_in_past":
        start = date(2026, 3, 1)
    elif case == "suspended":
        party.status = PartyStatus.SUSPENDED
    elif case == "second_notice":
        notify(session, party, installation.gsrn, start=date(2026, 3, 15))

    notice = notify(session, party, ref, start)

    assert (notice.status, notice.refusal_code) == (AggregationNoticeStatus.REFUSED, code)
    assert notice.refusal_detail
    assert notice.installation_ref == ref
    assert notice in aggregation_notices_of(session, aggregator=party)
    error = refusal_error(notice)
    assert (error.code, error.status) == (code, status)


def test_sup_21_a_refused_notice_about_a_known_installation_is_kept_with_it(
    session: Session,
) -> None:
    installation = make_installation(session)
    notice = notify(session, make_supplier(session), installation.gsrn)
    assert aggregation_notices_on(session, installation=installation) == [notice]


def test_sup_21_another_party_cannot_read_an_aggregators_notice(session: Session) -> None:
    owner, other = make_aggregator(session), make_aggregator(session, name="Annan Flex AB")
    notice = notify(session, owner, make_installation(session).gsrn)

    assert aggregation_notice(session, aggregator=owner, notice_id=notice.id) is notice
    with pytest.raises(AppError) as raised:
        aggregation_notice(session, aggregator=other, notice_id=notice.id)
    assert (raised.value.code, raised.value.status) == ("aggregation_notice_not_found", 404)
    assert aggregation_notices_of(session, aggregator=other) == []


def test_sup_21_the_sender_is_the_aggregator_else_any_party_else_unknown(
    session: Session,
) -> None:
    org = org_number(901)
    supplier = make_supplier(session, org_number=org)
    assert sender_party(session, org_number=org) is supplier  # its notice will be refused
    aggregator = make_aggregator(session, org_number=org)
    assert sender_party(session, org_number=org) is aggregator
    with pytest.raises(AppError) as raised:
        sender_party(session, org_number=org_number(902))
    assert raised.value.code == "unknown_party"


AGGREGATOR_ORG = org_number(903)


@pytest.fixture
def cli_db(
    engine: Engine, committed: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The CLI on the test database with an installation (its anläggnings-ID is yielded)."""
    monkeypatch.setenv("ELKUND_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    with session_scope(committed, write=True) as session:
        gsrn = make_installation(session).gsrn
    yield gsrn
    get_settings.cache_clear()


def cli(*args: str) -> Any:
    return runner.invoke(app, ["notices", "aggregation", *args])


def test_sup_21_cli_register_send_and_list(cli_db: str) -> None:
    registered = cli("register", "--name", "Flexkraft AB", "--orgnr", AGGREGATOR_ORG, "--json")
    accepted = cli("send", cli_db, "--aggregator", AGGREGATOR_ORG, "--start", "2099-01-01")
    refused = cli("send", cli_db, "--aggregator", AGGREGATOR_ORG, "--start", "2099-02-01", "--json")
    listed = cli("list", "--installation", cli_db, "--json")

    assert registered.exit_code == 0, registered.output
    assert orjson.loads(registered.stdout)["role"] == "aggregator"
    assert accepted.exit_code == 0, accepted.output
    assert "accepted: aggregation on" in accepted.stdout
    assert refused.exit_code == 2
    assert orjson.loads(refused.stdout)["error"] == "already_notified"
    rows = orjson.loads(listed.stdout)
    assert [(r["start_date"], r["status"], r["refusal_code"]) for r in rows] == [
        ("2099-01-01", "accepted", None),
        ("2099-02-01", "refused", "already_notified"),  # kept although refused
    ]


def test_sup_21_cli_errors(cli_db: str) -> None:
    unknown = cli(
        "send", cli_db, "--aggregator", org_number(904), "--start", "2099-01-01", "--json"
    )
    both = cli("list", "--installation", cli_db, "--aggregator", AGGREGATOR_ORG)
    assert unknown.exit_code == 2
    assert orjson.loads(unknown.stdout)["error"] == "unknown_party"
    assert both.exit_code == 2
    assert "exactly one" in both.output

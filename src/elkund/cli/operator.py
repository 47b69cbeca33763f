"""``elkund operator``: the grid company's read-only view of third-party access (EU-3)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from elkund.access.models import ConsentStatus, RequestStatus
from elkund.core.db import create_db_engine, make_session_factory, session_scope
from elkund.core.errors import AppError
from elkund.core.localtime import STOCKHOLM
from elkund.core.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from elkund.access import operator
from elkund.cli.common import (
    NONE,
    EscoFilter,
    JsonOutput,
    Limit,
    find_esco,
    print_app_error,
)

operator_app = typer.Typer(
    help="The grid company's view of third-party access (read-only). Times are Swedish local time.",
    no_args_is_help=True,
)


@operator_app.command("requests")
def operator_requests(
    status: Annotated[
        RequestStatus | None, typer.Option(help="Only requests with this status.")
    ] = None,
    esco: EscoFilter = None,
    limit: Limit = 100,
    as_json: JsonOutput = False,
) -> None:
    """List access requests of every ESCO, refused ones with their reason (TPA-2)."""
    from elkund.access import operator

    with _read_only(as_json) as session:
        esco_id = _esco_id(session, esco)
        rows = operator.list_requests(session, esco_id=esco_id, status=status, limit=limit)
    _emit(rows, as_json, _request_lines(rows))


@operator_app.command("consents")
def operator_consents(
    status: Annotated[
        ConsentStatus | None, typer.Option(help="Only consents with this status.")
    ] = None,
    esco: EscoFilter = None,
    as_json: JsonOutput = False,
) -> None:
    """List consents of every ESCO with installation, validity, status and when they ended."""
    from elkund.access import operator

    with _read_only(as_json) as session:
        rows = operator.list_consents(session, esco_id=_esco_id(session, esco), status=status)
    _emit(rows, as_json, _consent_lines(rows))


@operator_app.command("history")
def operator_history(
    key: Annotated[
        str, typer.Argument(metavar="REQUEST_OR_CONSENT_ID", help="A request id or a consent id.")
    ],
    as_json: JsonOutput = False,
) -> None:
    """Show every event of a request and its consent: status, actor, reason, time (EU-3)."""
    from elkund.access import operator

    with _read_only(as_json) as session:
        found = operator.history(session, key=key)
    _emit(found, as_json, _history_lines(found))


@operator_app.command("deliveries")
def operator_deliveries(
    esco: EscoFilter = None,
    installation: Annotated[
        str | None,
        typer.Option("--installation", metavar="GSRN", help="Only this installation."),
    ] = None,
    limit: Limit = 100,
    as_json: JsonOutput = False,
) -> None:
    """List the share log: every delivery of meter values to an ESCO (TPA-9)."""
    from elkund.access import operator
    from elkund.grid.gsrn import parse_installation_id

    with _read_only(as_json) as session:
        gsrn = None if installation is None else parse_installation_id(installation)
        rows = operator.list_deliveries(
            session, esco_id=_esco_id(session, esco), installation_id=gsrn, limit=limit
        )
    _emit(rows, as_json, _delivery_lines(rows))


@operator_app.command("webhooks")
def operator_webhooks(
    failed: Annotated[bool, typer.Option("--failed", help="Only failed attempts.")] = False,
    esco: EscoFilter = None,
    limit: Limit = 100,
    as_json: JsonOutput = False,
) -> None:
    """List webhook attempts, events never delivered, and deliveries given up on."""
    from elkund.access import operator

    with _read_only(as_json) as session:
        report = operator.webhook_report(
            session, esco_id=_esco_id(session, esco), failed_only=failed, limit=limit
        )
    _emit(report, as_json, _webhook_lines(report, failed=failed))


@contextmanager
def _read_only(as_json: bool) -> Iterator[Session]:
    """A transaction that only reads; a domain error is printed and the command exits 2."""
    engine = create_db_engine(get_settings().database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            yield session
    except AppError as error:
        print_app_error(error, as_json)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()


def _esco_id(session: Session, key: str | None) -> int | None:
    return None if key is None else find_esco(session, key).id


def _emit(data: object, as_json: bool, lines: Iterable[str]) -> None:
    """Print ``data`` as JSON (times in Stockholm with their offset) or print ``lines``."""
    if as_json:
        typer.echo(orjson.dumps(_in_stockholm(data)).decode())
        return
    for line in lines:
        typer.echo(line)


def _in_stockholm(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(STOCKHOLM)
    if is_dataclass(value) and not isinstance(value, type):
        return _in_stockholm(asdict(value))
    if isinstance(value, dict):
        return {key: _in_stockholm(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_in_stockholm(item) for item in value]
    return value


def _when(instant: datetime | None) -> str:
    return "-" if instant is None else instant.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def _validity(valid_from: date, valid_until: date) -> str:
    return f"valid {valid_from} to {valid_until}"


def _request_lines(rows: list[operator.RequestRow]) -> Iterator[str]:
    if not rows:
        yield "No requests."
    for row in rows:
        yield (
            f"{_when(row.created_at)}  {row.status:<16}  {row.id}  {row.esco.label}"
            f"  installation {row.installation_id}  customer {row.identity_masked}"
        )
        if row.refusal_code:
            yield f"    {row.refusal_code}: {row.refusal_detail}"


def _consent_lines(rows: list[operator.ConsentRow]) -> Iterator[str]:
    if not rows:
        yield "No consents."
    for row in rows:
        ended = f"  ended {_when(row.ended_at)}" if row.ended_at else ""
        yield (
            f"{_when(row.created_at)}  {row.status:<22}  {row.id}  {row.esco.label}"
            f"  installation {row.installation_id}  {_validity(row.valid_from, row.valid_until)}"
            + ended
        )


def _history_lines(found: operator.History) -> Iterator[str]:
    request, consent = found.request, found.consent
    yield (
        f"Request {request.id}  {request.status}  {request.esco.label}"
        f"  installation {request.installation_id}  customer {request.identity_masked}"
    )
    if request.refusal_code:
        yield f"    {request.refusal_code}: {request.refusal_detail}"
    if consent is not None:
        yield (
            f"Consent {consent.id}  {consent.status}  installation {consent.installation_id}"
            f"  {_validity(consent.valid_from, consent.valid_until)}"
        )
    for event in found.events:
        reason = f"  reason {event.reason}" if event.reason else ""
        yield f"{_when(event.at)}  {event.subject:<7}  {event.status:<22}  by {event.actor}{reason}"


def _delivery_lines(rows: list[operator.DeliveryRow]) -> Iterator[str]:
    if not rows:
        yield "No deliveries."
    for row in rows:
        yield (
            f"{_when(row.at)}  {row.esco.label}  installation {row.installation_id}"
            f"  {row.channel}  {_when(row.period_start)} to {_when(row.period_end)}"
            f"  {row.resolution}  {row.value_count} values  consent {row.consent_id or '-'}"
        )


def _webhook_lines(report: operator.WebhookReport, *, failed: bool) -> Iterator[str]:
    yield "Failed webhook attempts:" if failed else "Webhook attempts:"
    if not report.attempts:
        yield NONE
    for a in report.attempts:
        outcome = "ok" if a.succeeded else "FAILED"
        yield (
            f"  {_when(a.attempted_at)}  {outcome:<6}  {a.status_code or '-':>3}  {a.event_type}"
            f"  {a.url}  {a.esco.label}  event {a.event_id}"
        )
        if a.error:
            yield f"      {a.error}"
    yield "Events never delivered:"
    if not report.undelivered:
        yield NONE
    for e in report.undelivered:
        yield (
            f"  {_when(e.created_at)}  {e.event_type}  {e.esco.label}  event {e.event_id}"
            f"  {e.attempts} attempt(s)"
        )
    yield "Deliveries given up (failed webhook.deliver jobs):"
    if not report.failed_jobs:
        yield NONE
    for j in report.failed_jobs:
        yield (
            f"  {_when(j.failed_at)}  job {j.job_id}  {j.event_type}  {j.esco.label}"
            f"  event {j.event_id}  after {j.attempts} attempt(s): {j.last_error}"
        )

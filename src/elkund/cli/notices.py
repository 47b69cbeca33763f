"""``elkund notices``: contract expiry (SUP-23), assignment (SUP-22) and aggregation notices.

Letters are written as PDF under ``$ELKUND_VAR_DIR/letters``; docs/notices.md says what each one
says. Errors exit 2 with ``{"error": code, "detail": …}`` (``--json``) or ``code: detail``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from elkund.cli.common import JsonOutput, fail, print_app_error, unit_of_work
from elkund.core.localtime import local_date, utcnow
from elkund.core.settings import get_settings

if TYPE_CHECKING:
    from elkund.supply.notice_models import AggregationNotice

notices_app = typer.Typer(
    help="Notices to customers and to the grid company.", no_args_is_help=True
)
aggregation_app = typer.Typer(
    help="Aggregators' notices to the grid company (SUP-21).", no_args_is_help=True
)
notices_app.add_typer(aggregation_app, name="aggregation")

InstallationArg = Annotated[
    str, typer.Argument(metavar="INSTALLATION_ID", help="The anläggnings-ID (18 digits).")
]
DateOption = Annotated[
    str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="The letters' date (today).")
]


@notices_app.command("expiring")
def expiring(date_text: DateOption = None, as_json: JsonOutput = False) -> None:
    """Write a letter for every contract expiring within the lead time (SUP-23).

    The lead time is ELKUND_CONTRACT_EXPIRY_NOTICE_DAYS (90). Re-running writes no second letter
    about the same expiry; exit 2 if some letter could not be written.
    """
    from elkund.supply.contract_notices import send_expiry_notices

    today = _day(date_text, "--date")
    settings = get_settings()
    lead_days = settings.contract_expiry_notice_days
    with unit_of_work(as_json) as session:
        run = send_expiry_notices(
            session, today=today, lead_days=lead_days, output=settings.var_dir / "letters"
        )
    if as_json:
        document = {
            "date": today.isoformat(),
            "lead_days": lead_days,
            "letters": [letter.as_dict() for letter in run.made],
            "refused": [vars(refusal) for refusal in run.refused],
        }
        typer.echo(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
    else:
        for letter in run.made:
            late = "  LATE" if letter.late else ""
            typer.echo(
                f"contract {letter.contract_id}  {letter.installation_id}  expires"
                f" {letter.expires_on}  then {letter.successor}  {letter.pdf_path}{late}"
            )
        for refusal in run.refused:
            typer.echo(f"contract {refusal.contract_id} refused: {refusal.error}: {refusal.detail}")
        typer.echo(f"{len(run.made)} letters written, {len(run.refused)} refused.")
    if run.refused:
        raise typer.Exit(2)


@notices_app.command("assigned")
def assigned(
    installation_id: InstallationArg,
    supplier: Annotated[
        str, typer.Option("--supplier", metavar="ORGNR", help="The assigned supplier.")
    ],
    start: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="First day the supplier supplies (today)."),
    ] = None,
    date_text: DateOption = None,
    as_json: JsonOutput = False,
) -> None:
    """Write the grid company's letter to a customer assigned a supplier (SUP-22)."""
    from elkund.supply.assignment_notices import send_assignment_notice
    from elkund.supply.disclosure_service import find_supplier

    today = _day(date_text, "--date")
    first = _day(start, "--start") if start else today
    with unit_of_work(as_json) as session:
        letter = send_assignment_notice(
            session,
            installation_id=installation_id,
            supplier=find_supplier(session, supplier),
            start=first,
            today=today,
            output=get_settings().var_dir / "letters",
        )
    if as_json:
        typer.echo(orjson.dumps(letter.as_dict()).decode())
        return
    state = "written" if letter.created else "written earlier"
    typer.echo(
        f"Letter to {letter.customer} ({letter.installation_id}): {letter.supplier} from"
        f" {letter.start}, {state}: {letter.pdf_path}"
    )


@aggregation_app.command("register")
def aggregation_register(
    name: Annotated[str, typer.Option(help="Company name.")],
    orgnr: Annotated[str, typer.Option(help="Organisationsnummer, NNNNNN-NNNN.")],
    email: Annotated[str | None, typer.Option(help="Contact e-mail.")] = None,
    as_json: JsonOutput = False,
) -> None:
    """Register a provider of aggregation services (an aggregator)."""
    from elkund.parties.models import PartyRole
    from elkund.parties.service import register_party

    with unit_of_work(as_json) as session:
        party = register_party(
            session, role=PartyRole.AGGREGATOR, name=name, org_number=orgnr, email=email
        )
        registered = {"id": party.id, "name": party.name, "role": str(party.role)}
    if as_json:
        typer.echo(orjson.dumps(registered).decode())
        return
    typer.echo(f"Registered aggregator {name} with id {registered['id']}.")


@aggregation_app.command("send")
def aggregation_send(
    installation_id: InstallationArg,
    aggregator: Annotated[
        str, typer.Option("--aggregator", metavar="ORGNR", help="Who sends the notice.")
    ],
    start: Annotated[
        str, typer.Option(metavar="YYYY-MM-DD", help="First day of the aggregation service.")
    ],
    as_json: JsonOutput = False,
) -> None:
    """Notify the grid company that an aggregation service starts (SUP-21).

    The notice is kept even when refused; a refusal exits 2 with its code.
    """
    from elkund.supply.aggregation import refusal_error, send_aggregation_notice, sender_party

    first = _day(start, "--start")
    with unit_of_work(as_json) as session:
        notice = send_aggregation_notice(
            session,
            aggregator=sender_party(session, org_number=aggregator),
            installation_ref=installation_id,
            start=first,
            now=utcnow(),
        )
    if notice.refusal_code is not None:  # committed: the refused notice is kept
        print_app_error(refusal_error(notice), as_json)
        raise typer.Exit(2)
    if as_json:
        typer.echo(orjson.dumps(_notice_dict(notice)).decode())
        return
    typer.echo(
        f"Notice {notice.id} accepted: aggregation on {notice.installation_ref} from {first}."
    )


@aggregation_app.command("list")
def aggregation_list(
    aggregator: Annotated[
        str | None, typer.Option("--aggregator", metavar="ORGNR", help="Notices it sent.")
    ] = None,
    installation: Annotated[
        str | None,
        typer.Option("--installation", metavar="INSTALLATION_ID", help="Notices about it."),
    ] = None,
    as_json: JsonOutput = False,
) -> None:
    """Aggregation notices, accepted and refused, of one aggregator or one installation."""
    from elkund.grid.service import get_installation
    from elkund.supply.aggregation import (
        aggregation_notices_of,
        aggregation_notices_on,
        sender_party,
    )

    if (aggregator is None) == (installation is None):
        fail("Give exactly one of --aggregator and --installation.")
    with unit_of_work(as_json) as session:
        if aggregator is not None:
            party = sender_party(session, org_number=aggregator)
            notices = aggregation_notices_of(session, aggregator=party)
        else:
            assert installation is not None
            found = get_installation(session, installation_id=installation)
            notices = aggregation_notices_on(session, installation=found)
        rows = [_notice_dict(notice) for notice in notices]
    if as_json:
        typer.echo(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
        return
    for row in rows:
        why = f"  {row['refusal_code']}" if row["refusal_code"] else ""
        typer.echo(
            f"{row['id']}  {row['installation_id']}  from {row['start_date']}  {row['status']}{why}"
        )


def _notice_dict(notice: AggregationNotice) -> dict[str, object]:
    return {
        "id": notice.id,
        "aggregator_id": notice.aggregator_id,
        "installation_id": notice.installation_ref,
        "start_date": notice.start_date.isoformat(),
        "received_at": notice.received_at.isoformat(),
        "status": str(notice.status),
        "refusal_code": notice.refusal_code,
        "refusal_detail": notice.refusal_detail,
    }


def _day(text: str | None, option: str) -> date:
    if text is None:
        return local_date(utcnow())
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} must be YYYY-MM-DD, not {text!r}.")
        raise typer.Exit(2) from None  # fail() has exited already

"""``elkund dunning``: reminders and the non-payment notices of Bilaga 1 and 2 (SUP-27)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from elkund.cli.common import JsonOutput, fail, unit_of_work
from elkund.core.localtime import local_date, utcnow
from elkund.core.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from elkund.supply.billing_models import Invoice

dunning_app = typer.Typer(
    help="Overdue invoices: reminders and non-payment notices.", no_args_is_help=True
)

InvoiceNumber = Annotated[str, typer.Argument(metavar="INVOICE_NUMBER", help="e.g. 2026-000123")]
SupplierOption = Annotated[
    str | None, typer.Option("--supplier", metavar="ORGNR", help="Only this supplier.")
]
DateOption = Annotated[str | None, typer.Option("--date", metavar="YYYY-MM-DD")]


@dunning_app.command("run")
def run(
    on: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="The run's date.")],
    supplier: SupplierOption = None,
    output: Annotated[
        Path | None, typer.Option(help="Where the letters' PDFs go (default: var/letters).")
    ] = None,
    as_json: JsonOutput = False,
) -> None:
    """Send the reminders and notices due on DATE and print them (re-running sends none twice).
    DATE may not be after today, nor in production before it (date_in_future, date_in_past).
    Exit 0: done; 1: some invoices refused (e.g. no social committee address); 2: refused."""
    from elkund.supply.dunning import DunningTerms, check_run_date, run_dunning

    day, org = _day(on), _org(supplier)
    settings = get_settings()
    with unit_of_work(as_json) as session:
        check_run_date(day, today=_today(), production=settings.env == "production")
        result = run_dunning(
            session,
            on=day,
            output=output or settings.var_dir / "letters",
            terms=DunningTerms.from_settings(settings),
            supplier_org=org,
        )
    if as_json:
        typer.echo(orjson.dumps(result.as_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        for warning in result.warnings:
            typer.echo(f"warning: {warning}", err=True)
        for letter in result.letters:
            typer.echo(f"{letter.invoice}  {letter.kind:<16} {letter.recipient}  {letter.pdf_path}")
        for note in result.notes:
            typer.echo(f"{note.invoice}  {note.note} (since {note.since})")
        for refusal in result.refused:
            typer.echo(f"{refusal.invoice}  refused: {refusal.error}: {refusal.detail}", err=True)
    raise typer.Exit(1 if result.refused else 0)


@dunning_app.command("dispute")
def dispute_command(
    number: InvoiceNumber,
    reason: Annotated[str, typer.Option(help="What the customer disputes.")],
    supplier: SupplierOption = None,
    on: DateOption = None,
    as_json: JsonOutput = False,
) -> None:
    """Hold the dunning of a disputed invoice until ``undispute``."""
    from elkund.supply.dunning_disputes import dispute

    with unit_of_work(as_json) as session:
        invoice = _invoice(session, number, supplier)
        case = dispute(session, invoice, reason=reason, on=_day(on) if on else _today())
        _echo_case(invoice.number, case.status, as_json)


@dunning_app.command("undispute")
def undispute_command(
    number: InvoiceNumber,
    supplier: SupplierOption = None,
    on: DateOption = None,
    as_json: JsonOutput = False,
) -> None:
    """Withdraw a dispute: the next run takes the invoice on from where it was held."""
    from elkund.supply.dunning_disputes import undispute

    with unit_of_work(as_json) as session:
        invoice = _invoice(session, number, supplier)
        case = undispute(session, invoice, on=_day(on) if on else _today())
        _echo_case(invoice.number, case.status, as_json)


@dunning_app.command("received")
def received_command(
    number: InvoiceNumber,
    on: Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="Day it was received.")],
    supplier: SupplierOption = None,
    as_json: JsonOutput = False,
) -> None:
    """Record when the consumer received the Bilaga 1 notice: the three weeks run from then."""
    from elkund.supply.dunning_disputes import record_receipt

    with unit_of_work(as_json) as session:
        invoice = _invoice(session, number, supplier)
        letter = record_receipt(session, invoice, received_on=_day(on))
    if as_json:
        typer.echo(orjson.dumps(letter.as_dict()).decode())
    else:
        typer.echo(
            f"{letter.invoice}: received {letter.received_on}, pay by {letter.pay_by}, "
            f"disconnection from {letter.disconnection_from}"
        )


def _invoice(session: Session, number: str, supplier: str | None) -> Invoice:
    from elkund.supply.dunning_disputes import find_invoice

    return find_invoice(session, number, supplier_org=_org(supplier))


def _echo_case(number: str, status: str, as_json: bool) -> None:
    if as_json:
        typer.echo(orjson.dumps({"invoice": number, "status": status}).decode())
    else:
        typer.echo(f"{number}: {status}")


def _org(supplier: str | None) -> str | None:
    from elkund.customers.identity import InvalidIdentityNumber, parse_organisation_number

    if supplier is None:
        return None
    try:
        return parse_organisation_number(supplier).value
    except InvalidIdentityNumber as error:
        fail(f"--supplier: {error}")
        raise typer.Exit(2) from None  # fail() has exited already


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"A date must be YYYY-MM-DD, not {text!r}.")
        raise typer.Exit(2) from None  # fail() has exited already


def _today() -> date:
    return local_date(utcnow())

"""``elkund billing run``: invoice every contract due in a month (SUP-7, SUP-9)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import orjson
import typer

from elkund.cli.common import JsonOutput, fail
from elkund.core.db import create_db_engine, make_session_factory
from elkund.core.localtime import utcnow
from elkund.core.settings import get_settings

billing_app = typer.Typer(help="Supplier billing: invoices, credit notes, PDF and Peppol UBL.")


@billing_app.command("run")
def run(
    month: Annotated[str, typer.Option(metavar="YYYY-MM", help="The month to bill.")],
    supplier: Annotated[
        str | None, typer.Option(metavar="ORGNR", help="Only this supplier.")
    ] = None,
    queue: Annotated[
        bool, typer.Option("--queue", help="Leave the PDFs (and UBL) to the worker.")
    ] = False,
    as_json: JsonOutput = False,
) -> None:
    """Bill every contract due in MONTH and print the month's invoices (re-running adds none)."""
    from elkund.customers.identity import InvalidIdentityNumber, parse_organisation_number
    from elkund.supply.billing import run_billing

    first = _month(month)
    org = None
    if supplier is not None:
        try:
            org = parse_organisation_number(supplier).value
        except InvalidIdentityNumber as error:
            fail(f"--supplier: {error}")
    settings = get_settings()
    engine = create_db_engine(settings.database_url)
    try:
        result = run_billing(
            make_session_factory(engine),
            month=first,
            supplier_org=org,
            now=utcnow(),
            output=settings.var_dir / "invoices",
            render="queue" if queue else "now",
        )
    finally:
        engine.dispose()
    if as_json:
        document = {
            "invoices": [invoice.as_dict() for invoice in result.invoices],
            "refused": [vars(refusal) for refusal in result.refused],
        }
        typer.echo(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
    else:
        for invoice in result.invoices:
            state = "new" if invoice.created else "issued earlier"
            typer.echo(
                f"{invoice.number}  {invoice.kind:<11}  {invoice.installation_id}"
                f"  {invoice.total_sek:>10} kr  {state}  {invoice.pdf_path}"
            )
        for refusal in result.refused:
            typer.echo(f"contract {refusal.contract_id} refused: {refusal.error}: {refusal.detail}")
    if result.refused:
        raise typer.Exit(2)


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        fail(f"--month must be YYYY-MM, not {text!r}.")
        raise typer.Exit(2) from None  # fail() has exited already

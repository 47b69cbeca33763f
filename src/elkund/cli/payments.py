"""``elkund payments``: import Bankgirot's BgMax payment files and match them to invoices."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from elkund.cli.common import NONE, JsonOutput, print_app_error, unit_of_work
from elkund.core.errors import AppError

if TYPE_CHECKING:
    from elkund.supply.payment_models import Payment
    from elkund.supply.payments import BookedPayment, ImportReport

payments_app = typer.Typer(
    help="Payments received on the supplier's bankgiro (docs/payments.md).", no_args_is_help=True
)


@payments_app.command("import")
def payments_import(
    file: Annotated[Path, typer.Argument(help="A BgMax file from Bankgirot.")],
    as_json: JsonOutput = False,
) -> None:
    """Book a file's payments. Exit 0: all matched (or imported before); 1: some payments need
    a person (unmatched, overpaid or flagged); 2: refused, nothing booked."""
    from elkund.supply.payments import import_bgmax

    if not file.is_file():
        print_app_error(AppError(f"No such file: {file}", code="file_not_found"), as_json)
        raise typer.Exit(2)
    with unit_of_work(as_json) as session:
        report = import_bgmax(session, data=file.read_bytes(), filename=file.name)
    _print_report(file, report, as_json)
    raise typer.Exit(1 if report.needs_attention else 0)


@payments_app.command("unmatched")
def payments_unmatched(as_json: JsonOutput = False) -> None:
    """List the payments no invoice has been found for, oldest first."""
    from elkund.supply.payments import unmatched_payments

    with unit_of_work(as_json) as session:
        rows = [_payment_row(payment) for payment in unmatched_payments(session)]
    if as_json:
        typer.echo(orjson.dumps({"unmatched": rows}).decode())
        return
    for row in rows:
        typer.echo(
            f"{row['id']:>6}  {row['paid_on']}  {row['amount']:>12} kr  {row['reference']:<25}"
            f"  {row['payer'] or ''}"
        )
    if not rows:
        typer.echo(NONE)


@payments_app.command("match")
def payments_match(
    payment_id: Annotated[int, typer.Argument(help="The payment's id (payments unmatched).")],
    invoice_number: Annotated[str, typer.Argument(help="The invoice's number, e.g. 00000012.")],
    as_json: JsonOutput = False,
) -> None:
    """Match an unmatched payment to one of its supplier's invoices."""
    from elkund.supply.payments import match_payment

    with unit_of_work(as_json) as session:
        booked = match_payment(session, payment_id=payment_id, invoice_number=invoice_number)
    if as_json:
        typer.echo(orjson.dumps(booked.as_dict()).decode())
    else:
        typer.echo(_booked_line(booked))


def _payment_row(payment: Payment) -> dict[str, object]:
    return {
        "id": payment.id,
        "supplier_id": payment.supplier_id,
        "paid_on": payment.paid_on.isoformat(),
        "amount": str(payment.amount),
        "reference": payment.reference,
        "payer": payment.payer,
        "file_id": payment.file_id,
        "line": payment.file_line,
    }


def _print_report(path: Path, report: ImportReport, as_json: bool) -> None:
    if as_json:
        typer.echo(orjson.dumps({"file": str(path), **report.as_dict()}).decode())
        return
    if report.already_imported:
        typer.echo(f"{path}: imported before (file {report.file_id}); nothing booked")
        return
    parts = [
        f"{n['count']} {outcome} ({n['amount']} kr)" for outcome, n in report.summary().items()
    ]
    typer.echo(f"{path}: " + ", ".join(parts))
    for booked in report.payments:
        typer.echo("  " + _booked_line(booked))


def _booked_line(booked: BookedPayment) -> str:
    target = f"invoice {booked.invoice_number}" if booked.invoice_number else "no invoice"
    left = f", {booked.open_amount} kr open" if booked.open_amount is not None else ""
    flags = f" [{', '.join(booked.flags)}]" if booked.flags else ""
    return (
        f"payment {booked.payment_id} line {booked.line}: {booked.amount} kr ref"
        f" {booked.reference or '-'} → {target}: {booked.outcome}{left}{flags}"
    )

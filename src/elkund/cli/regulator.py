"""``elkund regulator``: exports for Energimarknadsinspektionen and the Commission (SUP-24, 25).

``prices`` prints or writes a supplier's prices and terms in Elpriskollen's fields; ``records``
writes a period's contracts and transactions with a manifest and checksums; ``retention`` reports
which records have passed the bookkeeping retention period. Each export is recorded. Errors exit
2 with ``{"error": code, "detail": …}`` under ``--json``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import orjson
import typer

from elkund.cli.common import JsonOutput, fail, print_app_error, unit_of_work
from elkund.core.errors import AppError
from elkund.core.localtime import utcnow

regulator_app = typer.Typer(help="Reports and exports for the regulator.", no_args_is_help=True)

SupplierOption = Annotated[
    str, typer.Option("--supplier", metavar="ORGNR", help="The supplier's organisationsnummer.")
]


@regulator_app.command("prices")
def prices(
    supplier: SupplierOption,
    day: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="The price date.")],
    file_format: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", metavar="PATH", help="Write here, not stdout.")
    ] = None,
) -> None:
    """Prices and terms per product and bidding zone, in Elpriskollen's fields (SUP-24)."""
    from elkund.supply.disclosure_service import find_supplier
    from elkund.supply.elpriskollen import export_prices

    if file_format not in ("csv", "json"):
        print_app_error(AppError("--format is csv or json.", code="invalid_format"), False)
        raise typer.Exit(2)
    when = _date(day, "--date")
    with unit_of_work() as session:
        party = find_supplier(session, supplier)
        data, export = export_prices(
            session, supplier=party, day=when, file_format=file_format, output=output, now=utcnow()
        )
        rows = orjson.loads(export.row_counts)["rows"]
    if output is None:
        typer.echo(data.decode(), nl=False)
    else:
        typer.echo(f"{output}: {rows} rows (export {export.id}, sha256 {export.sha256})")


@regulator_app.command("records")
def records(
    supplier: SupplierOption,
    first: Annotated[str, typer.Option("--from", metavar="YYYY-MM-DD", help="First day.")],
    last: Annotated[str, typer.Option("--to", metavar="YYYY-MM-DD", help="Last day, included.")],
    output: Annotated[
        Path, typer.Option("--output", metavar="DIR", help="A new or empty directory.")
    ],
    as_json: JsonOutput = False,
) -> None:
    """Contracts, notices, invoices and payments of a period as CSV and JSON (SUP-25)."""
    from elkund.supply.disclosure_service import find_supplier
    from elkund.supply.records_export import export_records

    start, end = _date(first, "--from"), _date(last, "--to")
    with unit_of_work(as_json) as session:
        party = find_supplier(session, supplier)
        result = export_records(
            session, supplier=party, first=start, last=end, output=output, now=utcnow()
        )
    if as_json:
        document = {"export_id": result.export_id, "directory": str(output), **result.manifest}
        typer.echo(orjson.dumps(document).decode())
        return
    counts = ", ".join(f"{n} {kind}" for kind, n in result.manifest["row_counts"].items())
    typer.echo(f"{output}: {counts} (export {result.export_id}); check with sha256sum -c")


@regulator_app.command("retention")
def retention(
    day: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="The day to judge.")],
    apply_: Annotated[
        bool, typer.Option("--apply", help="Delete what is past (refused in this version).")
    ] = False,
    supplier: Annotated[
        str | None, typer.Option("--supplier", metavar="ORGNR", help="Only this supplier.")
    ] = None,
    fiscal_year_end_month: Annotated[
        int, typer.Option(help="The month the fiscal year ends with (12: calendar year).")
    ] = 12,
    as_json: JsonOutput = False,
) -> None:
    """Which records are past the 7-year retention (bokföringslagen 7 kap. 2 §); a dry run."""
    from elkund.supply import retention as policy
    from elkund.supply.disclosure_service import find_supplier

    when = _date(day, "--date")
    with unit_of_work(as_json) as session:
        supplier_id = find_supplier(session, supplier).id if supplier else None
        report = policy.retention_report(
            session, on=when, supplier_id=supplier_id, end_month=fiscal_year_end_month
        )
        if apply_:
            policy.apply(report)
    if as_json:
        typer.echo(orjson.dumps(report.as_dict()).decode())
        return
    counts = ", ".join(f"{n} {kind}" for kind, n in report.counts().items())
    typer.echo(f"Past retention on {when} (dry run, nothing deleted): {counts}")
    for item in report.expired:
        typer.echo(
            f"  {item.kind} {item.id}: dated {item.record_date}, kept until {item.kept_until}"
        )


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} must be YYYY-MM-DD, not {text!r}.")
        raise typer.Exit(2) from None  # fail() has exited already

"""``elkund prices``: import day-ahead (spot) prices per bidding zone (docs/day-ahead-prices.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from elkund.cli.common import JsonOutput, print_app_error, unit_of_work
from elkund.core.errors import AppError

prices_app = typer.Typer(help="Day-ahead (spot) prices per bidding zone.", no_args_is_help=True)


@prices_app.command("import")
def prices_import(
    file: Annotated[Path, typer.Argument(help="A CSV or JSON file (docs/day-ahead-prices.md).")],
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv or json (default: by suffix).")
    ] = None,
    as_json: JsonOutput = False,
) -> None:
    """Import prices. Exit 0: every row stored or unchanged; 1: some rows rejected; 2: refused."""
    from elkund.supply.price_formats import PriceFormat, guess_format
    from elkund.supply.prices import import_prices

    if file_format not in (None, "csv", "json"):
        print_app_error(AppError("--format is csv or json.", code="invalid_format"), as_json)
        raise typer.Exit(2)
    if not file.is_file():
        print_app_error(AppError(f"No such file: {file}", code="file_not_found"), as_json)
        raise typer.Exit(2)
    fmt = PriceFormat(file_format) if file_format else guess_format(file.name)
    with unit_of_work(as_json) as session:
        report = import_prices(session, data=file.read_bytes(), file_format=fmt)
    _print_report(file, report.as_dict(), as_json)
    raise typer.Exit(1 if report.rejected else 0)


def _print_report(path: Path, report: dict[str, object], as_json: bool) -> None:
    if as_json:
        typer.echo(orjson.dumps({"file": str(path), **report}).decode())
        return
    rejected: list[dict[str, object]] = report["rejected"]  # type: ignore[assignment]
    typer.echo(
        f"{path}: {report['received']} rows, {report['inserted']} new, {report['updated']}"
        f" updated, {report['unchanged']} unchanged, {len(rejected)} rejected"
    )
    for rejection in rejected:
        typer.echo(f"  line {rejection['line']}: {rejection['error']}: {rejection['detail']}")

"""The ``elkund`` command: serve, migrate, load demo data, import meter values, run the worker."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from elkund.core.db import create_db_engine, make_session_factory, session_scope
from elkund.core.errors import AppError
from elkund.core.settings import get_settings
from elkund.observability import configure_logging

if TYPE_CHECKING:
    pass
from elkund.cli.billing import billing_app
from elkund.cli.common import fail, safe_url
from elkund.cli.dev import dev_app
from elkund.cli.dunning import dunning_app
from elkund.cli.esco import esco_app
from elkund.cli.notices import notices_app
from elkund.cli.operator import operator_app
from elkund.cli.payments import payments_app
from elkund.cli.prices import prices_app
from elkund.cli.regulator import regulator_app
from elkund.cli.supplier import supplier_app

app = typer.Typer(
    help="elkund: meter values, third-party access and supplier duties.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(esco_app, name="esco")
app.add_typer(operator_app, name="operator")
app.add_typer(dev_app, name="dev")
app.add_typer(prices_app, name="prices")
app.add_typer(supplier_app, name="supplier")
app.add_typer(billing_app, name="billing")
app.add_typer(payments_app, name="payments")
app.add_typer(dunning_app, name="dunning")
app.add_typer(notices_app, name="notices")
app.add_typer(regulator_app, name="regulator")


@app.callback()
def _setup() -> None:
    configure_logging(json=get_settings().log_json)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Create or migrate the schema of ELKUND_DATABASE_URL (default var/elkund.db)."""
    from elkund.migrate import upgrade

    upgrade(get_settings().database_url, revision)
    typer.echo(f"Database at {safe_url()} is at revision {revision}.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes (e.g. one per CPU core).")
    ] = 1,
) -> None:
    """Serve the API and the portal."""
    import uvicorn

    from elkund.api.app import create_app

    typer.echo(f"elkund serving on http://{host}:{port}/ (API docs: http://{host}:{port}/docs)")
    if workers == 1:
        uvicorn.run(create_app(), host=host, port=port, log_level="info")
    else:  # each process builds its own app (and, embedded, its own job worker thread)
        uvicorn.run(
            "elkund.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
        )


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Seed; the same seed gives the same data.")] = 2026,
    years: Annotated[int, typer.Option(help="Years of meter values.")] = 3,
) -> None:
    """Load realistic demo data (once; running it again changes nothing)."""
    settings = get_settings()
    if settings.env == "production":
        fail("Refusing to load demo data with ELKUND_ENV=production.")
    from elkund.demo import load_demo
    from elkund.migrate import upgrade

    upgrade(settings.database_url, "head")
    factory = make_session_factory(create_db_engine(settings.database_url))
    accounts = settings.var_dir / "demo-accounts.json"
    with session_scope(factory, write=True) as session:
        summary = load_demo(session, seed=seed, years=years, accounts_path=accounts)
    state = "Loaded" if summary.created else "Already loaded"
    typer.echo(
        f"{state}: {summary.customers} customers, {summary.installations} installations,"
        f" {summary.values:,} meter values, {summary.invoices} invoices"
        " (their PDFs are rendered by the worker)."
    )
    _print_demo_logins(summary.accounts_path)


def _print_demo_logins(path: Path, shown: int = 3) -> None:
    """A few logins to start with; every one of them is in the accounts file."""
    accounts = orjson.loads(path.read_bytes())
    typer.echo(f"Demo logins (all of them: {path}):")
    people = [c for c in accounts["customers"] if c["type"] == "private" and c["installations"]]
    for person in people[:shown]:
        typer.echo(f"  e-ID test person  {person['identity_number']}  {person['name']}")
    for login in accounts["business_logins"][:shown]:
        typer.echo(
            f"  business login    {login['username']} / {login['password']}  {login['company']}"
        )
    for esco in accounts["escos"]:
        client = f"client_id {esco['client_id']}" if esco.get("client_id") else ""
        typer.echo(f"  ESCO              {esco['name']} ({esco['org_number']})  {client}".rstrip())


@app.command("import")
def import_values(
    files: Annotated[
        list[Path], typer.Argument(help="CSV or JSON files (see docs/meter-value-formats.md).")
    ],
    atomic: Annotated[
        bool, typer.Option(help="Store nothing from a file if any row is bad.")
    ] = False,
    file_format: Annotated[
        str | None, typer.Option("--format", help="csv or json (default: by suffix).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    queue: Annotated[bool, typer.Option(help="Hand the files to the worker instead.")] = False,
) -> None:
    """Import meter values. Exit 0: all stored; 1: some rows rejected; 2: a file refused."""
    from elkund.metering.formats import FileFormat, guess_format
    from elkund.metering.jobs import enqueue_import
    from elkund.metering.service import ingest_file

    settings = get_settings()
    factory = make_session_factory(create_db_engine(settings.database_url))
    worst = 0
    for path in files:
        fmt = FileFormat(file_format) if file_format else guess_format(path.name)
        if not path.is_file():
            _print_error(path, AppError(f"No such file: {path}", code="file_not_found"), as_json)
            worst = 2
            continue
        if queue:
            with session_scope(factory, write=True) as session:
                job = enqueue_import(
                    session,
                    source=path,
                    inbox=settings.var_dir / "inbox",
                    file_format=fmt,
                    atomic=atomic,
                )
            typer.echo(f"{path}: queued as job {job}")
            continue
        try:
            with session_scope(factory, write=True) as session:
                report = ingest_file(
                    session, data=path.read_bytes(), file_format=fmt, atomic=atomic
                )
        except AppError as error:
            _print_error(path, error, as_json)
            worst = 2
            continue
        _print_report(path, report.as_dict(), as_json)
        worst = max(worst, 0 if not report.rejected else 1 if report.stored else 2)
    raise typer.Exit(worst)


def _print_report(path: Path, report: dict[str, object], as_json: bool) -> None:
    if as_json:
        typer.echo(orjson.dumps({"file": str(path), **report}).decode())
        return
    typer.echo(
        f"{path}: {report['received']} rows, {report['inserted']} new, {report['corrected']}"
        f" corrected, {report['unchanged']} unchanged, {len(report['rejected'])} rejected"  # type: ignore[arg-type]
        + ("" if report["stored"] else " — nothing stored (--atomic)")
    )
    for rejection in report["rejected"]:  # type: ignore[attr-defined]
        typer.echo(f"  line {rejection['line']}: {rejection['error']}: {rejection['detail']}")


def _print_error(path: Path, error: AppError, as_json: bool) -> None:
    if as_json:
        typer.echo(
            orjson.dumps({"file": str(path), "error": error.code, "detail": error.detail}).decode()
        )
    else:
        typer.echo(f"{path}: {error.code}: {error.detail}", err=True)


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="Process what is due, then exit.")] = False,
) -> None:
    """Run background jobs (in production, apart from ``serve``; several may run at once)."""
    from elkund.jobs_runner import run_worker

    run_worker(get_settings(), once=once)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

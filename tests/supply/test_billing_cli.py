"""``elkund billing run --month YYYY-MM [--supplier ORGNR] --json``."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from elkund.cli import app
from tests.supply.test_billing import seed

runner = CliRunner()


@pytest.fixture
def factory(cli_database: sessionmaker[Session]) -> sessionmaker[Session]:
    return cli_database


def test_the_run_prints_the_months_invoices_and_a_rerun_creates_none(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    world = seed(factory)
    command = ["billing", "run", "--month", "2025-03", "--supplier", world.supplier_org, "--json"]
    first = runner.invoke(app, command)
    assert first.exit_code == 0, first.output
    (invoice,) = orjson.loads(first.output)["invoices"]
    assert set(invoice) >= {
        "number",
        "customer",
        "installation_id",
        "total_sek",
        "pdf_path",
        "ubl_path",
        "created",
    }
    assert (invoice["installation_id"], invoice["created"]) == (world.gsrn, True)
    assert Path(invoice["pdf_path"]).is_relative_to(tmp_path / "var" / "invoices")
    again = orjson.loads(runner.invoke(app, command).output)["invoices"]
    assert [(i["number"], i["created"]) for i in again] == [(invoice["number"], False)]


@pytest.mark.parametrize("month", ["2025-13", "mars", "2025-3-1"])
def test_a_bad_month_is_refused(factory: sessionmaker[Session], month: str) -> None:
    result = runner.invoke(app, ["billing", "run", "--month", month])
    assert result.exit_code == 2
    assert "--month must be YYYY-MM" in result.output


def test_queue_leaves_the_files_to_the_worker(factory: sessionmaker[Session]) -> None:
    world = seed(factory)
    command = ["billing", "run", "--month", "2025-03", "--supplier", world.supplier_org]
    result = runner.invoke(app, [*command, "--queue", "--json"])
    assert result.exit_code == 0, result.output
    (invoice,) = orjson.loads(result.output)["invoices"]
    assert (invoice["created"], invoice["pdf_path"]) == (True, None)
    worker = runner.invoke(app, ["worker", "--once"])
    assert worker.exit_code == 0, worker.output
    (rendered,) = orjson.loads(runner.invoke(app, [*command, "--json"]).output)["invoices"]
    assert rendered["created"] is False
    assert Path(rendered["pdf_path"]).read_bytes().startswith(b"%PDF-")

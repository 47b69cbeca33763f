"""SUP-25: a period's contracts and transactions as CSV and JSON, with a manifest and checksums."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from elkund.cli import app
from elkund.core.db import session_scope
from elkund.customers.identity import format_number
from elkund.supply.models import NoticeKind, NoticeStatus, SupplyNotice
from elkund.supply.ocr import make_ocr
from elkund.supply.payment_models import Payment
from elkund.supply.records_export import (
    CHECKSUMS,
    MANIFEST,
    TABLES,
    InvalidPeriod,
    OutputNotEmpty,
    cell,
    export_records,
)
from elkund.supply.regulator_models import RegulatorExport
from tests.supply.regulator_setup import (
    Supplied,
    add_contract,
    add_invoice,
    add_payment,
    make_supplied,
)

FIRST, LAST = date(2025, 3, 1), date(2025, 3, 31)
NOW = datetime(2025, 4, 2, 7, 30, tzinfo=UTC)
DATA_FILES = [f"{t.name}.{suffix}" for t in TABLES for suffix in ("csv", "json")]


@dataclass
class Marked:
    """The records of supplier A that the period must (``inside``) and must not hold."""

    world: Supplied
    inside: dict[str, set[int]]


def _notice(session: Session, world: Supplied, sent_at: datetime) -> int:
    notice = SupplyNotice(
        kind=NoticeKind.START,
        supplier_id=world.supplier.id,
        installation_ref=world.installation.gsrn,
        installation_id=world.installation.id,
        customer_id=world.customer.id,
        contract_id=world.contract.id,
        start_date=date(2025, 5, 1),
        sent_at=sent_at,
        status=NoticeStatus.ACCEPTED,
        answered_at=sent_at,
    )
    session.add(notice)
    session.flush()
    return notice.id


def seed(session: Session) -> Marked:
    a = make_supplied(session)  # supply from 1 March; its notice was sent on 1 February
    contracts = {
        a.contract.id,
        add_contract(session, a, start=date(2025, 1, 1), end=date(2025, 3, 2)).id,
        add_contract(session, a, start=LAST, end=None).id,
    }
    add_contract(session, a, start=date(2025, 1, 1), end=FIRST)  # last day of supply 28 Feb
    add_contract(session, a, start=date(2025, 4, 1), end=None)
    # Local days: 1 March starts at 23:00 UTC on 28 Feb; 1 April at 22:00 UTC (summer time).
    notices = {
        _notice(session, a, datetime(2025, 2, 28, 23, 0, tzinfo=UTC)),
        _notice(session, a, datetime(2025, 3, 31, 21, 59, 59, tzinfo=UTC)),
    }
    _notice(session, a, datetime(2025, 2, 28, 22, 59, 59, tzinfo=UTC))
    _notice(session, a, datetime(2025, 3, 31, 22, 0, tzinfo=UTC))
    add_invoice(session, a.contract, issued=date(2025, 2, 28))
    first = add_invoice(session, a.contract, issued=FIRST)
    last = add_invoice(session, a.contract, issued=LAST)
    note = add_invoice(
        session,
        a.contract,
        issued=date(2025, 3, 15),
        kind="credit_note",
        total=Decimal("-125.00"),
        credits=first,
    )
    add_invoice(session, a.contract, issued=date(2025, 4, 1))
    paid = add_payment(session, first, paid_on=FIRST)
    add_payment(session, last, paid_on=date(2025, 4, 1))
    # Another supplier's records in the same period never appear.
    b = make_supplied(session)
    add_payment(session, add_invoice(session, b.contract, issued=date(2025, 3, 10)), paid_on=LAST)
    inside = {
        "contracts": contracts,
        "supply_notices": notices,
        "invoices": {first.id, last.id, note.id},
        "payments": {paid.id},
    }
    return Marked(a, inside)


def _ids(directory: Path, name: str) -> set[int]:
    document = orjson.loads((directory / f"{name}.json").read_bytes())
    key = {"supply_notices": "notice_id"}.get(name, f"{name[:-1]}_id")
    return {row[key] for row in document["rows"]}


def test_sup_25_the_period_holds_exactly_the_suppliers_records_inside_it(
    session: Session, tmp_path: Path
) -> None:
    marked = seed(session)
    out = tmp_path / "export"
    result = export_records(
        session, supplier=marked.world.supplier, first=FIRST, last=LAST, output=out, now=NOW
    )
    for name, ids in marked.inside.items():
        assert _ids(out, name) == ids, name
    assert result.manifest["row_counts"] == {k: len(v) for k, v in marked.inside.items()}


def test_sup_25_the_manifest_says_what_whose_when_and_the_checksums_match(
    session: Session, tmp_path: Path
) -> None:
    marked = seed(session)
    out = tmp_path / "export"
    result = export_records(
        session, supplier=marked.world.supplier, first=FIRST, last=LAST, output=out, now=NOW
    )
    assert sorted(p.name for p in out.iterdir()) == sorted([*DATA_FILES, MANIFEST, CHECKSUMS])
    manifest = orjson.loads((out / MANIFEST).read_bytes())
    assert manifest == result.manifest
    supplier = marked.world.supplier
    assert manifest["supplier"] == {
        "name": supplier.name,
        "org_number": format_number(supplier.org_number),
    }
    assert manifest["period"] == {"from": "2025-03-01", "to": "2025-03-31", "to_inclusive": True}
    assert manifest["created_at"] == "2025-04-02T07:30:00Z"
    assert [f["name"] for f in manifest["files"]] == DATA_FILES
    for entry in manifest["files"]:
        data = (out / entry["name"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        assert entry["rows"] == manifest["row_counts"][entry["name"].rsplit(".", 1)[0]]
    checked = subprocess.run(
        ["sha256sum", "-c", CHECKSUMS], cwd=out, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == len(DATA_FILES) + 1  # the manifest is covered too
    recorded = session.scalars(select(RegulatorExport)).one()
    assert recorded.id == result.export_id
    assert (recorded.kind, recorded.supplier_id, recorded.period_from, recorded.period_to) == (
        "records",
        supplier.id,
        FIRST,
        LAST,
    )
    assert recorded.sha256 == hashlib.sha256((out / MANIFEST).read_bytes()).hexdigest()
    assert orjson.loads(recorded.row_counts) == manifest["row_counts"]
    assert recorded.location == str(out.resolve())


def test_sup_25_csv_and_json_read_back_to_the_same_rows(session: Session, tmp_path: Path) -> None:
    marked = seed(session)
    out = tmp_path / "export"
    export_records(
        session, supplier=marked.world.supplier, first=FIRST, last=LAST, output=out, now=NOW
    )
    for table in TABLES:
        document = orjson.loads((out / f"{table.name}.json").read_bytes())
        assert document["fields"] == list(table.fields)
        text = (out / f"{table.name}.csv").read_text()
        rows = list(csv.DictReader(io.StringIO(text)))
        as_text = [{k: "" if v is None else str(v) for k, v in r.items()} for r in document["rows"]]
        assert rows == as_text, table.name
    invoices = orjson.loads((out / "invoices.json").read_bytes())["rows"]
    note = next(r for r in invoices if r["kind"] == "credit_note")
    first = next(r for r in invoices if r["issue_date"] == "2025-03-01")
    assert note["credits_number"] == first["number"]
    assert (first["total_sek"], first["vat_sek"], first["net_sek"]) == ("125.00", "25.00", "100.00")
    assert first["consumption_kwh"] == "123.456"
    assert first["installation_id"] == marked.world.installation.gsrn
    (payment,) = orjson.loads((out / "payments.json").read_bytes())["rows"]
    assert (payment["invoice_number"], payment["amount_sek"], payment["paid_on"]) == (
        first["number"],
        "125.00",
        "2025-03-01",
    )


def test_sup_25_no_personnummer_leaves_in_an_export(session: Session, tmp_path: Path) -> None:
    """Not even one the customer typed as the payment's reference (12 digits, 10, hyphenated)."""
    marked = seed(session)
    number = marked.world.customer.identity_number
    typed = [number, number[2:], f"{number[2:8]}-{number[8:]}", f"{number[:8]} {number[8:]}"]
    invoice = add_invoice(session, marked.world.contract, issued=FIRST)
    paid = [add_payment(session, invoice, paid_on=FIRST) for _ in typed]
    for payment, reference in zip(paid, typed, strict=True):
        payment.reference = reference
    session.flush()
    out = tmp_path / "export"
    export_records(
        session, supplier=marked.world.supplier, first=FIRST, last=LAST, output=out, now=NOW
    )
    for path in out.iterdir():
        data = path.read_bytes()
        assert number[-10:].encode() not in data, path.name
        assert number[-4:].encode() not in data.replace(b"SHA256", b""), path.name
    rows = {r["payment_id"]: r for r in orjson.loads((out / "payments.json").read_bytes())["rows"]}
    assert [rows[payment.id]["reference"] for payment in paid] == [None] * len(typed)
    # An invoice's own OCR number is kept: it identifies what was paid.
    (by_ocr,) = marked.inside["payments"]
    kept = session.get(Payment, by_ocr)
    assert kept is not None
    assert rows[by_ocr]["reference"] == kept.reference == make_ocr(kept.reference[:-2])


def test_sup_25_text_a_spreadsheet_would_run_is_quoted_in_the_csv(
    session: Session, tmp_path: Path
) -> None:
    marked = seed(session)
    link = '=HYPERLINK("http://evil.example")'  # 31 characters: a reference holds 35
    payment = add_payment(
        session, add_invoice(session, marked.world.contract, issued=FIRST), paid_on=FIRST
    )
    payment.reference, payment.amount = link, Decimal("-200.00")
    named = add_contract(session, marked.world, start=FIRST, end=None, name="+SUM(1,2)")
    session.flush()
    out = tmp_path / "export"
    export_records(
        session, supplier=marked.world.supplier, first=FIRST, last=LAST, output=out, now=NOW
    )
    contracts = list(csv.DictReader(io.StringIO((out / "contracts.csv").read_text())))
    assert next(r for r in contracts if r["contract_id"] == str(named.id))["name"] == "'+SUM(1,2)"
    payments = list(csv.DictReader(io.StringIO((out / "payments.csv").read_text())))
    row = next(r for r in payments if r["payment_id"] == str(payment.id))
    assert row["reference"] == ""  # no OCR number: blank, so no formula either
    assert row["amount_sek"] == "-200.00"  # a negative number stays a number
    assert cell(link) == f"'{link}"
    for text in ("+46 70", "-x", "@SUM(A1)", "\t=1", "\r=1"):
        assert cell(text) == f"'{text}"
    for harmless in ("-200.00", "+5", "12", "Elavtal 24", ""):
        assert cell(harmless) == harmless
    assert (cell(Decimal("-200.00")), cell(-3)) == ("-200.00", "-3")


def test_sup_25_a_non_empty_directory_is_refused_and_left_alone(
    session: Session, tmp_path: Path
) -> None:
    marked = seed(session)
    out = tmp_path / "used"
    out.mkdir()
    (out / "earlier.csv").write_text("keep me\n")
    with pytest.raises(OutputNotEmpty):
        export_records(
            session, supplier=marked.world.supplier, first=FIRST, last=LAST, output=out, now=NOW
        )
    assert [p.name for p in out.iterdir()] == ["earlier.csv"]
    assert (out / "earlier.csv").read_text() == "keep me\n"
    assert session.scalar(select(func.count()).select_from(RegulatorExport)) == 0
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(OutputNotEmpty):
        export_records(
            session, supplier=marked.world.supplier, first=FIRST, last=LAST, output=a_file, now=NOW
        )


def test_sup_25_an_empty_directory_is_used_and_no_temporary_file_is_left(
    session: Session, tmp_path: Path
) -> None:
    marked = seed(session)
    out = tmp_path / "empty"
    out.mkdir()
    export_records(
        session, supplier=marked.world.supplier, first=FIRST, last=LAST, output=out, now=NOW
    )
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_sup_25_a_period_ending_before_it_starts_is_refused(
    session: Session, tmp_path: Path
) -> None:
    marked = seed(session)
    with pytest.raises(InvalidPeriod):
        export_records(
            session,
            supplier=marked.world.supplier,
            first=LAST,
            last=FIRST,
            output=tmp_path / "x",
            now=NOW,
        )
    assert not (tmp_path / "x").exists()


# The command line (SQLite, like the other CLI tests).

runner = CliRunner()


@pytest.fixture
def factory(cli_database: sessionmaker[Session]) -> sessionmaker[Session]:
    return cli_database


def test_sup_25_cli_writes_the_export_and_refuses_the_same_directory_again(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with session_scope(factory, write=True) as session:
        org = seed(session).world.supplier.org_number
    out = tmp_path / "to-ei"
    command = ["regulator", "records", "--supplier", org, "--from", "2025-03-01"]
    command += ["--to", "2025-03-31", "--output", str(out), "--json"]
    first = runner.invoke(app, command)
    assert first.exit_code == 0, first.output
    shown = orjson.loads(first.output)
    assert shown["row_counts"] == {
        "contracts": 3,
        "supply_notices": 2,
        "invoices": 3,
        "payments": 1,
    }
    assert (out / CHECKSUMS).is_file()
    again = runner.invoke(app, command)
    assert again.exit_code == 2
    assert orjson.loads(again.output)["error"] == "output_not_empty"
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(RegulatorExport)) == 1


def test_cli_prices_prints_csv_and_refuses_an_unknown_supplier(
    factory: sessionmaker[Session],
) -> None:
    with session_scope(factory, write=True) as session:
        world = seed(session).world
        world.product.created_at = datetime(2025, 1, 1, tzinfo=UTC)
        org = world.supplier.org_number
    result = runner.invoke(app, ["regulator", "prices", "--supplier", org, "--date", "2025-03-10"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("supplier_org_number,supplier_name,product_code,")
    assert len(lines) == 1 + 4  # one product, four bidding zones
    unknown = runner.invoke(
        app, ["regulator", "prices", "--supplier", "5560360793", "--date", "2025-03-10"]
    )
    assert unknown.exit_code == 2
    bad = runner.invoke(app, ["regulator", "prices", "--supplier", org, "--date", "10/3"])
    assert bad.exit_code == 2

"""A supplier's contracts and transactions of a period, for the regulator (SUP-25, § 25).

SFS 2023:242 § 25: on request a supplier hands Energimarknadsinspektionen or the European
Commission what it has on supply contracts and the transactions under them. The export is a
directory: each kind (contracts, supply notices, invoices and credit notes, payments) as CSV and
as JSON, a ``manifest.json`` (what, whose, which period, when, row counts, every file's SHA-256)
and ``SHA256SUMS`` (``sha256sum -c`` checks the files and the manifest).

Each file is written to a temporary name and renamed, ``SHA256SUMS`` last: a directory that has
it is complete. A directory that exists and holds anything is refused, so an export never mixes
with another. Customers appear by their internal id, never by personnummer (EU-5): the supplier
resolves an id when the regulator asks about one customer. A payment's reference is what the payer
typed, so it is given only when it is an OCR number elkund could have issued and could not be a
personnummer; any other is left blank.

The period is local dates, ``first`` to ``last`` inclusive: a contract belongs to it when its
supply overlaps it (refused ones by their intended start), a notice by the local day it was
sent, an invoice by its issue date, a payment by the day it was paid.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError, Invalid
from elkund.core.localtime import local_midnight
from elkund.customers.identity import InvalidIdentityNumber, format_number, parse_person_number
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.supply.billing_models import Invoice
from elkund.supply.models import Contract, Product, SupplyNotice
from elkund.supply.ocr import is_valid_ocr
from elkund.supply.payment_models import Payment
from elkund.supply.regulator_models import ExportKind, RegulatorExport

Row = dict[str, Any]
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"
FORMAT_VERSION = 1
_ORE = Decimal("0.01")
# A spreadsheet takes a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


class OutputNotEmpty(AppError):
    code = "output_not_empty"
    status = 409


class InvalidPeriod(Invalid):
    code = "invalid_period"


@dataclass(frozen=True, slots=True)
class Table:
    """One kind of record: its file stem, its columns in order, and how its rows are read."""

    name: str
    fields: tuple[str, ...]
    read: Callable[[Session, int, date, date], list[Row]]


@dataclass(frozen=True, slots=True)
class RecordsExport:
    directory: Path
    manifest: dict[str, Any]
    export_id: int


def export_records(
    session: Session, *, supplier: Party, first: date, last: date, output: Path, now: datetime
) -> RecordsExport:
    """Write the period's records to ``output`` and record the export; refuses a used directory."""
    if last < first:
        raise InvalidPeriod("--to must not be before --from.")
    _prepare(output)
    files = []
    counts = {}
    for table in TABLES:
        rows = table.read(session, supplier.id, first, last)
        counts[table.name] = len(rows)
        files += _write_table(output, table, rows)
    manifest = _manifest(supplier, first, last, now, counts, files)
    manifest_bytes = orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n"
    manifest_sha = write_atomic(output / MANIFEST, manifest_bytes)
    sums = [(f["sha256"], f["name"]) for f in files] + [(manifest_sha, MANIFEST)]
    write_atomic(output / CHECKSUMS, "".join(f"{h}  {n}\n" for h, n in sums).encode())
    row = record_export(
        session,
        kind=ExportKind.RECORDS,
        supplier=supplier,
        period=(first, last),
        file_format="csv+json",
        location=str(output.resolve()),
        sha256=manifest_sha,
        row_counts=counts,
        now=now,
    )
    return RecordsExport(output, manifest, row.id)


def record_export(
    session: Session,
    *,
    kind: str,
    supplier: Party,
    period: tuple[date, date],
    file_format: str,
    location: str | None,
    sha256: str,
    row_counts: dict[str, int],
    now: datetime,
) -> RegulatorExport:
    """Keep a row saying this export was made (the edge commits it with the rest)."""
    export = RegulatorExport(
        kind=kind,
        supplier_id=supplier.id,
        period_from=period[0],
        period_to=period[1],
        file_format=file_format,
        location=location,
        sha256=sha256,
        row_counts=orjson.dumps(row_counts).decode(),
        created_at=now,
    )
    session.add(export)
    session.flush()
    return export


def write_atomic(path: Path, data: bytes) -> str:
    """Write ``data`` under a temporary name beside ``path``, then rename; its SHA-256."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return hashlib.sha256(data).hexdigest()


def to_csv(fields: Sequence[str], rows: Sequence[Mapping[str, object]]) -> bytes:
    """A CSV file: a header row, then each row's fields in order; None empty, booleans words,
    and text a spreadsheet would run as a formula quoted (``cell``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([cell(row[name]) for name in fields])
    return buffer.getvalue().encode()


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return defuse(value)
    return str(value)  # Decimal, int: a number, also when negative


def defuse(text: str) -> str:
    """Text a spreadsheet would take for a formula (``=HYPERLINK(…)``, ``+…``, ``@…``) gets a
    leading ``'``, so it is shown as text; a plain number written as text (``-12.5000``, as the
    price report keeps its prices) stays a number."""
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return f"'{text}"
    return text


def _prepare(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise OutputNotEmpty(f"{output} exists and is not a directory.")
    if output.is_dir() and any(output.iterdir()):
        raise OutputNotEmpty(f"{output} is not empty; give a new or empty directory.")
    output.mkdir(parents=True, exist_ok=True)


def _write_table(output: Path, table: Table, rows: list[Row]) -> list[dict[str, Any]]:
    json_rows = [{k: _json_value(v) for k, v in row.items()} for row in rows]
    document = {"fields": list(table.fields), "rows": json_rows}
    contents = {
        f"{table.name}.csv": to_csv(table.fields, rows),
        f"{table.name}.json": orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n",
    }
    return [
        {
            "name": name,
            "rows": len(rows),
            "bytes": len(data),
            "sha256": write_atomic(output / name, data),
        }
        for name, data in contents.items()
    ]


def _manifest(
    supplier: Party,
    first: date,
    last: date,
    now: datetime,
    counts: dict[str, int],
    files: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "what": "supply contracts and transactions (SFS 2023:242 § 25, SUP-25)",
        "format_version": FORMAT_VERSION,
        "supplier": {"name": supplier.name, "org_number": format_number(supplier.org_number)},
        "period": {"from": first.isoformat(), "to": last.isoformat(), "to_inclusive": True},
        "created_at": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "row_counts": counts,
        "files": files,
    }


def _json_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    return cell(value)  # Decimal, date, datetime: exact text


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(_ORE)


def _utc(instant: datetime | None) -> str | None:
    return None if instant is None else instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _contracts(session: Session, supplier_id: int, first: date, last: date) -> list[Row]:
    query = (
        select(Contract, Product.code, Product.kind, Installation.gsrn)
        .join(Product, Product.id == Contract.product_id)
        .join(Installation, Installation.id == Contract.installation_id)
        .where(
            Contract.supplier_id == supplier_id,
            Contract.start_date <= last,
            or_(Contract.end_date.is_(None), Contract.end_date > first),
        )
        .order_by(Contract.id)
    )
    return [
        {
            "contract_id": c.id,
            "installation_id": gsrn,
            "customer_id": c.customer_id,
            "product_code": code,
            "product_kind": str(kind),
            "name": c.name,
            "start_date": c.start_date,
            "end_date_exclusive": c.end_date,
            "status": str(c.status),
            "end_reason": c.end_reason,
            "billing_interval_months": c.billing_interval_months,
            "signed_at": _utc(c.created_at),
        }
        for c, code, kind, gsrn in session.execute(query)
    ]


def _notices(session: Session, supplier_id: int, first: date, last: date) -> list[Row]:
    query = (
        select(SupplyNotice)
        .where(
            SupplyNotice.supplier_id == supplier_id,
            SupplyNotice.sent_at >= local_midnight(first),
            SupplyNotice.sent_at < local_midnight(last + timedelta(days=1)),
        )
        .order_by(SupplyNotice.sent_at, SupplyNotice.id)
    )
    return [
        {
            "notice_id": n.id,
            "kind": str(n.kind),
            "installation_ref": n.installation_ref,
            "contract_id": n.contract_id,
            "customer_id": n.customer_id,
            "start_date": n.start_date,
            "sent_at": _utc(n.sent_at),
            "status": str(n.status),
            "refusal_code": n.refusal_code,
            "answered_at": _utc(n.answered_at),
        }
        for n in session.scalars(query)
    ]


def _invoices(session: Session, supplier_id: int, first: date, last: date) -> list[Row]:
    query = (
        select(Invoice, Installation.gsrn)
        .join(Installation, Installation.id == Invoice.installation_id)
        .where(
            Invoice.supplier_id == supplier_id,
            Invoice.issue_date >= first,
            Invoice.issue_date <= last,
        )
        .order_by(Invoice.sequence)
    )
    rows = session.execute(query).all()
    numbers = _numbers(session, [i.credits_invoice_id for i, _ in rows if i.credits_invoice_id])
    return [
        {
            "invoice_id": i.id,
            "number": i.number,
            "kind": i.kind,
            "status": i.status,
            "credits_number": numbers.get(i.credits_invoice_id) if i.credits_invoice_id else None,
            "contract_id": i.contract_id,
            "installation_id": gsrn,
            "customer_id": i.customer_id,
            "period_start": i.period_start,
            "period_end": i.period_end,
            "issue_date": i.issue_date,
            "due_date": i.due_date,
            "ocr": i.ocr,
            "consumption_kwh": Decimal(i.consumption_wh).scaleb(-3).quantize(Decimal("0.001")),
            "net_sek": _money(i.net),
            "vat_sek": _money(i.vat),
            "total_sek": _money(i.total),
        }
        for i, gsrn in rows
    ]


def _payments(session: Session, supplier_id: int, first: date, last: date) -> list[Row]:
    query = (
        select(Payment, Invoice.number)
        .outerjoin(Invoice, Invoice.id == Payment.invoice_id)
        .where(
            Payment.supplier_id == supplier_id,
            Payment.paid_on >= first,
            Payment.paid_on <= last,
        )
        .order_by(Payment.paid_on, Payment.id)
    )
    return [
        {
            "payment_id": p.id,
            "invoice_number": number,
            "amount_sek": _money(p.amount),
            "paid_on": p.paid_on,
            "reference": ocr_reference(p.reference),
            "matched_by": p.matched_by,
            "recorded_at": _utc(p.created_at),
        }
        for p, number in session.execute(query)
    ]


def ocr_reference(reference: str) -> str | None:
    """The payer's reference when it is an OCR number (elkund's: length and check digit) that
    is no personnummer; None for free text, which may hold a personnummer or a name."""
    compact = "".join(reference.split())
    if not is_valid_ocr(compact) or _could_be_person_number(compact):
        return None
    return compact


def _could_be_person_number(digits: str) -> bool:
    try:
        parse_person_number(digits)
    except InvalidIdentityNumber:
        return False
    return True


def _numbers(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(Invoice.id, Invoice.number).where(Invoice.id.in_(sorted(set(ids))))
    return {invoice_id: number for invoice_id, number in session.execute(query)}


TABLES: tuple[Table, ...] = (
    Table(
        "contracts",
        (
            "contract_id",
            "installation_id",
            "customer_id",
            "product_code",
            "product_kind",
            "name",
            "start_date",
            "end_date_exclusive",
            "status",
            "end_reason",
            "billing_interval_months",
            "signed_at",
        ),
        _contracts,
    ),
    Table(
        "supply_notices",
        (
            "notice_id",
            "kind",
            "installation_ref",
            "contract_id",
            "customer_id",
            "start_date",
            "sent_at",
            "status",
            "refusal_code",
            "answered_at",
        ),
        _notices,
    ),
    Table(
        "invoices",
        (
            "invoice_id",
            "number",
            "kind",
            "status",
            "credits_number",
            "contract_id",
            "installation_id",
            "customer_id",
            "period_start",
            "period_end",
            "issue_date",
            "due_date",
            "ocr",
            "consumption_kwh",
            "net_sek",
            "vat_sek",
            "total_sek",
        ),
        _invoices,
    ),
    Table(
        "payments",
        (
            "payment_id",
            "invoice_number",
            "amount_sek",
            "paid_on",
            "reference",
            "matched_by",
            "recorded_at",
        ),
        _payments,
    ),
)

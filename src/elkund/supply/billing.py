"""The billing run: every contract due in a month gets its invoice (SUP-7, SUP-9, SUP-10).

For each contract whose billing interval ends in the month, the run reads the period's meter
values through the access gate (basis ``supplier``, logged like any share), rates them, and
issues an invoice with the supplier's next gap-free number. Re-running a month issues nothing
new; if values were corrected after invoicing (their digest differs: ``basis_digest``, from SQL
sums, or the first format's hash of every value for invoices issued before it), the old invoice
is credited and a corrected one issued. Each contract is one transaction, so a failure leaves the
others billed and the run can simply be repeated.

Rendering the files is the slow part: with ``render="queue"`` an invoice is stored with a job
``invoice.render`` (``render_jobs``) that writes its PDF and UBL later; by default they are
written at once, in the invoice's transaction.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal

import orjson
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.access.gate import SupplierRead, Value, read_for_supplier
from elkund.access.supplier_reads import checked_supplier_periods
from elkund.core.db import session_scope
from elkund.core.errors import AppError
from elkund.core.localtime import STOCKHOLM, local_midnight
from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.metering.billing_reads import DayTotal, day_totals
from elkund.metering.domain import Quality
from elkund.parties.models import Party
from elkund.supply import invoice_parts as parts
from elkund.supply.billing_models import Invoice, InvoiceSeries
from elkund.supply.billing_period import add_months, check_interval
from elkund.supply.contracts import contract_info
from elkund.supply.document import DocumentKind, InvoiceDocument, UsagePoint
from elkund.supply.models import Contract, ContractStatus, Product, ProductKind
from elkund.supply.ocr import make_ocr
from elkund.supply.prices import price_series
from elkund.supply.rating import ContractKind, PriceTerms, SpotPrice, rate
from elkund.supply.render_jobs import enqueue_render, write_files
from elkund.supply.suppliers import profile_of, supplier_info

Render = Literal["now", "queue"]
CHUNK = 200  # contracts per transaction of a run (billing_batch)
DIGEST_V2 = "v2:"  # basis_digest from the daily rollups (ADR 0018); without it, every value's hash


@dataclass(frozen=True, slots=True)
class BilledInvoice:
    number: str
    kind: str
    customer: str
    installation_id: str
    total_sek: Decimal
    pdf_path: str | None
    ubl_path: str | None
    created: bool

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self) | {"total_sek": str(self.total_sek)}


@dataclass(frozen=True, slots=True)
class Refusal:
    contract_id: int
    error: str
    detail: str


@dataclass(frozen=True, slots=True)
class RunResult:
    invoices: list[BilledInvoice]
    refused: list[Refusal]


def run_billing(
    factory: sessionmaker[Session],
    *,
    month: date,
    supplier_org: str | None,
    now: datetime,
    output: Path,
    render: Render = "now",
) -> RunResult:
    """Bill every contract due in ``month`` (its first day); the month's invoices afterwards.

    A crash mid-run loses nothing: every chunk and every contract left from it is committed
    whole, and running the month again issues only what is missing. ``render="queue"`` leaves
    the files to queued jobs: the invoices come back without paths.
    """
    if render not in ("now", "queue"):
        raise ValueError(f"render must be 'now' or 'queue', not {render!r}")
    from elkund.supply.billing_batch import bill_chunk

    with session_scope(factory) as session:
        due = [c.id for c in due_contracts(session, month=month, supplier_org=supplier_org)]
    created: set[int] = set()
    refused = []
    left: list[int] = []
    for first in range(0, len(due), CHUNK):
        with session_scope(factory, write=True) as session:
            chunk = bill_chunk(
                session,
                due[first : first + CHUNK],
                month=month,
                now=now,
                output=output,
                render=render,
            )
        created |= chunk.made
        left += chunk.left
    for contract_id in left:
        try:
            with session_scope(factory, write=True) as session:
                created |= bill_contract(
                    session, contract_id, month=month, now=now, output=output, render=render
                )
        except AppError as error:
            refused.append(Refusal(contract_id, error.code, str(error)))
    with session_scope(factory) as session:
        return RunResult(month_invoices(session, month, supplier_org, created), refused)


def due_contracts(session: Session, *, month: date, supplier_org: str | None) -> list[Contract]:
    """Contracts that supplied in ``month`` and whose billing interval ends with it (or end)."""
    end = add_months(month, 1)
    query = select(Contract).where(
        Contract.status != ContractStatus.REFUSED,
        Contract.start_date < end,
        or_(Contract.end_date.is_(None), Contract.end_date > month),
    )
    if supplier_org is not None:
        query = query.join(Party, Party.id == Contract.supplier_id).where(
            Party.org_number == supplier_org
        )
    contracts = session.scalars(query.order_by(Contract.id)).all()
    return [c for c in contracts if _interval_ends(c, month)]


def _interval_ends(contract: Contract, month: date) -> bool:
    first = contract.start_date.replace(day=1)
    elapsed = (month.year - first.year) * 12 + month.month - first.month
    ends_here = contract.end_date is not None and contract.end_date <= add_months(month, 1)
    return (elapsed + 1) % contract.billing_interval_months == 0 or ends_here


def billing_period(contract: Contract, month: date) -> tuple[date, date]:
    """``[start, end)`` in local dates: the interval ending with ``month``, within the contract."""
    first = add_months(month, 1 - contract.billing_interval_months)
    start = max(first, contract.start_date)
    end = add_months(month, 1)
    if contract.end_date is not None:
        end = min(end, contract.end_date)
    return start, end


def bill_contract(
    session: Session,
    contract_id: int,
    *,
    month: date,
    now: datetime,
    output: Path,
    render: Render = "now",
) -> set[int]:
    """Issue what this contract's period needs; the ids of the documents made."""
    contract = session.get(Contract, contract_id)
    assert contract is not None
    installation = session.get(Installation, contract.installation_id)
    supplier = session.get(Party, contract.supplier_id)
    assert installation is not None
    assert supplier is not None
    check_interval(contract.billing_interval_months, remote_read=installation.remote_read)
    start, end = billing_period(contract, month)
    # The digest before the values: see billing_batch._reads on why this order is the safe one.
    digest = _stored_digest(session, supplier, installation, start, end, now)
    read = _read(session, supplier, installation, start, end, now)
    values = [_reading(v, read.resolution.value) for v in read.values]
    current = _current_invoice(session, contract.id, start)
    if current is not None and _same_basis(current.basis_digest, digest, values):
        return set()
    made = set()
    if current is not None:
        made.add(_credit(session, current, month=month, now=now, output=output, render=render).id)
    doc = _document(session, contract, installation, supplier, values, start, end, now)
    invoice = _issue(session, doc, contract, month, digest, output, render, now)
    made.add(invoice.id)
    return made


# --- reading and rating --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reading:
    """A gate value as rating wants it (UTC start, integer Wh, quality code)."""

    start: datetime
    resolution: str
    wh: int
    quality: int


def _read(
    session: Session,
    supplier: Party,
    installation: Installation,
    start: date,
    end: date,
    now: datetime,
) -> SupplierRead:
    return read_for_supplier(
        session,
        supplier=supplier,
        installation_id=installation.gsrn,
        start=local_midnight(start),
        end=local_midnight(end),
        resolution=None,
        channel="pull",
        now=now,
    )


def _reading(value: Value, resolution: str) -> _Reading:
    wh = int(Decimal(value.kwh) * 1000)
    return _Reading(
        value.start.astimezone(STOCKHOLM), resolution, wh, Quality[value.quality.upper()]
    )


def _digest(values: Sequence[_Reading]) -> str:
    """The first format of ``basis_digest``, of invoices issued before ADR 0018's v2: SHA-256
    over every value. Such an invoice is still compared this way on a re-run."""
    text = ";".join(f"{v.start.timestamp():.0f},{v.wh},{v.quality}" for v in values)
    return hashlib.sha256(text.encode()).hexdigest()


def basis_digest(first: date, end: date, days: Mapping[date, DayTotal]) -> str:
    """``basis_digest`` of the values of the local dates [first, end), from their daily rollups.

    The rollup of a day is rewritten with its values, in their transaction, and its
    ``changed_at`` set to the time of the change: any correction, even one that moves Wh between
    two intervals or changes only a quality, gives the day a later ``changed_at``. ``v2:`` tells
    it from the first format (``_digest``), which hashed every value.
    """
    text = ";".join(
        [f"{first},{end}"]
        + [
            f"{day},{t.wh},{t.minutes_present},{t.estimated_count},{t.missing_count},{t.changed_at}"
            for day, t in sorted(days.items())
            if first <= day < end
        ]
    )
    return DIGEST_V2 + hashlib.sha256(text.encode()).hexdigest()[: 64 - len(DIGEST_V2)]


def _stored_digest(
    session: Session,
    supplier: Party,
    installation: Installation,
    start: date,
    end: date,
    now: datetime,
) -> str:
    """``basis_digest`` of the local days the supplier's read of [start, end) will cover (the
    gate's period, clipped as the read clips it), from the rollups of those days. Raises what
    the read would raise."""
    request = (installation, local_midnight(start), local_midnight(end))
    (period,) = checked_supplier_periods(session, supplier=supplier, requests=[request], now=now)
    if isinstance(period, AppError):
        raise period
    first = period.lo.astimezone(STOCKHOLM).date()
    last = (period.hi - timedelta(microseconds=1)).astimezone(STOCKHOLM).date()
    stop = last + timedelta(days=1)
    days = day_totals(session, [installation.id], first, stop).get(installation.id, {})
    return basis_digest(first, stop, days)


def _same_basis(stored: str, digest: str, values: Sequence[_Reading]) -> bool:
    """Whether an issued invoice rests on these values, compared in its own digest format."""
    if stored.startswith(DIGEST_V2):
        return stored == digest
    return stored == _digest(values)


def _terms(product: Product) -> PriceTerms:
    kind = ProductKind(product.kind)
    return PriceTerms(
        kind=ContractKind(kind.value),
        markup=product.markup_ore_per_kwh or Decimal(0),
        certificates=product.certificate_ore_per_kwh,
        monthly_fee=product.monthly_fee_sek,
        fixed_price=product.energy_price_ore_per_kwh if kind is ProductKind.FIXED else None,
    )


def _document(
    session: Session,
    contract: Contract,
    installation: Installation,
    supplier: Party,
    values: list[_Reading],
    start: date,
    end: date,
    now: datetime,
) -> InvoiceDocument:
    product = parts.product_of(session, contract)
    profile = profile_of(session, supplier=supplier)
    prices = (
        price_series(session, installation.bidding_zone, local_midnight(start), local_midnight(end))
        if ProductKind(product.kind) is not ProductKind.FIXED
        else []
    )
    rating = rate(
        terms=_terms(product),
        start=start,
        end=end,
        values=values,
        prices=[SpotPrice(p.start, p.resolution, p.ore_per_kwh) for p in prices],
        bidding_zone=installation.bidding_zone,
    )
    customer = session.get(Customer, contract.customer_id)
    assert customer is not None
    issue = now.astimezone(STOCKHOLM).date()
    return InvoiceDocument(
        kind=DocumentKind.INVOICE,
        number="",  # given by _issue under the series lock
        ocr="",
        issue_date=issue,
        due_date=issue + timedelta(days=profile.payment_terms_days),
        period_start=start,
        period_end=end - timedelta(days=1),
        supplier=supplier_info(session, supplier=supplier),
        customer=parts.customer_info(customer, installation),
        installation_id=installation.gsrn,
        bidding_zone=installation.bidding_zone,
        grid_area=installation.grid_area,
        contract=contract_info(contract, product),
        lines=rating.lines,
        consumption_kwh=rating.consumption_kwh,
        based_on_actual=rating.based_on_actual,
        usage=_daily_usage(values),
        benchmark=parts.benchmark(rating.consumption_kwh, start, end),
        advice=parts.advice(installation),
        disclosure=parts.disclosure(session, supplier, issue.year - 1),
        pointers=parts.pointers(profile),
    )


def _daily_usage(values: Sequence[_Reading]) -> tuple[UsagePoint, ...]:
    """SUP-10 (1) per local day. Last year's days need a basis the supplier may not have had,
    so they are left out here; the portal shows the full comparison to the customer."""
    days: dict[date, int] = {}
    for value in values:
        day = value.start.astimezone(STOCKHOLM).date()
        days[day] = days.get(day, 0) + value.wh
    return tuple(
        UsagePoint(str(day.day), Decimal(wh).scaleb(-3), None) for day, wh in sorted(days.items())
    )


# --- issuing -------------------------------------------------------------------------------------


def invoice_columns(
    doc: InvoiceDocument,
    contract: Contract,
    *,
    sequence: int,
    month: date,
    digest: str,
    credits_id: int | None = None,
) -> dict[str, object]:
    """The stored invoice's columns: one place for the per-contract and the chunked paths."""
    return dict(
        supplier_id=contract.supplier_id,
        sequence=sequence,
        number=doc.number,
        kind=doc.kind.value,
        status="issued",
        contract_id=contract.id,
        installation_id=contract.installation_id,
        customer_id=contract.customer_id,
        billing_month=month,
        period_start=doc.period_start,
        period_end=doc.period_end,
        issue_date=doc.issue_date,
        due_date=doc.due_date,
        ocr=doc.ocr,
        net=doc.net,
        vat=doc.vat,
        total=doc.total,
        consumption_wh=int(doc.consumption_kwh * 1000),
        basis_digest=digest,
        credits_invoice_id=credits_id,
        # orjson writes the dataclasses as ``dataclasses.asdict`` would, without its copies.
        document=orjson.dumps(doc, default=str).decode(),
    )


def _issue(
    session: Session,
    doc: InvoiceDocument,
    contract: Contract,
    month: date,
    digest: str,
    output: Path,
    render: Render,
    now: datetime,
    credits: Invoice | None = None,
) -> Invoice:
    sequence = _next_sequence(session, contract.supplier_id)
    number = f"{sequence:08d}"
    doc = dataclasses.replace(doc, number=number, ocr=make_ocr(number))
    invoice = Invoice(
        **invoice_columns(
            doc,
            contract,
            sequence=sequence,
            month=month,
            digest=digest,
            credits_id=credits.id if credits else None,
        )
    )
    session.add(invoice)
    session.flush()
    if render == "queue":
        enqueue_render(session, invoice=invoice, output=output, run_at=now)
    else:
        write_files(invoice, doc, output)
    return invoice


def _credit(
    session: Session,
    invoice: Invoice,
    *,
    month: date,
    now: datetime,
    output: Path,
    render: Render,
) -> Invoice:
    """A credit note for the whole of ``invoice``, which is then no longer payable."""
    from elkund.supply.stored import document_of

    original = document_of(invoice)
    contract = session.get(Contract, invoice.contract_id)
    assert contract is not None
    negated = tuple(
        dataclasses.replace(line, quantity=-line.quantity, amount=-line.amount)
        for line in original.lines
    )
    issue = now.astimezone(STOCKHOLM).date()
    note = dataclasses.replace(
        original,
        kind=DocumentKind.CREDIT_NOTE,
        issue_date=issue,
        due_date=issue,
        lines=negated,
        consumption_kwh=-original.consumption_kwh,
        credited_number=invoice.number,
        notes=("Mätvärdena för perioden har rättats; en ny faktura ersätter den krediterade.",),
    )
    invoice.status = "credited"
    return _issue(
        session, note, contract, month, invoice.basis_digest, output, render, now, credits=invoice
    )


def _next_sequence(session: Session, supplier_id: int) -> int:
    series = session.get(InvoiceSeries, supplier_id, with_for_update=True)
    if series is None:
        series = InvoiceSeries(supplier_id=supplier_id, next_sequence=1)
        session.add(series)
    sequence = series.next_sequence
    series.next_sequence = sequence + 1
    session.flush()
    return sequence


def _current_invoice(session: Session, contract_id: int, start: date) -> Invoice | None:
    return session.scalar(
        select(Invoice).where(
            Invoice.contract_id == contract_id,
            Invoice.period_start == start,
            Invoice.kind == DocumentKind.INVOICE.value,
            Invoice.status == "issued",
        )
    )


def month_invoices(
    session: Session, month: date, supplier_org: str | None, created: set[int]
) -> list[BilledInvoice]:
    # the columns listed only: an invoice's document is kilobytes of JSON
    query = (
        select(
            Invoice.id,
            Invoice.number,
            Invoice.kind,
            Customer.name,
            Installation.gsrn,
            Invoice.total,
            Invoice.pdf_path,
            Invoice.ubl_path,
        )
        .join(Customer, Customer.id == Invoice.customer_id)
        .join(Installation, Installation.id == Invoice.installation_id)
        .where(Invoice.billing_month == month)
    )
    if supplier_org is not None:
        query = query.join(Party, Party.id == Invoice.supplier_id).where(
            Party.org_number == supplier_org
        )
    rows = session.execute(query.order_by(Invoice.supplier_id, Invoice.sequence))
    return [
        BilledInvoice(number, kind, name, gsrn, total, pdf, ubl, id_ in created)
        for id_, number, kind, name, gsrn, total, pdf, ubl in rows
    ]

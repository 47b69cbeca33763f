"""How long a supplier's records are kept, and which have passed that time (SUP-25, § 25).

Bokföringslagen (1999:1078) 7 kap. 2 §: räkenskapsinformation is kept "till och med det sjunde
året efter utgången av det kalenderår då räkenskapsåret avslutades". A record of a fiscal year
that ends in calendar year Y is kept through 31 December of Y + 7 and may go from 1 January of
Y + 8: an invoice issued on 31 December 2018 (calendar fiscal year) is kept through 2025, one
issued the next day through 2026.

A record counts from its latest event, never its first, so that nothing goes while something
that refers to it stays: an invoice from its issue date, a credit note crediting it, or a payment
on it, whichever is last; a contract from its last day of supply or its last invoice or notice;
an open contract never. ``may_delete`` is the one answer to "may this go on day D?"; the report
selects only what it says yes to. Deleting is not done here: ``apply`` refuses (ADR 0017).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError, Invalid
from elkund.core.localtime import local_date, local_midnight
from elkund.supply.billing_models import Invoice
from elkund.supply.models import Contract, SupplyNotice
from elkund.supply.payment_models import Payment

RETENTION_YEARS = 7
CALENDAR_YEAR_END_MONTH = 12
RULE = (
    "Bokföringslagen (1999:1078) 7 kap. 2 §: kept through the seventh year after the end of "
    "the calendar year in which the fiscal year ended."
)


class RetentionApplyDisabled(AppError):
    code = "retention_apply_disabled"
    status = 409


class InvalidFiscalYear(Invalid):
    code = "invalid_fiscal_year"


@dataclass(frozen=True, slots=True)
class Expired:
    """A record past its retention on the report's day."""

    kind: str  # contract, supply_notice, invoice, payment
    id: int
    record_date: date  # the latest event the record counts from
    kept_until: date

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "record_date": self.record_date.isoformat(),
            "kept_until": self.kept_until.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class RetentionReport:
    on: date
    fiscal_year_end_month: int
    expired: list[Expired]

    def counts(self) -> dict[str, int]:
        kinds = ("contract", "supply_notice", "invoice", "payment")
        return {kind: sum(1 for e in self.expired if e.kind == kind) for kind in kinds}

    def as_dict(self) -> dict[str, object]:
        return {
            "date": self.on.isoformat(),
            "dry_run": True,
            "policy": {
                "years": RETENTION_YEARS,
                "fiscal_year_end_month": self.fiscal_year_end_month,
                "rule": RULE,
            },
            "counts": self.counts(),
            "expired": [e.as_dict() for e in self.expired],
        }


def fiscal_year_end(day: date, *, end_month: int = CALENDAR_YEAR_END_MONTH) -> date:
    """The last day of the fiscal year that ``day`` falls in (one ending with ``end_month``)."""
    _check_month(end_month)
    year = day.year if day.month <= end_month else day.year + 1
    next_month = date(year + (end_month == 12), end_month % 12 + 1, 1)
    return next_month - timedelta(days=1)


def kept_until(record_date: date, *, end_month: int = CALENDAR_YEAR_END_MONTH) -> date:
    """The last day a record dated ``record_date`` must still be kept."""
    closed = fiscal_year_end(record_date, end_month=end_month).year
    return date(closed + RETENTION_YEARS, 12, 31)


def may_delete(record_date: date, on: date, *, end_month: int = CALENDAR_YEAR_END_MONTH) -> bool:
    """Whether a record whose latest event is ``record_date`` may be deleted on ``on``."""
    return on > kept_until(record_date, end_month=end_month)


def retention_report(
    session: Session,
    *,
    on: date,
    supplier_id: int | None = None,
    end_month: int = CALENDAR_YEAR_END_MONTH,
) -> RetentionReport:
    """Every record past its retention on ``on`` (a dry run: nothing is changed)."""
    _check_month(end_month)
    # No record dated on or after this can have expired by ``on`` whatever the fiscal year.
    before = date(on.year - RETENTION_YEARS, 1, 1)
    dated = [
        *(("invoice", i, d) for i, d in _invoice_dates(session, before, supplier_id)),
        *(("payment", i, d) for i, d in _payment_dates(session, before, supplier_id)),
        *(("supply_notice", i, d) for i, d in _notice_dates(session, before, supplier_id)),
        *(("contract", i, d) for i, d in _contract_dates(session, before, supplier_id)),
    ]
    expired = [
        Expired(kind, record_id, day, kept_until(day, end_month=end_month))
        for kind, record_id, day in dated
        if may_delete(day, on, end_month=end_month)
    ]
    return RetentionReport(on, end_month, expired)


def apply(report: RetentionReport) -> None:
    """Deleting is not enabled: refuse, whatever the report says (ADR 0017)."""
    raise RetentionApplyDisabled(
        f"{len(report.expired)} records are past their retention period, but deleting is not "
        "enabled in this version: the report is advisory. Nothing was deleted."
    )


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise InvalidFiscalYear("The fiscal year ends with a month 1–12.")


def _latest(*days: date | None) -> date:
    return max(d for d in days if d is not None)


def _invoice_dates(
    session: Session, before: date, supplier_id: int | None
) -> list[tuple[int, date]]:
    """Invoices issued before ``before``, dated by their latest credit note or payment."""
    query = select(Invoice.id, Invoice.issue_date).where(Invoice.issue_date < before)
    if supplier_id is not None:
        query = query.where(Invoice.supplier_id == supplier_id)
    issued: dict[int, date] = {i: d for i, d in session.execute(query)}
    credited = _max_by(
        session,
        select(Invoice.credits_invoice_id, func.max(Invoice.issue_date))
        .where(Invoice.credits_invoice_id.in_(issued))
        .group_by(Invoice.credits_invoice_id),
    )
    paid = _max_by(
        session,
        select(Payment.invoice_id, func.max(Payment.paid_on))
        .where(Payment.invoice_id.in_(issued))
        .group_by(Payment.invoice_id),
    )
    return [(i, _latest(d, credited.get(i), paid.get(i))) for i, d in sorted(issued.items())]


def _payment_dates(
    session: Session, before: date, supplier_id: int | None
) -> list[tuple[int, date]]:
    query = select(Payment.id, Payment.paid_on).where(Payment.paid_on < before)
    if supplier_id is not None:
        query = query.where(Payment.supplier_id == supplier_id)
    return [(i, d) for i, d in session.execute(query.order_by(Payment.id))]


def _notice_dates(
    session: Session, before: date, supplier_id: int | None
) -> list[tuple[int, date]]:
    query = select(SupplyNotice.id, SupplyNotice.sent_at, SupplyNotice.answered_at)
    query = query.where(SupplyNotice.sent_at < local_midnight(before))
    if supplier_id is not None:
        query = query.where(SupplyNotice.supplier_id == supplier_id)
    return [
        (i, _latest(local_date(sent), local_date(answered) if answered else None))
        for i, sent, answered in session.execute(query.order_by(SupplyNotice.id))
    ]


def _contract_dates(
    session: Session, before: date, supplier_id: int | None
) -> list[tuple[int, date]]:
    """Ended contracts, dated by their last day of supply, last invoice and last notice."""
    query = select(Contract.id, Contract.end_date).where(
        Contract.end_date.is_not(None), Contract.end_date <= before
    )
    if supplier_id is not None:
        query = query.where(Contract.supplier_id == supplier_id)
    ended = {i: end for i, end in session.execute(query) if end is not None}
    invoiced = dict(_invoice_dates_of_contracts(session, ended))
    noticed = _max_by(
        session,
        select(SupplyNotice.contract_id, func.max(SupplyNotice.sent_at))
        .where(SupplyNotice.contract_id.in_(ended))
        .group_by(SupplyNotice.contract_id),
    )
    return [
        (
            i,
            _latest(
                end - timedelta(days=1),
                invoiced.get(i),
                local_date(noticed[i]) if i in noticed else None,
            ),
        )
        for i, end in sorted(ended.items())
    ]


def _invoice_dates_of_contracts(
    session: Session, contract_ids: Iterable[int]
) -> list[tuple[int, date]]:
    """Each contract's latest invoice date, counting payments and credits on its invoices."""
    ids = sorted(contract_ids)
    issued = _max_by(
        session,
        select(Invoice.contract_id, func.max(Invoice.issue_date))
        .where(Invoice.contract_id.in_(ids))
        .group_by(Invoice.contract_id),
    )
    paid = _max_by(
        session,
        select(Invoice.contract_id, func.max(Payment.paid_on))
        .join(Payment, Payment.invoice_id == Invoice.id)
        .where(Invoice.contract_id.in_(ids))
        .group_by(Invoice.contract_id),
    )
    return [(i, _latest(issued.get(i), paid.get(i))) for i in ids if i in issued or i in paid]


def _max_by(session: Session, query: Select[Any, Any]) -> dict[int, Any]:
    """{key: latest value} of a grouped ``(key, max(...))`` query; rows without a key dropped."""
    return {key: value for key, value in session.execute(query) if key is not None}

"""SUP-12: a monthly statement of actual consumption ("Förbrukningsbesked") as a PDF.

A remote-read customer whose contract is invoiced less often than monthly (every two or three
months, SUP-7) still gets their actual consumption every month, free of charge. The statement is
the customer's own values per day, read straight from the daily rollups (``read_series``): the
customer reading their own data is no share with a third party, so nothing is logged. Only days
that the customer both held the installation and had such a contract are shown; only complete
months have a statement (the current month is on the Förbrukning page as it happens).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import Invalid, NotFound
from elkund.customers.models import Customer
from elkund.grid import repository as grid_repository
from elkund.grid.models import Installation
from elkund.metering.domain import AggregateQuality, Resolution
from elkund.metering.reading import read_series
from elkund.parties.models import Party
from elkund.portal.auth.pages import templates
from elkund.portal.components.i18n import Lang, translate
from elkund.supply.billing_period import add_months
from elkund.supply.models import Contract, ContractStatus

MONTHS_LINKED = 12
"""How many past months the Fakturor page links a statement for."""


_NONE = "Det finns inget förbrukningsbesked för den månaden."


class UnknownStatement(NotFound):
    code = "unknown_statement"


class InvalidMonth(Invalid):
    code = "invalid_month"


@dataclass(frozen=True, slots=True)
class StatementLink:
    installation_id: str  # GSRN
    month: date  # its first day

    @property
    def month_param(self) -> str:
        return self.month.strftime("%Y-%m")


@dataclass(frozen=True, slots=True)
class StatementDay:
    day: date
    wh: int
    quality: AggregateQuality


@dataclass(frozen=True, slots=True)
class Statement:
    supplier: str
    customer: str
    installation_id: str
    address: str
    month: date
    days: list[StatementDay]

    @property
    def total_wh(self) -> int:
        return sum(day.wh for day in self.days)


@dataclass(frozen=True, slots=True)
class _Basis:
    """A contract billed less often than monthly, on a remote-read installation."""

    contract: Contract
    installation: Installation


def parse_month(value: str) -> date:
    """``2025-03`` → 1 March 2025; anything else is refused."""
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(value)
        return date(int(year), int(month), 1)
    except ValueError:
        raise InvalidMonth("Ange månaden som ÅÅÅÅ-MM.") from None


def statement_links(session: Session, *, customer: Customer, today: date) -> list[StatementLink]:
    """The statements of the last ``MONTHS_LINKED`` complete months, newest first."""
    this_month = today.replace(day=1)
    months = [add_months(this_month, -back) for back in range(1, MONTHS_LINKED + 1)]
    links = []
    for basis in _bases(session, customer):
        holdings = _holdings(session, customer, basis.installation)
        for month in months:
            if _covered_days([basis.contract], holdings, month):
                links.append(StatementLink(basis.installation.gsrn, month))
    unique = set(links)
    return sorted(unique, key=lambda link: (-link.month.toordinal(), link.installation_id))


def statement(
    session: Session, *, customer: Customer, installation_id: str, month: date, today: date
) -> Statement:
    """The customer's consumption per day of ``month``; not found where no statement applies."""
    bases = [b for b in _bases(session, customer) if b.installation.gsrn == installation_id]
    if not bases or month >= today.replace(day=1):
        raise UnknownStatement(_NONE)
    installation = bases[0].installation
    holdings = _holdings(session, customer, installation)
    contracts = [b.contract for b in bases if _covered_days([b.contract], holdings, month)]
    days = _covered_days(contracts, holdings, month)
    if not days:
        raise UnknownStatement(_NONE)
    series = read_series(
        session,
        installation_id=installation.id,
        metered=Resolution(installation.resolution),
        first=days[0],
        end=days[-1] + timedelta(days=1),
        resolution=Resolution.P1D,
    )
    wanted = set(days)
    return Statement(
        supplier=_supplier_names(session, contracts),
        customer=customer.name,
        installation_id=installation.gsrn,
        address=_address(installation),
        month=month,
        days=[
            StatementDay(bucket.start.date(), bucket.wh, bucket.quality)
            for bucket in series.buckets
            if bucket.start.date() in wanted
        ],
    )


def statement_pdf(doc: Statement, lang: Lang) -> bytes:
    """The statement as an A4 PDF (WeasyPrint), in the visitor's language."""
    from weasyprint import HTML  # imported late: loading Pango takes a moment

    def t(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    html = templates.env.get_template("invoices/statement_pdf.html").render(s=doc, lang=lang, t=t)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _bases(session: Session, customer: Customer) -> list[_Basis]:
    query = (
        select(Contract, Installation)
        .join(Installation, Installation.id == Contract.installation_id)
        .where(
            Contract.customer_id == customer.id,
            Contract.status != ContractStatus.REFUSED,
            Contract.billing_interval_months > 1,
            Installation.remote_read.is_(True),
        )
        .order_by(Contract.start_date, Contract.id)
    )
    return [_Basis(contract, installation) for contract, installation in session.execute(query)]


def _holdings(
    session: Session, customer: Customer, installation: Installation
) -> list[tuple[date, date | None]]:
    """When the customer held the installation: values outside are another occupant's (EU-5)."""
    return [
        (holder.move_in, holder.move_out)
        for holder in grid_repository.holders(session, installation.id)
        if holder.customer_id == customer.id
    ]


def _covered_days(
    contracts: Iterable[Contract], holdings: list[tuple[date, date | None]], month: date
) -> list[date]:
    """The days of ``month`` under one of ``contracts`` while the customer held the installation."""
    periods = [(c.start_date, c.end_date) for c in contracts]
    end = add_months(month, 1)
    days = (month + timedelta(days=n) for n in range((end - month).days))
    return [day for day in days if _within(day, periods) and _within(day, holdings)]


def _within(day: date, periods: Iterable[tuple[date, date | None]]) -> bool:
    return any(start <= day and (stop is None or day < stop) for start, stop in periods)


def _address(installation: Installation) -> str:
    """``Storgatan 1, 903 26 Umeå``: the postal code as Swedish addresses write it."""
    code = installation.postal_code
    if len(code) == 5 and code.isdigit():
        code = f"{code[:3]} {code[3:]}"
    return f"{installation.street}, {code} {installation.city}"


def _supplier_names(session: Session, contracts: Iterable[Contract]) -> str:
    ids = sorted({contract.supplier_id for contract in contracts})
    names = [party.name for party in (session.get(Party, i) for i in ids) if party is not None]
    return ", ".join(names)

"""The demo loader: a whole fictional grid with values, loaded once, the same for the same seed."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elkund.core.jobs.models import JobRow
from elkund.core.localtime import local_midnight
from elkund.customers import passwords
from elkund.customers.identity import IdentityKind, parse_person_number
from elkund.customers.models import BusinessLogin, Customer, CustomerKind
from elkund.customers.service import find_business_login
from elkund.demo import DemoSummary, load_demo
from elkund.demo.billing import months_to_bill
from elkund.grid.models import Direction, Installation, InstallationHolder, SupplyPeriod
from elkund.grid.service import get_installation, supplier_on
from elkund.metering.models import MeterValue
from elkund.metering.repository import fetch_days, fetch_values
from elkund.parties.credentials import issue_token
from elkund.parties.models import Party, PartyRole
from elkund.supply.billing_models import Invoice
from elkund.supply.disclosure_models import OriginGuarantee
from elkund.supply.render_jobs import RENDER_JOB, render_invoice
from elkund.supply.stored import document_of

# The window holds the spring change to daylight saving time (29 March 2026).
TODAY = date(2026, 3, 31)
DAYS = 3


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2's real cost is the point in production and only slows the tests."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)


@pytest.fixture
def accounts(tmp_path: Path) -> Path:
    return tmp_path / "demo-accounts.json"


def load(session: Session, accounts: Path, seed: int = 2026) -> DemoSummary:
    return load_demo(session, seed=seed, days=DAYS, today=TODAY, accounts_path=accounts)


def count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def snapshot(session: Session) -> tuple[list[tuple[str, str]], list[tuple[int, int, int, int]]]:
    """Customers by identity number, and the first values of the first installation."""
    rows = session.execute(select(Customer.identity_number, Customer.name))
    customers = sorted((number, name) for number, name in rows)
    first = session.scalars(select(Installation).order_by(Installation.gsrn)).first()
    assert first is not None
    start = local_midnight(TODAY - timedelta(days=DAYS))
    values = fetch_values(
        session, installation_id=first.id, start=start, end=start + timedelta(hours=6)
    )
    return customers, values[:8]


def test_load_creates_the_demo_world(session: Session, accounts: Path) -> None:
    summary = load(session, accounts)
    assert (summary.customers, summary.installations, summary.created) == (50, 80, True)
    assert summary.values == count(session, MeterValue) > 80 * DAYS * 20
    assert (count(session, Customer), count(session, Installation)) == (50, 80)
    roles = Counter(session.scalars(select(Party.role)))
    assert roles == {PartyRole.GRID_COMPANY: 1, PartyRole.SUPPLIER: 2, PartyRole.ESCO: 3}
    kinds = Counter(session.scalars(select(Customer.kind)))
    assert kinds == {CustomerKind.PRIVATE: 40, CustomerKind.BUSINESS: 10}
    assert count(session, BusinessLogin) == 10
    zones = set(session.scalars(select(Installation.bidding_zone)))
    assert zones == {"SE1", "SE2", "SE3", "SE4"}


def test_every_personnummer_is_in_the_test_range(session: Session, accounts: Path) -> None:
    load(session, accounts)
    query = select(Customer.identity_number).where(Customer.kind == CustomerKind.PRIVATE)
    numbers = [parse_person_number(n, today=TODAY) for n in session.scalars(query)]
    assert len(numbers) == 40
    assert all(980 <= int(n.value[8:11]) <= 999 for n in numbers)
    assert [n.kind for n in numbers].count(IdentityKind.SAMORDNINGSNUMMER) == 1


def test_moves_suppliers_and_a_solar_roof(session: Session, accounts: Path) -> None:
    load(session, accounts)
    moved_out = session.scalars(
        select(InstallationHolder).where(InstallationHolder.move_out.is_not(None))
    ).all()
    assert len(moved_out) == 3
    last_day = TODAY - timedelta(days=1)
    for installation in session.scalars(select(Installation)):
        assert supplier_on(session, installation=installation, day=last_day) is not None
    periods = Counter(session.scalars(select(SupplyPeriod.installation_id)))
    assert sum(1 for n in periods.values() if n > 1) >= 5
    (solar,) = session.scalars(
        select(Installation).where(Installation.direction == Direction.PRODUCTION)
    )
    neighbours = session.scalars(
        select(Installation).where(
            Installation.street == solar.street, Installation.city == solar.city
        )
    ).all()
    assert len(neighbours) == 2


def test_values_cover_the_window_and_the_rollups_agree(session: Session, accounts: Path) -> None:
    load(session, accounts)
    first, end = local_midnight(TODAY - timedelta(days=DAYS)), local_midnight(TODAY)
    for installation in session.scalars(select(Installation).order_by(Installation.gsrn)):
        values = fetch_values(session, installation_id=installation.id, start=first, end=end)
        assert values
        assert all(wh >= 0 and quality in (0, 1, 2) for _, _, wh, quality in values)
        assert {minutes for _, minutes, _, _ in values} == {
            15 if installation.resolution == "PT15M" else 60
        }
        assert all(q == 1 for *_, q in values) or installation.remote_read
        days = fetch_days(
            session,
            installation_id=installation.id,
            first=TODAY - timedelta(days=DAYS),
            end=TODAY,
        )
        assert sum(d.wh for d in days) == sum(wh for _, _, wh, q in values if q != 2)
    before = count(session, MeterValue)
    assert fetch_values(session, installation_id=1, start=end, end=end + timedelta(days=1)) == []
    assert before == count(session, MeterValue)


def test_the_same_seed_gives_the_same_world(session: Session, accounts: Path) -> None:
    with session.begin_nested() as attempt:
        load(session, accounts)
        first = snapshot(session)
        attempt.rollback()
    with session.begin_nested() as attempt:
        load(session, accounts)
        again = snapshot(session)
        attempt.rollback()
    load(session, accounts, seed=7)
    other = snapshot(session)
    assert first == again
    assert first[1]  # the first values are there to compare
    assert [n for n, _ in other[0]] != [n for n, _ in first[0]]


def test_a_second_load_creates_nothing(session: Session, accounts: Path) -> None:
    created = load(session, accounts)
    written = accounts.read_text(encoding="utf-8")
    accounts.unlink()
    again = load(session, accounts)
    assert again.created is False
    assert (again.customers, again.installations, again.values) == (
        created.customers,
        created.installations,
        created.values,
    )
    assert (count(session, Customer), count(session, Installation)) == (50, 80)
    assert accounts.read_text(encoding="utf-8") == written


@pytest.fixture
def document(session: Session, accounts: Path) -> dict[str, Any]:
    load(session, accounts)
    result: dict[str, Any] = json.loads(accounts.read_text(encoding="utf-8"))
    return result


def test_the_accounts_file_names_every_party(document: dict[str, Any]) -> None:
    assert document["grid_company"]["name"] == "Elkund Nät AB"
    assert re.fullmatch(r"\d{6}-\d{4}", document["grid_company"]["org_number"])
    assert len(document["suppliers"]) == 2
    assert len(document["escos"]) == 3
    for esco in document["escos"]:
        assert esco["client_id"].startswith("elk_demo_esco_")
        assert len(esco["client_secret"]) == 40
        assert "/api/v1/oauth/token" in esco["note"]


def test_the_accounts_file_lists_customers_and_what_they_hold(
    session: Session, document: dict[str, Any]
) -> None:
    customers = document["customers"]
    assert Counter(c["type"] for c in customers) == {"private": 40, "business": 10}
    for customer in customers:
        pattern = r"\d{8}-\d{4}" if customer["type"] == "private" else r"\d{6}-\d{4}"
        assert re.fullmatch(pattern, customer["identity_number"])
        for gsrn in customer["installations"]:
            get_installation(session, installation_id=gsrn)
    held = [gsrn for c in customers for gsrn in c["installations"]]
    assert len(held) == len(set(held)) == 80
    assert sum(1 for c in customers if not c["installations"]) == 2  # moved out of the grid


def test_the_accounts_file_gives_working_business_logins(
    session: Session, document: dict[str, Any]
) -> None:
    logins = document["business_logins"]
    assert len(logins) == 10
    for entry in logins:
        login = find_business_login(session, username=entry["username"])
        assert login is not None
        assert passwords.verify_password(login.password_hash, entry["password"])
        assert not passwords.verify_password(login.password_hash, entry["password"] + "x")


def test_the_accounts_file_holds_no_password_that_no_longer_works(
    session: Session, accounts: Path
) -> None:
    load(session, accounts)
    login = session.scalars(select(BusinessLogin).order_by(BusinessLogin.id)).first()
    assert login is not None
    login.password_hash = passwords.hash_password("changed by the company itself")
    session.flush()
    load(session, accounts)
    logins = json.loads(accounts.read_text(encoding="utf-8"))["business_logins"]
    assert [entry["password"] is None for entry in logins].count(True) == 1


def test_the_demo_esco_credentials_get_a_token(session: Session, document: dict[str, Any]) -> None:
    esco = document["escos"][0]
    issued = issue_token(
        session, client_id=esco["client_id"], secret=esco["client_secret"], now=datetime.now(UTC)
    )
    assert issued.expires_in == 3600


# --- invoices (issue 5) --------------------------------------------------------------------------

# Values from 31 October 2023: November, December and January are the last complete months, and
# the years before their issue dates (2022, 2023) have a published residual mix.
BILLED_TODAY = date(2024, 2, 10)
BILLED_DAYS = 102
DEC, JAN, FEB = date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)


@pytest.mark.parametrize(
    ("today", "first_day", "months"),
    [
        (date(2026, 3, 31), date(2023, 3, 31), [DEC, JAN, FEB]),
        (date(2026, 3, 1), date(2023, 3, 1), [DEC, JAN, FEB]),
        (date(2026, 1, 15), date(2025, 1, 15), [date(2025, 10, 1), date(2025, 11, 1), DEC]),
        # a month that began before the first meter value cannot be billed
        (date(2026, 3, 31), date(2025, 12, 2), [JAN, FEB]),
        (TODAY, TODAY - timedelta(days=DAYS), []),
    ],
)  # fmt: skip
def test_the_demo_bills_the_last_three_complete_months_it_has_values_for(
    today: date, first_day: date, months: list[date]
) -> None:
    assert months_to_bill(today=today, first_day=first_day) == months


def render_jobs(session: Session) -> list[JobRow]:
    return list(
        session.scalars(select(JobRow).where(JobRow.kind == RENDER_JOB).order_by(JobRow.id))
    )


def test_the_demo_issues_three_months_of_invoices_once_rendered_by_jobs(
    session: Session, accounts: Path, tmp_path: Path
) -> None:
    """SUP-7, SUP-9, SUP-16: the last three months are invoiced with the suppliers' mix of origin;
    the PDFs are left to queued jobs; loading again issues nothing."""
    output = tmp_path / "invoices"
    summary = load_demo(
        session, days=BILLED_DAYS, today=BILLED_TODAY, accounts_path=accounts, invoices_path=output
    )
    invoices = session.scalars(
        select(Invoice).order_by(Invoice.supplier_id, Invoice.sequence)
    ).all()
    assert summary.invoices == len(invoices)
    per_month = Counter(i.billing_month for i in invoices)
    assert sorted(per_month) == [date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1)]
    assert min(per_month.values()) > 40  # most of the 79 consumption installations each month
    assert {(i.billing_month, i.issue_date) for i in invoices} == {
        (date(2023, 11, 1), date(2023, 12, 3)),
        (date(2023, 12, 1), date(2024, 1, 3)),
        (date(2024, 1, 1), date(2024, 2, 3)),
    }
    assert {i.kind for i in invoices} == {"invoice"}
    for supplier_id in {i.supplier_id for i in invoices}:  # gap-free numbers per supplier
        numbers = [i.sequence for i in invoices if i.supplier_id == supplier_id]
        assert numbers == list(range(1, len(numbers) + 1))
    documents = [document_of(i) for i in invoices]
    assert all(d.consumption_kwh > 0 for d in documents)
    # SUP-16: every invoice shows its supplier's mix of the year before it was issued.
    assert {
        (i.supplier_id, d.disclosure.year)
        for i, d in zip(invoices, documents, strict=True)
        if d.disclosure
    } == {
        (supplier_id, year)
        for supplier_id in {i.supplier_id for i in invoices}
        for year in (2022, 2023)
    }
    assert all(d.disclosure is not None for d in documents)
    assert count(session, OriginGuarantee) > 0
    # The files are the worker's job: one render job per invoice, none rendered yet.
    jobs = render_jobs(session)
    assert [j.payload["invoice"] for j in jobs] == sorted(i.id for i in invoices)
    assert {i.pdf_path for i in invoices} == {None}
    result = render_invoice(session, jobs[0].payload)
    assert Path(result["pdf"]).read_bytes().startswith(b"%PDF-")
    assert Path(result["pdf"]).is_relative_to(output.resolve())
    # Loading again creates nothing: no invoice, no job.
    again = load_demo(
        session, days=BILLED_DAYS, today=BILLED_TODAY, accounts_path=accounts, invoices_path=output
    )
    assert (again.created, again.invoices) == (False, len(invoices))
    assert count(session, Invoice) == len(invoices)
    assert len(render_jobs(session)) == len(jobs)

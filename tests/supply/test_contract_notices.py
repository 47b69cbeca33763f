"""SUP-23: before a time-limited contract expires the supplier writes to the customer, once per
contract and expiry, saying when it expires and what follows; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from elkund.cli import app
from elkund.core.db import session_scope
from elkund.core.errors import AppError
from elkund.core.settings import get_settings
from elkund.parties.models import Party
from elkund.supply.contract_notices import expiring, expiry_of, send_expiry_notices
from elkund.supply.models import Contract, ContractStatus, Product, ProductKind
from elkund.supply.notice_models import ContractExpiryNotice
from tests.factories import (
    make_customer,
    make_installation,
    make_product,
    make_supplier,
    make_supplier_profile,
)

TODAY = date(2026, 2, 1)
LEAD = 90  # horizon: 2 May 2026
HORIZON = date(2026, 5, 2)
runner = CliRunner()


def fixed_product(session: Session, supplier: Party, months: int = 24) -> Product:
    return make_product(
        session,
        supplier,
        code=f"FAST-{months}",
        name=f"Fast elpris {months} månader",
        kind=ProductKind.FIXED,
        energy_price_ore_per_kwh=Decimal("89.9"),
        term_months=months,
        markup_ore_per_kwh=None,
        termination_free=False,
    )


def contract(
    session: Session,
    product: Product,
    *,
    start: date,
    end: date | None = None,
    status: ContractStatus = ContractStatus.ACTIVE,
) -> Contract:
    """A contract of its own customer and installation, stored as the grid company accepted it."""
    customer = make_customer(session)
    installation = make_installation(session, holder=customer)
    row = Contract(
        installation_id=installation.id,
        customer_id=customer.id,
        supplier_id=product.supplier_id,
        product_id=product.id,
        name=product.name,
        start_date=start,
        end_date=end,
        status=status,
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def supplier(session: Session) -> Party:
    """A supplier with a profile, a variable product to continue on and a default one."""
    party = make_supplier(session, name="Norrsken Energi AB")
    make_supplier_profile(session, party)
    make_product(session, party, code="RORLIGT", name="Rörligt elpris")
    make_product(session, party, code="ANVISAT", name="Anvisat avtal", kind=ProductKind.DEFAULT)
    return party


def ids(session: Session, *, today: date = TODAY) -> set[int]:
    return {e.contract.id for e in expiring(session, today=today, lead_days=LEAD)}


def test_sup_23_expiry_is_the_end_date_else_the_fixed_terms_end() -> None:
    fixed = Product(kind=ProductKind.FIXED, term_months=24)
    variable = Product(kind=ProductKind.VARIABLE, term_months=None)
    assert expiry_of(Contract(start_date=date(2024, 1, 31), end_date=None), fixed) == date(
        2026, 1, 31
    )
    assert expiry_of(Contract(start_date=date(2024, 1, 1), end_date=date(2025, 7, 1)), fixed) == (
        date(2025, 7, 1)
    )
    assert expiry_of(Contract(start_date=date(2024, 1, 1), end_date=None), variable) is None


def test_sup_23_lead_time_boundaries(session: Session, supplier: Party) -> None:
    """Expiring on the horizon or the day after today: inside; a day later or today: outside."""
    fixed = fixed_product(session, supplier)
    variable = make_product(session, supplier)
    on_horizon = contract(session, fixed, start=date(2024, 5, 2))  # expires 2 May 2026
    past_horizon = contract(session, fixed, start=date(2024, 5, 3))  # 3 May 2026
    tomorrow = contract(session, fixed, start=date(2024, 2, 2))  # 2 Feb 2026
    contract(session, fixed, start=date(2024, 2, 1))  # 1 Feb 2026: expires today, too late
    dated_inside = contract(session, variable, start=date(2025, 1, 1), end=HORIZON)
    contract(session, variable, start=date(2025, 1, 1), end=date(2026, 5, 3))
    assert ids(session) == {on_horizon.id, tomorrow.id, dated_inside.id}
    assert past_horizon.id in ids(session, today=date(2026, 2, 2))  # the next day it is due


def test_sup_23_ended_refused_and_open_ended_contracts_get_no_letter(
    session: Session, supplier: Party
) -> None:
    fixed = fixed_product(session, supplier)
    variable = make_product(session, supplier)
    due = contract(session, fixed, start=date(2024, 4, 1))
    contract(
        session, fixed, start=date(2024, 4, 1), end=date(2026, 4, 1), status=ContractStatus.ENDED
    )
    contract(session, fixed, start=date(2024, 4, 1), status=ContractStatus.REFUSED)
    contract(session, variable, start=date(2024, 4, 1))  # open-ended: nothing expires
    contract(session, fixed, start=date(2021, 4, 1))  # its fixed term ended long ago
    assert ids(session) == {due.id}


def test_sup_23_one_letter_per_contract_end_and_it_says_what_follows(
    session: Session, supplier: Party, tmp_path: Path
) -> None:
    """The PDF says when the contract expires, which product follows with its terms and price,
    and that the customer may choose another contract or supplier; a re-run writes nothing."""
    fixed = fixed_product(session, supplier)
    expiring_contract = contract(session, fixed, start=date(2024, 4, 1))  # expires 1 Apr 2026

    first = send_expiry_notices(session, today=TODAY, lead_days=LEAD, output=tmp_path)
    again = send_expiry_notices(session, today=date(2026, 2, 2), lead_days=LEAD, output=tmp_path)

    assert [(m.contract_id, m.expires_on, m.successor) for m in first.made] == [
        (expiring_contract.id, date(2026, 4, 1), "Rörligt elpris")
    ]
    assert (first.made[0].days_left, first.made[0].late) == (59, True)
    assert (again.made, again.refused, first.refused) == ([], [], [])
    notice = session.scalars(select(ContractExpiryNotice)).one()
    assert (notice.contract_id, notice.expires_on, notice.sent_on) == (
        expiring_contract.id,
        date(2026, 4, 1),
        TODAY,
    )
    assert notice.pdf_path == first.made[0].pdf_path
    assert notice.pdf_path is not None
    text = pdf_text(Path(notice.pdf_path))
    assert "Ditt elavtal löper snart ut" in text
    assert "Fast elpris 24 månader" in text
    assert "löper ut den 31 mars 2026" in text  # the last day under the fixed price
    assert "Från och med den 1 april 2026 får du då vårt avtal Rörligt elpris" in text
    assert "fortsätter du att vara kund hos oss" in text
    assert "Rörligt pris, tills vidare" in text
    assert "Ingen, avtalet gäller tills vidare" in text
    assert "Månadens genomsnittliga spotpris i elområde SE3" in text
    assert "påslag 5,63 öre" in text  # 4,5 öre/kWh + 25 % VAT
    assert "månadsavgift 48,75 kr" in text  # 39 kr + 25 % VAT
    assert "byta till en annan elleverantör" in text
    assert "www.elpriskollen.se" in text
    assert "Norrsken Energi AB" in text


def test_sup_23_a_new_expiry_of_the_same_contract_gets_its_own_letter(
    session: Session, supplier: Party
) -> None:
    variable = make_product(session, supplier)
    dated = contract(session, variable, start=date(2025, 1, 1), end=date(2026, 3, 1))
    session.add(
        ContractExpiryNotice(
            contract_id=dated.id,
            supplier_id=supplier.id,
            customer_id=dated.customer_id,
            expires_on=date(2026, 3, 1),
            successor_product_id=variable.id,
            sent_on=date(2026, 1, 1),
        )
    )
    session.flush()
    assert ids(session) == set()
    dated.end_date = date(2026, 4, 1)  # extended: the customer is told again about the new end
    assert ids(session) == {dated.id}


def test_sup_23_no_letter_without_a_profile_or_a_product_to_continue_on(
    session: Session, tmp_path: Path
) -> None:
    without_profile = make_supplier(session)
    make_product(session, without_profile)
    without_successor = make_supplier(session)
    make_supplier_profile(session, without_successor)
    first = contract(session, fixed_product(session, without_profile), start=date(2024, 4, 1))
    second = contract(session, fixed_product(session, without_successor), start=date(2024, 4, 1))

    run = send_expiry_notices(session, today=TODAY, lead_days=LEAD, output=tmp_path)

    assert run.made == []
    assert sorted((r.contract_id, r.error) for r in run.refused) == [
        (first.id, "supplier_profile_missing"),
        (second.id, "no_successor_product"),
    ]
    assert session.scalar(select(func.count()).select_from(ContractExpiryNotice)) == 0
    assert list(tmp_path.iterdir()) == []


def test_sup_23_a_lead_time_under_a_day_is_refused(session: Session) -> None:
    with pytest.raises(AppError) as raised:
        expiring(session, today=TODAY, lead_days=0)
    assert raised.value.code == "invalid_lead_time"


@pytest.fixture
def cli_db(
    engine: Engine,
    committed: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[sessionmaker[Session]]:
    monkeypatch.setenv("ELKUND_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("ELKUND_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield committed
    get_settings.cache_clear()


def notices_cli(*args: str) -> Any:
    return runner.invoke(app, ["notices", *args])


def test_sup_23_cli_writes_the_letters_due_and_no_more_on_a_rerun(
    cli_db: sessionmaker[Session], tmp_path: Path
) -> None:
    with session_scope(cli_db, write=True) as session:
        party = make_supplier(session)
        make_supplier_profile(session, party)
        make_product(session, party, code="RORLIGT", name="Rörligt elpris")
        contract_id = contract(session, fixed_product(session, party), start=date(2024, 4, 15)).id

    result = notices_cli("expiring", "--date", "2026-02-01", "--json")
    rerun = notices_cli("expiring", "--date", "2026-02-01")

    assert result.exit_code == 0, result.output
    document = orjson.loads(result.stdout)
    assert document["lead_days"] == 90  # the documented default
    letters = document["letters"]
    assert [(x["contract_id"], x["expires_on"], x["late"]) for x in letters] == [
        (contract_id, "2026-04-15", False)
    ]
    assert Path(letters[0]["pdf_path"]).is_relative_to(tmp_path / "var" / "letters")
    assert Path(letters[0]["pdf_path"]).read_bytes().startswith(b"%PDF")
    assert rerun.exit_code == 0
    assert rerun.stdout == "0 letters written, 0 refused.\n"


def test_cli_refuses_a_malformed_date(cli_db: sessionmaker[Session]) -> None:
    result = notices_cli("expiring", "--date", "1 feb")
    assert result.exit_code == 2
    assert "--date must be YYYY-MM-DD" in result.output


def pdf_text(path: Path) -> str:
    """The text a reader sees, whitespace (line wraps, no-break spaces) made single spaces."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())  # one space wherever a line wrapped

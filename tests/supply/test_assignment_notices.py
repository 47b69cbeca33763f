"""SUP-22: the grid company writes to a customer it assigned a supplier (anvisad elleverantör),
naming the supplier and explaining an anvisat avtal; the letter is kept. SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from elkund.cli import app
from elkund.core.db import session_scope
from elkund.core.errors import AppError
from elkund.core.settings import get_settings
from elkund.grid.gsrn import make_installation_id
from elkund.grid.models import Installation
from elkund.parties.models import Party, PartyRole
from elkund.supply.assignment_notices import assignment_notices_of, send_assignment_notice
from elkund.supply.models import ProductKind
from tests.factories import (
    make_customer,
    make_esco,
    make_installation,
    make_party,
    make_product,
    make_supplier,
    make_supplier_profile,
    org_number,
)

TODAY = date(2026, 3, 2)
START = date(2026, 3, 5)
runner = CliRunner()


def grid_company(session: Session) -> Party:
    return make_party(
        session,
        role=PartyRole.GRID_COMPANY,
        name="Umeå Elnät AB",
        phone="090-16 00 00",
        email="kundservice@umeaelnat.example",
    )


def assigned_supplier(session: Session) -> Party:
    party = make_supplier(session, name="Norrsken Energi AB")
    make_supplier_profile(
        session,
        party,
        customer_service_phone="090-123 45 00",
        customer_service_email="kundtjanst@norrsken.example",
        website="https://norrsken.example",
    )
    make_product(session, party, code="ANVISAT", name="Anvisat avtal", kind=ProductKind.DEFAULT)
    return party


def held_installation(session: Session) -> Installation:
    return make_installation(session, holder=make_customer(session, name="Anna Andersson"))


def send(session: Session, installation_id: str, supplier: Party, output: Path) -> Any:
    return send_assignment_notice(
        session,
        installation_id=installation_id,
        supplier=supplier,
        start=START,
        today=TODAY,
        output=output,
    )


def test_sup_22_letter_names_the_supplier_and_explains_an_anvisat_avtal(
    session: Session, tmp_path: Path
) -> None:
    grid = grid_company(session)
    supplier = assigned_supplier(session)
    installation = held_installation(session)

    letter = send(session, installation.gsrn, supplier, tmp_path)
    again = send(session, installation.gsrn, supplier, tmp_path)

    assert (letter.created, again.created, again.notice_id) == (True, False, letter.notice_id)
    [notice] = assignment_notices_of(session, installation=installation)
    assert (notice.supplier_id, notice.grid_company_id, notice.start_date, notice.sent_on) == (
        supplier.id,
        grid.id,
        START,
        TODAY,
    )
    assert notice.pdf_path == letter.pdf_path
    text = pdf_text(Path(letter.pdf_path))
    assert "Umeå Elnät AB" in text  # the grid company writes
    assert "Anna Andersson" in text
    assert "Du har fått en anvisad elleverantör" in text
    assert "Från och med den 5 mars 2026 levererar Norrsken Energi AB el till dig" in text
    assert "Anvisad elleverantör: Norrsken Energi AB" in text
    assert "Telefon: 090-123 45 00" in text
    assert "E-post: kundtjanst@norrsken.example" in text
    assert "Webbplats: https://norrsken.example" in text
    assert "det elavtal du får när du inte själv har valt elleverantör" in text
    assert "Priset och villkoren kan vara mindre förmånliga" in text
    assert "Du kan när som helst välja elleverantör och elavtal" in text


def test_sup_22_unknown_installation_is_refused(session: Session, tmp_path: Path) -> None:
    grid_company(session)
    supplier = assigned_supplier(session)
    with pytest.raises(AppError) as unknown:
        send(session, make_installation_id(999_999), supplier, tmp_path)
    with pytest.raises(AppError) as malformed:
        send(session, "735999", supplier, tmp_path)
    assert (unknown.value.code, unknown.value.status) == ("unknown_installation", 404)
    assert malformed.value.code == "invalid_installation_id"
    assert list(tmp_path.iterdir()) == []


def test_sup_22_only_an_active_supplier_can_be_assigned(session: Session, tmp_path: Path) -> None:
    grid_company(session)
    installation = held_installation(session)
    with pytest.raises(AppError) as raised:
        send(session, installation.gsrn, make_esco(session), tmp_path)
    assert raised.value.code == "not_a_supplier"


def test_sup_22_no_letter_without_a_customer_or_a_grid_company(
    session: Session, tmp_path: Path
) -> None:
    supplier = assigned_supplier(session)
    installation = held_installation(session)
    with pytest.raises(AppError) as no_grid:
        send(session, installation.gsrn, supplier, tmp_path)
    grid_company(session)
    with pytest.raises(AppError) as no_holder:
        send(session, make_installation(session).gsrn, supplier, tmp_path)
    assert (no_grid.value.code, no_grid.value.status) == ("grid_company_missing", 404)
    assert (no_holder.value.code, no_holder.value.status) == ("no_customer", 409)
    assert assignment_notices_of(session, installation=installation) == []


SUPPLIER_ORG = org_number(801)


@pytest.fixture
def cli_db(
    engine: Engine,
    committed: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """The CLI on the test database with a grid company, a supplier and a held installation."""
    monkeypatch.setenv("ELKUND_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("ELKUND_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    with session_scope(committed, write=True) as session:
        grid_company(session)
        make_supplier(session, org_number=SUPPLIER_ORG)
        gsrn = held_installation(session).gsrn
    yield gsrn
    get_settings.cache_clear()


def cli(*args: str) -> Any:
    return runner.invoke(app, ["notices", "assigned", *args])


def test_sup_22_cli_writes_and_keeps_the_letter(cli_db: str, tmp_path: Path) -> None:
    result = cli(cli_db, "--supplier", SUPPLIER_ORG, "--start", "2026-03-05", "--json")
    assert result.exit_code == 0, result.output
    letter = orjson.loads(result.stdout)
    assert (letter["installation_id"], letter["start"], letter["created"]) == (
        cli_db,
        "2026-03-05",
        True,
    )
    assert Path(letter["pdf_path"]).is_relative_to(tmp_path / "var" / "letters")
    assert Path(letter["pdf_path"]).read_bytes().startswith(b"%PDF")


def test_sup_22_cli_unknown_supplier_or_installation(cli_db: str) -> None:
    unknown_supplier = cli(cli_db, "--supplier", org_number(802), "--json")
    unknown_installation = cli(make_installation_id(999_998), "--supplier", SUPPLIER_ORG, "--json")
    assert unknown_supplier.exit_code == 2
    assert orjson.loads(unknown_supplier.stdout)["error"] == "unknown_supplier"
    assert unknown_installation.exit_code == 2
    assert orjson.loads(unknown_installation.stdout)["error"] == "unknown_installation"


def pdf_text(path: Path) -> str:
    """The text a reader sees, whitespace (line wraps, no-break spaces) made single spaces."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join("\n".join(page.extract_text() for page in reader.pages).split())

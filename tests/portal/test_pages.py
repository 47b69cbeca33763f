"""Mina sidor – Översikt and Anläggning: own installations and grid terms (TPA-11)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from elkund.api.app import create_app
from elkund.core.db import session_scope
from elkund.core.localtime import utcnow
from elkund.core.settings import Settings
from elkund.grid.service import set_supplier
from elkund.parties.models import PartyRole
from elkund.portal import pages
from elkund.portal.auth import install
from elkund.portal.auth.cookies import SESSION_COOKIE
from elkund.portal.auth.service import start_person_session
from elkund.portal.auth.settings import AuthSettings
from tests.factories import (
    fake_personnummer,
    make_customer,
    make_installation,
    make_party,
    make_tariff,
)


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    settings = Settings(
        env="test", database_url="sqlite://", secret_key="x" * 32, worker_in_process=False
    )
    app = create_app(settings, engine=engine)
    if not any(getattr(r, "path", "") == "/mina-sidor" for r in app.routes):
        install(app)
        app.include_router(pages.router)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def gsrns(committed: sessionmaker[Session], client: TestClient) -> tuple[str, str]:
    with session_scope(committed) as session:
        customer = make_customer(session, identity_number=fake_personnummer("19800101", 980))
        stranger = make_customer(session, identity_number=fake_personnummer("19700101", 981))
        tariff = make_tariff(
            session,
            name="Säkringstariff 20 A",
            fixed_fee_sek_per_year=Decimal("4560"),
            transfer_fee_ore_per_kwh=Decimal("28.5"),
            terms_url="https://nät.example/villkor",
        )
        mine = make_installation(session, holder=customer, tariff=tariff, street="Storgatan 1")
        supplier = make_party(session, role=PartyRole.SUPPLIER, name="Solvik El AB")
        set_supplier(session, installation=mine, supplier=supplier, start=date(2020, 1, 1))
        theirs = make_installation(session, holder=stranger)
        started = start_person_session(
            session, person_number=customer.identity_number, now=utcnow(), settings=AuthSettings()
        )
        client.cookies.set(SESSION_COOKIE, started.token)
        return mine.gsrn, theirs.gsrn


def test_overview_lists_the_customers_installations(
    client: TestClient, gsrns: tuple[str, str]
) -> None:
    page = client.get("/mina-sidor").text
    assert gsrns[0] in page
    assert "Storgatan 1" in page
    assert "Solvik El AB" in page
    assert gsrns[1] not in page


def test_installation_page_shows_the_grid_agreement(
    client: TestClient, gsrns: tuple[str, str]
) -> None:
    """TPA-11: installation and the terms of the grid agreement."""
    page = client.get(f"/mina-sidor/anlaggning/{gsrns[0]}").text
    assert "Säkringstariff 20 A" in page
    assert "4560 kr/år" in page
    assert "28,50 öre/kWh" in page
    assert 'href="https://nät.example/villkor"' in page


def test_another_customers_installation_is_not_found(
    client: TestClient, gsrns: tuple[str, str]
) -> None:
    """EU-5: URL tampering shows nothing."""
    assert client.get(f"/mina-sidor/anlaggning/{gsrns[1]}").status_code == 404


def test_a_browser_gets_a_swedish_page_for_an_error(
    client: TestClient, gsrns: tuple[str, str]
) -> None:
    page = client.get(f"/mina-sidor/anlaggning/{gsrns[1]}", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "Vi hittar inte det du söker" in page.text
    assert "Ingen sådan anläggning hos dig." in page.text

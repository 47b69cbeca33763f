"""A company in a real browser (TPA-5): its business login adds an authorised user, who signs in
with e-ID, switches to the company and approves the company's pending request; the ESCO is told."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.customers.identity import format_number
from elkund.customers.service import create_business_login
from elkund.parties.service import EscoRegistration, register_esco
from tests.browser.conftest import PERSONS, Portal
from tests.browser.test_portal_story import TODAY, event, sign_in_with_e_id
from tests.e2e.conftest import Receiver
from tests.factories import make_customer, make_installation, org_number

pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")

COMPANY = "Bageriet i Byn AB"
USERNAME = "bageriet"
PASSWORD = "surdeg-och-kanel-2024"


def seed(committed: sessionmaker[Session], receiver: Receiver) -> tuple[EscoRegistration, str, str]:
    """The company with an installation and a login; Bertil is a private customer too."""
    with session_scope(committed, write=True) as session:
        company = make_customer(session, identity_number=org_number(77), name=COMPANY)
        create_business_login(session, customer=company, username=USERNAME, password=PASSWORD)
        shop = make_installation(session, holder=company, since=date(2020, 1, 1))
        bertil = make_customer(session, identity_number=PERSONS["bertil"], name="Bertil Berg")
        make_installation(session, holder=bertil, since=date(2020, 1, 1))
        esco = register_esco(
            session, name="Wattkollen AB", org_number=org_number(56), webhook_url=receiver.url
        )
        return esco, shop.gsrn, company.identity_number


def ask_for_company(portal: Portal, esco: EscoRegistration, gsrn: str, company: str) -> str:
    token = httpx.post(
        f"{portal.url}/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(esco.client_id, esco.client_secret),
    ).json()["access_token"]
    body = {
        "installation_id": gsrn,
        "customer_identity_number": format_number(company),
        "purpose": "Energiuppföljning för bageriet",
        "data_types": ["consumption"],
        "resolution": "PT1H",
        "history_from": date(TODAY.year - 1, 1, 1).isoformat(),
        "valid_until": date(TODAY.year + 1, 12, 31).isoformat(),
        "delivery": "pull",
    }
    created = httpx.post(
        f"{portal.url}/api/v1/access-requests",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.text
    request_id: str = created.json()["id"]
    return request_id


def add_authorised_user_as_company(page: Page, portal: Portal) -> None:
    page.goto(f"{portal.url}/logga-in/foretag?next=/mina-sidor")
    page.get_by_label("Användarnamn").fill(USERNAME)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{portal.url}/mina-sidor")
    page.get_by_role("link", name="Mitt konto").click()
    page.get_by_label("Personnummer").fill(format_number(PERSONS["bertil"]))
    page.get_by_label("Namn (valfritt)").fill("Bertil Berg")
    page.get_by_role("button", name="Skapa användare").click()
    expect(page.get_by_role("table")).to_contain_text("Bertil Berg")
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{portal.url}/logga-in?utloggad=1")


def test_an_authorised_user_approves_for_the_company(
    page: Page, portal: Portal, receiver: Receiver, committed: sessionmaker[Session]
) -> None:
    esco, shop, company = seed(committed, receiver)
    request_id = ask_for_company(portal, esco, shop, company)

    add_authorised_user_as_company(page, portal)

    sign_in_with_e_id(page, portal, "bertil")
    expect(page.get_by_text("Inga begäranden väntar på svar.")).to_be_visible()
    page.goto(f"{portal.url}/mina-sidor/vaxla")
    page.get_by_role("button", name=f"{COMPANY} (företag)").click()
    page.wait_for_url(f"{portal.url}/mina-sidor")
    expect(page.get_by_text(shop)).to_be_visible()

    page.get_by_role("banner").get_by_role("link", name="Tredjepartsåtkomst").click()
    pending = page.locator("section[aria-labelledby=att-hantera]")
    expect(pending).to_contain_text("Wattkollen AB")
    pending.get_by_role("link", name="Granska och svara").click()
    page.wait_for_url(f"{portal.url}/mina-sidor/tredjepartsatkomst/begaran/{request_id}")
    page.get_by_role("button", name="Godkänn").click()
    expect(page.get_by_role("status")).to_contain_text("Du har godkänt begäran")

    approved = event(receiver, esco.webhook_secret or "", "access_request.approved")
    assert approved["data"]["request_id"] == request_id

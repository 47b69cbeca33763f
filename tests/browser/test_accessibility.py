"""Accessibility: axe-core finds nothing serious or critical on any page of Mina sidor, each one
shown with data in it (tables, forms, a chart), signed out, as a company and as a person."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.customers.authorised import add_authorised_user
from elkund.customers.service import create_business_login, find_business_login
from elkund.metering.formats import FileFormat
from elkund.metering.service import ingest_file
from elkund.parties.service import EscoRegistration, register_esco
from tests.browser.conftest import PERSONS, Portal
from tests.browser.test_portal_story import TODAY, ask, event, sign_in_with_e_id
from tests.e2e.conftest import Receiver
from tests.factories import make_customer, make_installation, org_number
from tests.integration.helpers import day_file

pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")

SERIOUS = {"serious", "critical"}
USERNAME = "verkstan"
PASSWORD = "skruv-och-mutter-99"


def seed(
    committed: sessionmaker[Session], receiver: Receiver
) -> tuple[EscoRegistration, list[str]]:
    """Anna with two homes and meter values, and a company that lets her act for it."""
    with session_scope(committed, write=True) as session:
        anna = make_customer(session, identity_number=PERSONS["anna"], name="Anna Andersson")
        homes = [make_installation(session, holder=anna, since=date(2020, 1, 1)) for _ in range(3)]
        data = day_file(homes[0].gsrn, TODAY - timedelta(days=3), TODAY, wh=250)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
        company = make_customer(session, identity_number=org_number(78), name="Verkstan AB")
        create_business_login(session, customer=company, username=USERNAME, password=PASSWORD)
        login = find_business_login(session, username=USERNAME)
        assert login is not None
        add_authorised_user(
            session,
            company=company,
            person_number=PERSONS["anna"],
            name="Anna Andersson",
            created_by=login,
        )
        esco = register_esco(
            session, name="Wattkollen AB", org_number=org_number(57), webhook_url=receiver.url
        )
        return esco, [home.gsrn for home in homes]


def serious_violations(page: Page) -> list[str]:
    """One line per serious or critical rule broken on the page, with the elements that break it."""
    found: list[dict[str, Any]] = Axe().run(page).response["violations"]
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']} – "
        + "; ".join(node["html"] for node in v["nodes"])
        for v in found
        if v["impact"] in SERIOUS
    ]


def check(page: Page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None
    assert response.ok, f"{url}: {response.status}"
    return serious_violations(page)


def test_no_serious_violations_on_any_page(
    page: Page, portal: Portal, receiver: Receiver, committed: sessionmaker[Session]
) -> None:
    esco, (house, cottage, cabin) = seed(committed, receiver)
    token = httpx.post(
        f"{portal.url}/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(esco.client_id, esco.client_secret),
    ).json()["access_token"]
    api = httpx.Client(base_url=portal.url, headers={"Authorization": f"Bearer {token}"})
    with api:
        approve_id, reject_id, pending_id = ask(api, house), ask(api, cottage), ask(api, cabin)
        violations = check(page, f"{portal.url}/logga-in")
        violations += check(page, f"{portal.url}/logga-in/foretag?next=/mina-sidor")

        page.get_by_label("Användarnamn").fill(USERNAME)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(f"{portal.url}/mina-sidor")
        violations += check(page, f"{portal.url}/mina-sidor/konto")
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_url(f"{portal.url}/logga-in?utloggad=1")  # signed out before signing in

        sign_in_with_e_id(page, portal, "anna")
        page.goto(f"{portal.url}/mina-sidor/tredjepartsatkomst/begaran/{approve_id}")
        page.get_by_role("button", name="Godkänn").click()
        expect(page.get_by_role("status")).to_contain_text("Du har godkänt begäran")
        consent_id = event(receiver, esco.webhook_secret or "", "access_request.approved")["data"][
            "consent_id"
        ]
        page.goto(f"{portal.url}/mina-sidor/tredjepartsatkomst/begaran/{reject_id}")
        page.get_by_role("button", name="Neka").click()
        assert api.get(f"/api/v1/consents/{consent_id}/meter-values").status_code == 200

    base = f"{portal.url}/mina-sidor"
    for path in [
        "",
        f"/anlaggning/{house}",
        f"/anlaggning/{house}/forbrukning",
        f"/anlaggning/{house}/ladda-ner",
        "/tredjepartsatkomst",
        f"/tredjepartsatkomst/begaran/{pending_id}",
        f"/tredjepartsatkomst/medgivande/{consent_id}/avsluta",
        "/vaxla",
    ]:
        violations += check(page, base + path)
    assert violations == [], "\n".join(violations)

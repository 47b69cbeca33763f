"""The whole story in a real browser (TPA-3, 4, 6, 7, 8, 9): an ESCO asks, the customer signs in
with e-ID, approves one request and rejects another, the ESCO is told and pulls, the log shows
it, the customer ends the consent, the ESCO is told again and its next pull is refused."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import orjson
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from elkund.core.db import session_scope
from elkund.core.localtime import local_date, utcnow
from elkund.customers.identity import format_number
from elkund.metering.formats import FileFormat
from elkund.metering.service import ingest_file
from elkund.parties.service import EscoRegistration, register_esco
from tests.browser.conftest import PERSONS, SCREENSHOTS, Portal
from tests.e2e.conftest import Receiver
from tests.factories import make_customer, make_installation, org_number
from tests.integration.helpers import day_file

TODAY = local_date(utcnow())

# The test e-ID provider (running in this process) calls Authlib's deprecated get_jwt_config.
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")


def seed(
    committed: sessionmaker[Session], receiver: Receiver
) -> tuple[EscoRegistration, list[str]]:
    with session_scope(committed, write=True) as session:
        anna = make_customer(session, identity_number=PERSONS["anna"], name="Anna Andersson")
        homes = [make_installation(session, holder=anna, since=date(2020, 1, 1)) for _ in range(2)]
        data = day_file(homes[0].gsrn, TODAY - timedelta(days=3), TODAY, wh=250)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
        esco = register_esco(
            session, name="Wattkollen AB", org_number=org_number(55), webhook_url=receiver.url
        )
        return esco, [home.gsrn for home in homes]


def ask(api: httpx.Client, gsrn: str) -> str:
    body = {
        "installation_id": gsrn,
        "customer_identity_number": format_number(PERSONS["anna"]),
        "purpose": "Energianalys av din villa",
        "data_types": ["consumption"],
        "resolution": "PT1H",
        "history_from": (TODAY - timedelta(days=3)).isoformat(),
        "valid_until": (TODAY + timedelta(days=90)).isoformat(),
        "delivery": "pull",
    }
    created = api.post("/api/v1/access-requests", json=body)
    assert created.status_code == 201, created.text
    request_id: str = created.json()["id"]
    return request_id


def event(receiver: Receiver, secret: str, wanted: str) -> dict[str, Any]:
    while True:
        delivery = receiver.next()
        Webhook(secret).verify(delivery.body, delivery.headers)
        data: dict[str, Any] = orjson.loads(delivery.body)
        if data["type"] == wanted:
            return data


def sign_in_with_e_id(page: Page, portal: Portal, subject: str) -> None:
    page.goto(f"{portal.url}/mina-sidor/tredjepartsatkomst")
    page.get_by_role("link", name="Logga in med e-legitimation").click()
    page.wait_for_url(f"{portal.issuer}/**")
    page.get_by_role("button", name=subject).click()  # the provider's "predefined user" button
    page.wait_for_url(f"{portal.url}/mina-sidor/tredjepartsatkomst")


def test_the_customer_decides_in_the_browser(
    page: Page, portal: Portal, receiver: Receiver, committed: sessionmaker[Session]
) -> None:
    esco, (house, cottage) = seed(committed, receiver)
    secret = esco.webhook_secret or ""
    token = httpx.post(
        f"{portal.url}/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(esco.client_id, esco.client_secret),
    ).json()["access_token"]
    with httpx.Client(base_url=portal.url, headers={"Authorization": f"Bearer {token}"}) as api:
        approve_id, reject_id = ask(api, house), ask(api, cottage)

        sign_in_with_e_id(page, portal, "anna")
        expect(page.get_by_role("heading", name="Begäranden att hantera")).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "tredjepartsatkomst.png"), full_page=True)

        page.goto(f"{portal.url}/mina-sidor/anlaggning/{house}/forbrukning?resolution=PT1H")
        expect(page.get_by_role("img", name="Förbrukning per timme")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "forbrukning.png"), full_page=True)

        page.goto(f"{portal.url}/mina-sidor/tredjepartsatkomst/begaran/{approve_id}")
        page.get_by_role("button", name="Godkänn").click()
        expect(page.get_by_role("status")).to_contain_text("Du har godkänt begäran")
        approved = event(receiver, secret, "access_request.approved")
        assert approved["data"]["request_id"] == approve_id
        consent_id = approved["data"]["consent_id"]

        page.goto(f"{portal.url}/mina-sidor/tredjepartsatkomst/begaran/{reject_id}")
        page.get_by_role("button", name="Neka").click()
        assert event(receiver, secret, "access_request.rejected")["data"]["request_id"] == reject_id

        pulled = api.get(f"/api/v1/consents/{consent_id}/meter-values")
        assert pulled.status_code == 200
        page.goto(f"{portal.url}/mina-sidor/tredjepartsatkomst")
        expect(page.locator("#logg ~ table, section[aria-labelledby=logg] table")).to_contain_text(
            "Wattkollen AB"
        )
        expect(page.locator("section[aria-labelledby=foretag]")).to_contain_text(house)

        page.get_by_role("link", name="Avsluta").click()
        page.get_by_role("button", name="Avsluta").click()
        expect(page.get_by_role("status")).to_contain_text("Medgivandet är avslutat")
        ended = event(receiver, secret, "consent.ended")
        assert (ended["data"]["consent_id"], ended["data"]["status"]) == (
            consent_id,
            "terminated_by_customer",
        )
        refused = api.get(f"/api/v1/consents/{consent_id}/meter-values")
        assert (refused.status_code, refused.json()["error"]) == (403, "consent_not_active")

        page.goto(f"{portal.url}/mina-sidor")
        page.screenshot(path=str(SCREENSHOTS / "oversikt.png"), full_page=True)


def test_keyboard_alone_can_approve(
    page: Page, portal: Portal, receiver: Receiver, committed: sessionmaker[Session]
) -> None:
    """Accessibility: the approval form works with the keyboard only."""
    esco, (house, _) = seed(committed, receiver)
    token = httpx.post(
        f"{portal.url}/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(esco.client_id, esco.client_secret),
    ).json()["access_token"]
    with httpx.Client(base_url=portal.url, headers={"Authorization": f"Bearer {token}"}) as api:
        request_id = ask(api, house)
    sign_in_with_e_id(page, portal, "anna")
    page.goto(f"{portal.url}/mina-sidor/tredjepartsatkomst/begaran/{request_id}")
    page.get_by_role("button", name="Godkänn").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Du har godkänt begäran")

"""EU-1: every page of Mina sidor in Swedish (the default) or English, by a toggle on every page.

The choice is made with ``?lang=en`` (or ``sv``), kept a year in the ``lang`` cookie so it follows
the visitor through links and form posts, and an unknown value is ignored. English pages carry no
Swedish words: the visible text is checked for å, ä and ö, with the test data kept ASCII.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.api.app import create_app
from elkund.core.db import session_scope
from elkund.core.localtime import local_date, utcnow
from elkund.core.settings import Settings
from elkund.customers.authorised import add_authorised_user
from elkund.customers.identity import format_number
from elkund.customers.service import create_business_login
from elkund.grid.service import set_supplier
from elkund.metering.domain import Resolution
from elkund.parties.models import PartyRole
from elkund.portal.auth.cookies import SESSION_COOKIE
from elkund.portal.auth.service import start_business_session
from elkund.portal.auth.settings import AuthSettings
from elkund.portal.components.i18n import LANG_MAX_AGE
from tests.factories import (
    fake_personnummer,
    make_customer,
    make_esco,
    make_installation,
    make_party,
    make_tariff,
    org_number,
)
from tests.portal.helpers import client_for, make_app, sign_in_person

PERSON = fake_personnummer("19800101", 980)
STRANGER = fake_personnummer("19700101", 981)
HTML = {"Accept": "text/html"}
SWEDISH_NAVIGATION = (
    "Mina sidor",
    "Översikt",
    "Tredjepartsåtkomst",
    "Byt kund",
    "Mitt konto",
    "Logga ut",
    "Logga in",
    "Hoppa till innehållet",
    "In English",
)
SWEDISH_LETTERS = re.compile("[åäöÅÄÖ]")


@dataclass(frozen=True)
class World:
    home: str
    cabin: str
    strangers: str
    company_id: int
    company_gsrn: str
    pending_id: str
    consent_id: str
    company_token: str
    company_csrf: str


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    settings = Settings(
        env="test", database_url="sqlite://", secret_key="x" * 32, worker_in_process=False
    )
    return create_app(settings, engine=engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def world(committed: sessionmaker[Session]) -> World:
    """Anna with two homes, a pending request and an active consent; a company she may act for.

    Every name and address is ASCII, so any å, ä or ö on an English page is an untranslated word.
    """
    with session_scope(committed) as db:
        anna = make_customer(db, identity_number=PERSON, name="Anna Andersson")
        stranger = make_customer(db, identity_number=STRANGER, name="Sven Svensson")
        company = make_customer(db, identity_number=org_number(601), name="Bygg AB")
        tariff = make_tariff(
            db,
            name="Fuse tariff 20 A",
            fixed_fee_sek_per_year=Decimal("4560"),
            transfer_fee_ore_per_kwh=Decimal("28.5"),
            power_fee_sek_per_kw_month=Decimal("45.25"),
        )
        home = make_installation(db, holder=anna, tariff=tariff, street="Main Street 1")
        cabin = make_installation(db, holder=anna, street="Lake Road 2", resolution=Resolution.PT1H)
        strangers = make_installation(db, holder=stranger, street="Far Lane 3")
        companys = make_installation(db, holder=company, street="Works Road 4")
        supplier = make_party(db, role=PartyRole.SUPPLIER, name="Solvik El AB")
        set_supplier(db, installation=home, supplier=supplier, start=date(2020, 1, 1))
        esco = make_esco(db, name="Wattkollen AB")
        pending_id = access.submit_request(db, esco=esco, draft=_draft(home.gsrn)).request.id
        asked = access.submit_request(db, esco=esco, draft=_draft(cabin.gsrn)).request.id
        consent = access.approve_request(
            db, customer=anna, request_id=asked, actor="person:19800101-****"
        )
        login = create_business_login(
            db, customer=company, username="bygg", password="ett langt losenord"
        )
        add_authorised_user(
            db, company=company, person_number=PERSON, name="Anna Andersson", created_by=login
        )
        started = start_business_session(db, login=login, now=utcnow(), settings=AuthSettings())
        return World(
            home=home.gsrn,
            cabin=cabin.gsrn,
            strangers=strangers.gsrn,
            company_id=company.id,
            company_gsrn=companys.gsrn,
            pending_id=pending_id,
            consent_id=consent.id,
            company_token=started.token,
            company_csrf=started.user.csrf_token,
        )


def _draft(gsrn: str) -> access.RequestDraft:
    today = local_date(utcnow())
    return access.RequestDraft(
        installation_id=gsrn,
        customer_identity_number=format_number(PERSON),
        purpose="Energy analysis of your house",
        data_types=[DataType.CONSUMPTION],
        resolution=Resolution.PT1H,
        history_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=60),
        delivery="pull",
    )


def person_pages(world: World) -> list[str]:
    """Every page a signed-in person reaches (Mitt konto is the company login's own)."""
    installation = f"/mina-sidor/anlaggning/{world.home}"
    tpa = "/mina-sidor/tredjepartsatkomst"
    return [
        "/mina-sidor",
        installation,
        f"{installation}/forbrukning",
        f"{installation}/ladda-ner",
        tpa,
        f"{tpa}/begaran/{world.pending_id}",
        f"{tpa}/medgivande/{world.consent_id}/avsluta",
        "/mina-sidor/vaxla",
    ]


SIGNED_OUT_PAGES = ("/", "/logga-in", "/logga-in/foretag")


# --- What an English page must look like ---------------------------------------------------------


def visible_text(page: str) -> str:
    """The words a reader sees: no tags, no attribute values (links hold Swedish paths)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def assert_english(response: httpx2.Response, *, allowed: tuple[str, ...] = ()) -> None:
    page = response.text
    assert response.headers["content-language"] == "en"
    assert '<html lang="en">' in page
    toggle = re.search(r'<a class="language" href="([^"]+)" lang="sv" hreflang="sv">', page)
    assert toggle is not None, "no toggle back to Swedish"
    assert "lang=sv" in toggle.group(1)
    text = visible_text(page).replace("På svenska", "")
    for word in SWEDISH_NAVIGATION:
        assert word not in text, word
    for word in allowed:
        text = text.replace(word, "")
    assert SWEDISH_LETTERS.findall(text) == [], _around(text, SWEDISH_LETTERS)
    assert_forms_carry_csrf(page)


def assert_swedish(response: httpx2.Response) -> None:
    page = response.text
    assert response.headers["content-language"] == "sv"
    assert '<html lang="sv">' in page
    assert re.search(r'lang="en" hreflang="en">In English</a>', page)
    assert "På svenska" not in page


def assert_forms_carry_csrf(page: str) -> None:
    """Every POST form (sign-out included) holds the hidden CSRF field."""
    forms = re.findall(r'<form method="post".*?</form>', page, flags=re.S)
    assert all('name="csrf_token" value="' in form for form in forms), forms


def _around(text: str, pattern: re.Pattern[str]) -> str:
    found = pattern.search(text)
    return text[max(0, found.start() - 60) : found.end() + 60] if found else ""


# --- Every page in English -----------------------------------------------------------------------


def test_every_signed_in_page_renders_in_english(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """EU-1: each page of a signed-in person in English, with the toggle back to Swedish."""
    sign_in_person(client, committed, PERSON)
    for path in person_pages(world):
        response = client.get(path, params={"lang": "en"})
        assert response.status_code == 200, path
        allowed = ("öre",) if path.endswith(world.home) else ()  # the Swedish unit of money
        assert_english(response, allowed=allowed)
        assert "Sign out" in response.text


def test_the_signed_in_pages_say_it_in_english(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """EU-1: the words themselves, and numbers written the English way."""
    sign_in_person(client, committed, PERSON)
    english = {path: client.get(path, params={"lang": "en"}).text for path in person_pages(world)}
    overview, installation, consumption, download, tpa, asked, end, switch = english.values()
    assert "Your installations" in overview
    assert "Installation " + world.home in installation
    assert "SEK 4560 per year" in installation
    assert "28.50 öre per kWh" in installation
    assert "SEK 45.25 per kW and month" in installation
    assert "Consumption of installation" in consumption
    assert "Downloading your meter values is free of charge." in download
    assert "Requests to handle" in tpa
    assert "Active third-party consents" in tpa
    assert "consumption, hour" in tpa
    assert "Request from Wattkollen AB" in asked
    assert '<option value="PT1H" selected>hour</option>' in asked
    assert "End the consent for Wattkollen AB?" in end
    assert "Bygg AB (company)" in switch


def test_signed_out_pages_render_in_english(client: TestClient, world: World) -> None:
    """EU-1: the front page and sign-in pages have the toggle too."""
    for path in SIGNED_OUT_PAGES:
        response = client.get(path, params={"lang": "en"})
        assert response.status_code == 200, path
        assert_english(response)
    assert "Sign in as a company" in client.get("/logga-in/foretag").text


def test_the_development_sign_in_renders_in_english(engine: Engine, world: World) -> None:
    client = client_for(make_app(engine, env="development"))
    response = client.get("/logga-in/test-e-legitimation", params={"lang": "en"})
    assert_english(response)
    assert "Development mode – test e-ID" in response.text
    assert "Anna Andersson" in response.text


def test_the_company_account_renders_in_english(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """TPA-5 in English: the company's own sign-in manages its users."""
    client.cookies.set(SESSION_COOKIE, world.company_token)
    response = client.get("/mina-sidor/konto", params={"lang": "en"})
    assert response.status_code == 200
    assert_english(response)
    assert "Users who may act for the company" in response.text
    assert 'aria-label="Remove the user Anna Andersson">Remove</button>' in response.text


def test_a_customer_acting_for_a_company_sees_english_too(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """EU-1 with TPA-5: the person acting for the company gets the same English pages."""
    csrf = sign_in_person(client, committed, PERSON)
    assert_english(client.get("/mina-sidor/vaxla", params={"lang": "en"}))
    switched = client.post(
        "/mina-sidor/vaxla", data={"csrf_token": csrf, "customer_id": str(world.company_id)}
    )
    assert switched.status_code == 303
    overview = client.get("/mina-sidor")
    assert_english(overview)
    assert world.company_gsrn in overview.text
    assert world.home not in overview.text
    for path in ("/mina-sidor/tredjepartsatkomst", "/mina-sidor/vaxla"):
        assert_english(client.get(path))
    choices = client.get("/mina-sidor/vaxla").text
    assert "Bygg AB (company) – you are acting for this customer" in choices


# --- Error pages and messages --------------------------------------------------------------------


def test_error_pages_are_in_english(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """An unknown installation (pages/error) and a refusal (auth/error) in the chosen language."""
    sign_in_person(client, committed, PERSON)
    missing = client.get(f"/mina-sidor/anlaggning/{world.strangers}?lang=en", headers=HTML)
    assert missing.status_code == 404
    assert_english(missing)
    assert "We cannot find what you seek" in missing.text
    assert "You have no such installation." in missing.text
    swedish = client.get(f"/mina-sidor/anlaggning/{world.strangers}?lang=sv", headers=HTML)
    assert "Ingen sådan anläggning hos dig." in swedish.text
    refused = client.get("/mina-sidor/konto", headers=HTML)  # a person, not the company login
    assert refused.status_code == 403
    assert "You are not allowed" not in refused.text  # the cookie now says Swedish
    refused = client.get("/mina-sidor/konto?lang=en", headers=HTML)
    assert_english(refused)
    assert "You are not allowed" in refused.text
    assert "Users are managed by the company." in refused.text


def test_a_domain_error_gets_an_english_page(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """A consent of someone else's: the access service refuses; the page says so in English."""
    sign_in_person(client, committed, PERSON)
    page = client.get(
        "/mina-sidor/tredjepartsatkomst/medgivande/no-such-consent/avsluta?lang=en", headers=HTML
    )
    assert page.status_code == 404
    assert_english(page)
    assert "There is no such consent of yours." in page.text


def test_a_sign_in_refusal_is_in_english(client: TestClient, world: World) -> None:
    client.get("/logga-in/foretag?lang=en")
    refused = client.post(
        "/logga-in/foretag",
        data={"username": "bygg", "password": "x", "csrf_token": "wrong"},
        headers=HTML,
    )
    assert refused.status_code == 403
    assert_english(refused)
    assert "The form could not be sent" in refused.text
    assert "The form had a wrong or missing security code. Reload the page." in refused.text


def test_a_wrong_password_shows_the_form_again_in_english(client: TestClient, world: World) -> None:
    form = client.get("/logga-in/foretag", params={"lang": "en"}).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    again = client.post(
        "/logga-in/foretag",
        data={"username": "bygg", "password": "wrong", "csrf_token": token.group(1)},
        headers={"Referer": "http://testserver/logga-in/foretag?next=/mina-sidor"},
    )
    assert again.status_code == 401
    assert_english(again)
    assert "Wrong username or password." in again.text
    assert 'href="/logga-in/foretag?next=%2Fmina-sidor&amp;lang=sv"' in again.text


# --- Persistence ---------------------------------------------------------------------------------


def lang_cookie(response: httpx2.Response) -> str | None:
    headers = response.headers.get_list("set-cookie")
    return next((h for h in headers if h.startswith("lang=")), None)


def test_the_choice_is_kept_in_a_cookie_for_a_year(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    sign_in_person(client, committed, PERSON)
    cookie = lang_cookie(client.get("/mina-sidor", params={"lang": "en"}))
    assert cookie is not None
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert "lang=en" in attributes
    assert f"max-age={LANG_MAX_AGE}" in attributes
    assert LANG_MAX_AGE == 365 * 24 * 60 * 60
    assert {"path=/", "samesite=lax", "httponly"} <= attributes
    again = client.get("/mina-sidor")
    assert_english(again)
    assert lang_cookie(again) is None  # already chosen: nothing to set


def test_the_choice_follows_links_and_a_form_post(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """EU-1: chosen once, English through the pages, a POST and the page after it."""
    csrf = sign_in_person(client, committed, PERSON)
    client.get("/mina-sidor/tredjepartsatkomst", params={"lang": "en"})
    assert_english(client.get(f"/mina-sidor/anlaggning/{world.home}"), allowed=("öre",))
    page = client.get(f"/mina-sidor/tredjepartsatkomst/begaran/{world.pending_id}")
    assert_english(page)
    approved = client.post(
        f"/mina-sidor/tredjepartsatkomst/begaran/{world.pending_id}/godkann",
        data={"csrf_token": csrf},
    )
    assert approved.status_code == 303
    after = client.get(approved.headers["location"])
    assert_english(after)
    assert "You have approved the request. The company has been told." in after.text
    back = client.get(after.url.path, params={"lang": "sv"})
    assert_swedish(back)
    assert lang_cookie(back) is not None
    assert_swedish(client.get("/mina-sidor"))


def test_a_form_refused_on_its_page_answers_in_english(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """Mitt konto: a wrong personnummer shows the form again, in the language chosen before."""
    client.cookies.set(SESSION_COOKIE, world.company_token)
    client.get("/mina-sidor/konto", params={"lang": "en"})
    refused = client.post(
        "/mina-sidor/konto/anvandare",
        data={"csrf_token": world.company_csrf, "person_number": "12345", "name": "X"},
    )
    assert refused.status_code == 422
    assert_english(refused)
    assert "The personal identity number is not valid. Write it as YYYYMMDD-NNNN." in refused.text
    assert 'href="/mina-sidor?lang=sv"' in refused.text  # no Referer: the toggle goes home
    added = client.post(
        "/mina-sidor/konto/anvandare",
        data={"csrf_token": world.company_csrf, "person_number": STRANGER, "name": "Sven"},
    )
    assert added.status_code == 303
    assert "The user has been added." in client.get(added.headers["location"]).text


# --- Swedish by default; unknown choices ignored -------------------------------------------------


def test_swedish_is_the_default_everywhere(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    for path in SIGNED_OUT_PAGES:
        response = client.get(path)
        assert_swedish(response)
        assert lang_cookie(response) is None
    sign_in_person(client, committed, PERSON)
    for path in person_pages(world):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_swedish(response)
        assert lang_cookie(response) is None
        assert "Logga ut" in response.text
    assert "Dina anläggningar" in client.get("/mina-sidor").text


@pytest.mark.parametrize("value", ["xx", "EN", "", "de", "en-GB"])
def test_an_unknown_language_is_ignored(
    client: TestClient, world: World, committed: sessionmaker[Session], value: str
) -> None:
    """Bad input: Swedish, and no cookie; an earlier choice stays as it was."""
    sign_in_person(client, committed, PERSON)
    response = client.get("/mina-sidor", params={"lang": value})
    assert_swedish(response)
    assert lang_cookie(response) is None
    client.get("/mina-sidor", params={"lang": "en"})
    kept = client.get("/mina-sidor", params={"lang": value})
    assert_english(kept)
    assert lang_cookie(kept) is None


def test_the_toggle_keeps_the_other_parameters(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    sign_in_person(client, committed, PERSON)
    path = f"/mina-sidor/anlaggning/{world.home}/forbrukning"
    page = client.get(path, params={"resolution": "P1M", "lang": "en"}).text
    assert f'href="{path}?resolution=P1M&amp;lang=sv"' in page
    swedish = client.get(path, params={"resolution": "P1M", "lang": "sv"}).text
    assert f'href="{path}?resolution=P1M&amp;lang=en"' in swedish

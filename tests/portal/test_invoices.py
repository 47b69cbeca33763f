"""Mina sidor – Fakturor, Förklara min faktura, Elens ursprung and the monthly consumption
statement (SUP-5, SUP-6, SUP-12, SUP-16), and that nobody reaches another customer's (EU-5)."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.access.models import ShareLogEntry
from elkund.api.app import create_app
from elkund.core.db import session_scope
from elkund.core.localtime import utcnow
from elkund.core.settings import Settings
from elkund.customers.authorised import add_authorised_user
from elkund.customers.models import Customer
from elkund.customers.service import create_business_login
from elkund.grid.models import Installation
from elkund.metering.domain import Resolution
from elkund.metering.formats import FileFormat
from elkund.metering.reading import read_series
from elkund.metering.service import ingest_file
from elkund.parties.models import Party
from elkund.portal import invoices
from elkund.portal.auth.cookies import SESSION_COOKIE
from elkund.portal.auth.service import start_business_session
from elkund.portal.auth.settings import AuthSettings
from elkund.supply.billing import run_billing
from elkund.supply.billing_models import Invoice
from elkund.supply.contracts import start_contract
from elkund.supply.disclosure_models import EnergySource
from elkund.supply.disclosure_service import add_origin_guarantee, set_sold_volume
from elkund.supply.models import ProductKind
from elkund.supply.stored import document_of
from tests.factories import (
    fake_personnummer,
    make_customer,
    make_installation,
    make_product,
    make_supplier,
    make_supplier_profile,
    org_number,
)
from tests.integration.helpers import day_file
from tests.portal.helpers import sign_in_person

MARCH = date(2025, 3, 1)
APRIL = date(2025, 4, 1)
RUN_AT = datetime(2025, 4, 2, 6, 0, tzinfo=UTC)
MARCH_KWH = Decimal((31 * 96 - 4) * 250) / 1000  # 250 Wh a quarter; 30 March lost an hour
PERSON = fake_personnummer("19800101", 980)
STRANGER = fake_personnummer("19700101", 981)
COMPANY_USER = fake_personnummer("19750101", 982)
QUARTERLY = fake_personnummer("19600101", 983)
MANUAL = fake_personnummer("19650101", 984)
HTML = {"accept": "text/html"}


@dataclass(frozen=True)
class World:
    supplier_a: int
    supplier_b: int
    home: str  # the person's installation, supplier A, billed monthly
    cabin: str  # the person's second installation, supplier B
    company_gsrn: str
    quarterly_gsrn: str  # remote-read, billed every three months
    manual_gsrn: str  # not remote-read, billed every three months
    company_token: str


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    settings = Settings(
        env="test", database_url="sqlite://", secret_key="x" * 32, worker_in_process=False
    )
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def world(committed: sessionmaker[Session], tmp_path: Path) -> World:
    """Two suppliers; a person with two installations, a stranger, a company with a user, and two
    customers billed quarterly (one remote-read, one not); March billed for those due."""
    with session_scope(committed, write=True) as db:
        supplier_a = make_supplier(db, name="Solvik El AB")
        supplier_b = make_supplier(db, name="Norrsken El AB")
        make_supplier_profile(db, supplier_a)
        make_supplier_profile(db, supplier_b)
        person = make_customer(db, identity_number=PERSON, name="Anna Andersson")
        stranger = make_customer(db, identity_number=STRANGER, name="Sven Svensson")
        company = make_customer(db, identity_number=org_number(91), name="Bygg AB")
        quarterly = make_customer(db, identity_number=QUARTERLY, name="Kvartal Kvist")
        manual = make_customer(db, identity_number=MANUAL, name="Manuel Mätare")
        home = _supplied(db, supplier_a, person)
        cabin = _supplied(db, supplier_b, person)
        _supplied(db, supplier_a, stranger)
        companys = _supplied(db, supplier_a, company)
        quarterly_home = _supplied(db, supplier_a, quarterly, months=3)
        manual_home = _supplied(db, supplier_a, manual, months=3, remote_read=False)
        login = create_business_login(db, customer=company, username="bygg", password="x" * 16)
        add_authorised_user(
            db, company=company, person_number=COMPANY_USER, name="Cia", created_by=login
        )
        token = start_business_session(db, login=login, now=utcnow(), settings=AuthSettings())
        world = World(
            supplier_a.id,
            supplier_b.id,
            home,
            cabin,
            companys,
            quarterly_home,
            manual_home,
            token.token,
        )
    result = run_billing(committed, month=MARCH, supplier_org=None, now=RUN_AT, output=tmp_path)
    assert result.refused == []
    assert len(result.invoices) == 4  # the quarterly contracts are not due in March
    return world


def _supplied(
    db: Session, supplier: Party, customer: Customer, *, months: int = 1, remote_read: bool = True
) -> str:
    """An installation held by ``customer`` with March's values and a fixed-price contract."""
    installation = make_installation(db, holder=customer, remote_read=remote_read)
    data = day_file(installation.gsrn, MARCH, APRIL, wh=250)
    assert ingest_file(db, data=data, file_format=FileFormat.CSV).rejected == []
    product = make_product(
        db,
        supplier,
        kind=ProductKind.FIXED,
        name="Fast pris 1 år",
        energy_price_ore_per_kwh=Decimal("80"),
        term_months=12,
        markup_ore_per_kwh=None,
    )
    started = start_contract(
        db,
        supplier=supplier,
        product=product,
        installation_id=installation.gsrn,
        customer=customer,
        start=MARCH,
        billing_interval_months=months,
        now=datetime(2025, 2, 1, tzinfo=UTC),
    )
    assert started.accepted
    return installation.gsrn


def _invoice(committed: sessionmaker[Session], gsrn: str, kind: str = "invoice") -> Invoice:
    with session_scope(committed) as db:
        found = db.scalars(
            select(Invoice)
            .join(Installation, Installation.id == Invoice.installation_id)
            .where(Installation.gsrn == gsrn, Invoice.kind == kind)
            .order_by(Invoice.id.desc())
        ).first()
        assert found is not None
        db.expunge(found)
        return found


def _sign_in_company(client: TestClient, world: World) -> None:
    client.cookies.set(SESSION_COOKIE, world.company_token)


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def _text(page: str) -> str:
    return html.unescape(page).replace("\xa0", " ")


def test_fakturor_lists_only_the_customers_own_invoices_with_their_files(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """SUP-6: both of the person's invoices (numbered per supplier: both 00000001), with a PDF
    and an explanation each, no XML for a private customer, nobody else's."""
    home, cabin = _invoice(committed, world.home), _invoice(committed, world.cabin)
    stranger = _invoice(committed, world.company_gsrn)
    assert home.number == cabin.number == "00000001"
    sign_in_person(client, committed, PERSON)
    response = client.get("/mina-sidor/fakturor")
    assert response.status_code == 200
    page = _text(response.text)
    assert '<a href="/mina-sidor/fakturor">Fakturor</a>' in page  # in the navigation
    for invoice, supplier, gsrn in (
        (home, "Solvik El AB", world.home),
        (cabin, "Norrsken El AB", world.cabin),
    ):
        assert f'href="/mina-sidor/fakturor/{invoice.id}.pdf"' in page
        assert f'href="/mina-sidor/fakturor/{invoice.id}/forklara"' in page
        assert supplier in page
        assert gsrn in page
    assert "797,00 kr" in page
    assert "1 mars 2025 – 31 mars 2025" in page
    assert "2 maj 2025" in page  # due 30 days after the invoice date
    assert ".xml" not in page
    assert f"/fakturor/{stranger.id}" not in page
    assert "Krediterad" not in page
    assert "Förbrukningsbesked" not in page  # billed monthly: the invoice is the monthly statement


def test_the_pdf_is_rendered_from_the_stored_document_even_without_its_file(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """SUP-6: the PDF download, free, as an attachment, with the number and the total."""
    invoice = _invoice(committed, world.home)
    assert invoice.pdf_path is not None
    Path(invoice.pdf_path).unlink()  # a lost file does not break the download
    sign_in_person(client, committed, PERSON)
    response = client.get(f"/mina-sidor/fakturor/{invoice.id}.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="faktura-00000001.pdf"'
    text = _pdf_text(response.content)
    assert "00000001" in text
    assert "797,00 kr" in text
    assert world.home in text


def test_sup_6_the_xml_e_invoice_is_for_business_documents_only(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    company = _invoice(committed, world.company_gsrn)
    _sign_in_company(client, world)
    page = client.get("/mina-sidor/fakturor").text
    assert f'href="/mina-sidor/fakturor/{company.id}.xml"' in page
    response = client.get(f"/mina-sidor/fakturor/{company.id}.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="faktura-{company.number}.xml"'
    )
    assert b"urn:fdc:peppol.eu:2017:poacc:billing:01:1.0" in response.content
    assert f"<cbc:ID>{company.number}</cbc:ID>".encode() in response.content
    assert world.company_gsrn.encode() in response.content
    # A private customer's own document has no e-invoice.
    home = _invoice(committed, world.home)
    sign_in_person(client, committed, PERSON)
    assert client.get(f"/mina-sidor/fakturor/{home.id}.xml").status_code == 404


@pytest.mark.parametrize("suffix", [".pdf", ".xml", "/forklara"])
def test_another_customers_invoice_is_not_found_whatever_the_url(
    client: TestClient, world: World, committed: sessionmaker[Session], suffix: str
) -> None:
    """EU-5: tampering with the id in the URL finds nothing; it reads as no such invoice."""
    theirs = _invoice(committed, world.company_gsrn)
    sign_in_person(client, committed, PERSON)
    for invoice_id in (str(theirs.id), "abc", "99999999", "9" * 40, "-1"):
        response = client.get(f"/mina-sidor/fakturor/{invoice_id}{suffix}", headers=HTML)
        assert response.status_code == 404, invoice_id
        assert "Ingen sådan faktura hos dig." in response.text
        assert "Bygg AB" not in response.text
    english = client.get(f"/mina-sidor/fakturor/{theirs.id}{suffix}?lang=en", headers=HTML)
    assert "You have no such invoice." in english.text
    api = client.get(f"/mina-sidor/fakturor/{theirs.id}{suffix}")
    assert (api.status_code, api.json()["error"]) == (404, "unknown_invoice")


def test_signed_out_visitors_are_sent_to_sign_in(client: TestClient, world: World) -> None:
    for path in (
        "/mina-sidor/fakturor",
        "/mina-sidor/fakturor/1.pdf",
        "/mina-sidor/elens-ursprung",
    ):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/logga-in?next=")


def test_a_person_acting_for_the_company_sees_the_companys_invoices_only(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """The acting customer decides: the company's user sees the company's invoices."""
    company, persons = _invoice(committed, world.company_gsrn), _invoice(committed, world.home)
    sign_in_person(client, committed, COMPANY_USER)
    page = client.get("/mina-sidor/fakturor").text
    assert f"/mina-sidor/fakturor/{company.id}.xml" in page
    assert f"/mina-sidor/fakturor/{persons.id}" not in page
    assert client.get(f"/mina-sidor/fakturor/{company.id}.pdf").status_code == 200
    assert client.get(f"/mina-sidor/fakturor/{company.id}.xml").status_code == 200
    assert client.get(f"/mina-sidor/fakturor/{persons.id}.pdf").status_code == 404


def test_sup_5_forklara_explains_every_line_vat_and_rounding(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    invoice = _invoice(committed, world.home)
    doc = document_of(invoice)
    sign_in_person(client, committed, PERSON)
    response = client.get(f"/mina-sidor/fakturor/{invoice.id}/forklara")
    assert response.status_code == 200
    page = _text(response.text)
    assert "Förklaring av faktura 00000001" in page
    assert len(doc.lines) == 3
    for line in doc.lines:
        assert line.explanation
        assert line.description in page
        assert line.explanation in page
    # 80 öre/kWh + 0,6 öre elcertifikat + 39 kr a month, 25 % VAT, rounded to whole kronor
    assert "Den bygger på 743,000 kWh som din elmätare har mätt" in page
    assert "743,000 kWh × 80,00 öre/kWh = 594,40 kr utan moms." in page
    assert "1 mån × 39,00 kr/mån = 39,00 kr utan moms." in page
    assert "1 mars 2025 till och med 31 mars 2025" in page
    assert "Moms är 25,00 % av summan utan moms: 25,00 % av 637,86 kr är 159,47 kr" in page
    assert "797,33 kr blir 797,00 kr" in page
    assert "Betala 797,00 kr senast 2 maj 2025 till bankgiro 5050-1055" in page
    assert doc.ocr in page
    assert doc.contract.terms_url in page
    assert "Du har fast pris" in page
    assert "Solvik El AB" in page
    assert "08-123 456 00" in page
    assert ".xml" not in page  # a private customer's document


def test_forklara_in_english_says_the_line_explanations_are_swedish(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    invoice = _invoice(committed, world.home)
    sign_in_person(client, committed, PERSON)
    page = _text(client.get(f"/mina-sidor/fakturor/{invoice.id}/forklara?lang=en").text)
    assert "Explanation of invoice 00000001" in page
    assert "come from the invoice itself and are in Swedish" in page
    assert "VAT is 25.00 % of the sum excluding VAT: 25.00 % of SEK 637.86 is SEK 159.47" in page
    for line in document_of(invoice).lines:
        assert f'<p lang="sv">{line.explanation}</p>' in page


def test_a_credited_invoice_and_its_credit_note_are_listed_newest_first(
    client: TestClient, world: World, committed: sessionmaker[Session], tmp_path: Path
) -> None:
    """SUP-5: corrected values credit the invoice; the page says it is credited and why."""
    with session_scope(committed, write=True) as db:
        data = day_file(world.home, date(2025, 3, 10), date(2025, 3, 11), wh=500)
        assert ingest_file(db, data=data, file_format=FileFormat.CSV).rejected == []
    later = datetime(2025, 4, 10, 6, 0, tzinfo=UTC)
    run_billing(committed, month=MARCH, supplier_org=None, now=later, output=tmp_path)
    note = _invoice(committed, world.home, kind="credit_note")
    sign_in_person(client, committed, PERSON)
    page = _text(client.get("/mina-sidor/fakturor").text)
    assert page.count("Krediterad") == 1
    assert "Kreditfaktura – krediterar 00000001" in page
    assert "-797,00 kr" in page or "−797,00 kr" in page
    rows = [page.index(f"/mina-sidor/fakturor/{n}.pdf") for n in _ids_newest_first(committed)]
    assert rows == sorted(rows)
    explained = _text(client.get(f"/mina-sidor/fakturor/{note.id}/forklara").text)
    assert "Förklaring av kreditfaktura" in explained
    assert "tar bort faktura 00000001 helt" in explained
    original = _invoice(committed, world.home)  # the newest invoice is the corrected one
    assert original.status == "issued"
    credited = _credited_id(committed, world.home)
    shown = _text(client.get(f"/mina-sidor/fakturor/{credited}/forklara").text)
    assert "Den här fakturan är krediterad" in shown
    pdf = client.get(f"/mina-sidor/fakturor/{note.id}.pdf")
    assert pdf.headers["content-disposition"] == (
        f'attachment; filename="kreditfaktura-{note.number}.pdf"'
    )


def _ids_newest_first(committed: sessionmaker[Session]) -> list[int]:
    """The person's home installation's documents: the April ones before the March one."""
    with session_scope(committed) as db:
        rows = db.execute(
            select(Invoice.id, Invoice.issue_date, Invoice.kind)
            .join(Installation, Installation.id == Invoice.installation_id)
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(Customer.identity_number == PERSON)
        ).all()
    return [row.id for row in sorted(rows, key=lambda r: (r.issue_date, r.id), reverse=True)]


def _credited_id(committed: sessionmaker[Session], gsrn: str) -> int:
    with session_scope(committed) as db:
        return db.scalars(
            select(Invoice.id)
            .join(Installation, Installation.id == Invoice.installation_id)
            .where(Installation.gsrn == gsrn, Invoice.status == "credited")
        ).one()


def test_sup_16_elens_ursprung_shows_last_years_mix_or_says_it_is_not_published(
    client: TestClient,
    world: World,
    committed: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(invoices, "_today", lambda: date(2024, 6, 15))
    with session_scope(committed, write=True) as db:
        supplier = db.get(Party, world.supplier_a)
        assert supplier is not None
        set_sold_volume(db, supplier=supplier, year=2023, kwh=Decimal("40000"))
        add_origin_guarantee(
            db, supplier=supplier, year=2023, source=EnergySource.HYDRO, kwh=Decimal("10000")
        )
    sign_in_person(client, committed, PERSON)
    response = client.get("/mina-sidor/elens-ursprung")
    assert response.status_code == 200
    page = _text(response.text)
    assert '<a href="/mina-sidor/elens-ursprung">Elens ursprung</a>' in page
    # by name: Norrsken El AB, then Solvik El AB
    norrsken = page[page.index("Norrsken El AB") : page.index("Solvik El AB")]
    solvik = page[page.index("Solvik El AB") :]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in solvik
    assert "Energikällor för såld el 2023" in solvik
    # Ei's worked example: 30 000 kWh residual mix at 524,10 g and 10 000 kWh hydro at 0 g
    assert "Vattenkraft" in solvik
    assert "25,00 %" in solvik
    assert "393,08 g/kWh" in solvik
    assert "0,345 mg/kWh" in solvik
    assert "nordisk residualmix 2023" in solvik
    assert "Uppgifterna om energikällor för 2023 från Norrsken El AB är inte publicerade ännu." in (
        norrsken
    )
    english = _text(client.get("/mina-sidor/elens-ursprung?lang=en").text)
    assert "Hydropower" in english
    assert "393.08 g/kWh" in english
    assert "are not published yet" in english
    # The stranger has a contract with Solvik El AB only.
    sign_in_person(client, committed, STRANGER)
    theirs = client.get("/mina-sidor/elens-ursprung").text
    assert "Solvik El AB" in theirs
    assert "Norrsken El AB" not in theirs


def test_sup_12_a_quarterly_billed_remote_read_customer_gets_monthly_statements(
    client: TestClient,
    world: World,
    committed: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SUP-12: every complete month of the last twelve, as a PDF whose total is the month's kWh,
    free and without a share-log entry (the customer's own values)."""
    monkeypatch.setattr(invoices, "_today", lambda: date(2025, 6, 15))
    sign_in_person(client, committed, QUARTERLY)
    page = _text(client.get("/mina-sidor/fakturor").text)
    base = f"/mina-sidor/anlaggning/{world.quarterly_gsrn}/manadsbesked?month="
    linked = [
        month
        for month in ("2025-02", "2025-03", "2025-04", "2025-05", "2025-06")
        if base + month in page
    ]
    assert linked == ["2025-03", "2025-04", "2025-05"]  # from the contract's start, complete months
    assert page.index(base + "2025-05") < page.index(base + "2025-03")
    assert "Förbrukningsbesked maj 2025" in page
    logged = _share_log_count(committed)
    response = client.get(base + "2025-03")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="forbrukningsbesked-{world.quarterly_gsrn}-2025-03.pdf"'
    )
    text = _pdf_text(response.content)
    assert "Förbrukningsbesked – mars 2025" in text
    assert world.quarterly_gsrn in text
    assert "Kvartal Kvist" in text
    assert "31 mars 2025" in text
    assert "Förbrukning totalt 743,000 kWh" in text
    assert "111 22 Stockholm" in text
    days = re.findall(r"^(\d+) mars 2025 (\d+,\d{3}) komplett$", text, re.MULTILINE)
    assert [int(day) for day, _ in days] == list(range(1, 32))
    assert days[29][1] == "23,000"  # 30 March had 23 hours
    assert sum(Decimal(kwh.replace(",", ".")) for _, kwh in days) == MARCH_KWH
    assert text.count("Totalt 743,000") == 1
    assert _month_kwh(committed, world.quarterly_gsrn) == MARCH_KWH == Decimal("743")
    assert _share_log_count(committed) == logged
    english = _pdf_text(client.get(base + "2025-03&lang=en").content)
    assert "Total consumption 743.000 kWh" in english


def test_sup_12_no_statement_where_it_does_not_apply(
    client: TestClient,
    world: World,
    committed: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Monthly billing, a meter not read remotely, another's installation, the running month,
    months before the contract: no link and 404; a malformed month: 422."""
    monkeypatch.setattr(invoices, "_today", lambda: date(2025, 6, 15))

    def statement(gsrn: str, month: str) -> int:
        url = f"/mina-sidor/anlaggning/{gsrn}/manadsbesked?month={month}"
        return client.get(url, headers=HTML).status_code

    sign_in_person(client, committed, PERSON)
    assert "manadsbesked" not in client.get("/mina-sidor/fakturor").text
    assert statement(world.home, "2025-03") == 404
    assert statement(world.quarterly_gsrn, "2025-03") == 404
    sign_in_person(client, committed, MANUAL)
    assert "manadsbesked" not in client.get("/mina-sidor/fakturor").text
    assert statement(world.manual_gsrn, "2025-03") == 404
    sign_in_person(client, committed, QUARTERLY)
    assert statement(world.quarterly_gsrn, "2025-06") == 404  # not complete yet
    assert statement(world.quarterly_gsrn, "2025-02") == 404  # before the contract
    assert statement(world.quarterly_gsrn, "2025-3") == 422
    assert statement(world.quarterly_gsrn, "mars") == 422
    assert statement(world.home, "2025-03") == 404
    missing = client.get(
        f"/mina-sidor/anlaggning/{world.home}/manadsbesked?month=2025-03", headers=HTML
    )
    assert "Det finns inget förbrukningsbesked för den månaden." in missing.text


def _share_log_count(committed: sessionmaker[Session]) -> int:
    with session_scope(committed) as db:
        return int(db.scalar(select(func.count()).select_from(ShareLogEntry)) or 0)


def _month_kwh(committed: sessionmaker[Session], gsrn: str) -> Decimal:
    with session_scope(committed) as db:
        installation = db.scalars(select(Installation).where(Installation.gsrn == gsrn)).one()
        series = read_series(
            db,
            installation_id=installation.id,
            metered=Resolution.PT15M,
            first=MARCH,
            end=APRIL,
            resolution=Resolution.P1M,
        )
        return Decimal(series.total_wh) / 1000


def test_sup_16_elens_ursprung_shows_the_latest_published_year_labelled(
    client: TestClient,
    world: World,
    committed: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SUP-16: in 2026 without Ei's 2025 residual mix, the page shows 2023's mix and says so."""
    monkeypatch.setattr(invoices, "_today", lambda: date(2026, 6, 15))
    with session_scope(committed, write=True) as db:
        supplier = db.get(Party, world.supplier_a)
        assert supplier is not None
        set_sold_volume(db, supplier=supplier, year=2023, kwh=Decimal("40000"))
        set_sold_volume(db, supplier=supplier, year=2025, kwh=Decimal("42000"))
    sign_in_person(client, committed, PERSON)
    page = _text(client.get("/mina-sidor/elens-ursprung").text)
    solvik = page[page.index("Solvik El AB") :]
    assert "Energikällor för såld el 2023" in solvik
    assert "Uppgifterna för senare år är inte publicerade ännu; 2023 är det senaste året." in solvik

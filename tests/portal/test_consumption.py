"""Mina sidor – Förbrukning and Ladda ner: own values only, exact numbers, free downloads
(SUP-12, SUP-14, TPA-11, EU-1)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.access.models import ShareLogEntry
from elkund.core.db import session_scope
from elkund.core.localtime import utcnow
from elkund.grid.service import move_in
from elkund.metering.domain import Resolution
from elkund.metering.formats import FileFormat
from elkund.metering.service import ingest_file
from elkund.portal import consumption
from elkund.portal.auth.cookies import SESSION_COOKIE
from elkund.portal.auth.service import start_person_session
from elkund.portal.auth.settings import AuthSettings
from elkund.portal.consumption import Choice, ChoiceError, a_year_earlier, default_period
from tests.factories import fake_personnummer, make_customer, make_installation
from tests.integration.helpers import csv_file, day_file, iso, quarter_hours
from tests.portal.helpers import consumption_app

PAGE = "/mina-sidor/anlaggning/{}/forbrukning"
FORM = "/mina-sidor/anlaggning/{}/ladda-ner"
FILE = "/mina-sidor/anlaggning/{}/ladda-ner/fil"


@dataclass(frozen=True)
class World:
    mine: str
    hourly: str
    theirs: str


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(consumption_app(engine)) as test_client:
        yield test_client


def _load(committed: sessionmaker[Session], data: bytes) -> None:
    with session_scope(committed) as session:
        report = ingest_file(session, data=data, file_format=FileFormat.CSV)
        assert report.rejected == []
        assert report.inserted > 0


def _hour_file(gsrn: str, first: date, end: date, wh: int) -> bytes:
    starts = quarter_hours(first, end)[::4]
    return csv_file((gsrn, iso(t), "PT1H", wh, "measured") for t in starts)


@pytest.fixture
def world(committed: sessionmaker[Session], client: TestClient) -> World:
    """A customer with a quarter-hour and an hourly meter, and a stranger's installation."""
    with session_scope(committed) as session:
        customer = make_customer(session, identity_number=fake_personnummer("19800101", 970))
        stranger = make_customer(session, identity_number=fake_personnummer("19700101", 971))
        mine = make_installation(session, holder=customer)
        hourly = make_installation(session, holder=customer, resolution=Resolution.PT1H)
        theirs = make_installation(session, holder=stranger)
        started = start_person_session(
            session, person_number=customer.identity_number, now=utcnow(), settings=AuthSettings()
        )
        client.cookies.set(SESSION_COOKIE, started.token)
        ids = World(mine.gsrn, hourly.gsrn, theirs.gsrn)
    _load(committed, day_file(ids.mine, date(2025, 3, 1), date(2025, 3, 3), wh=100))
    _load(committed, day_file(ids.mine, date(2025, 3, 3), date(2025, 3, 4), quality="estimated"))
    _load(committed, day_file(ids.mine, date(2024, 3, 1), date(2024, 3, 3), wh=50))
    _load(committed, day_file(ids.mine, date(2025, 10, 26), date(2025, 10, 27), wh=100))
    _load(committed, day_file(ids.theirs, date(2025, 3, 1), date(2025, 3, 2), wh=777))
    _load(committed, _hour_file(ids.hourly, date(2025, 3, 1), date(2025, 3, 2), wh=1234))
    return ids


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr data-start=.*?</tr>", body, flags=re.S)


def _cells(row: str) -> list[str]:
    return [c.strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]


def _shares(committed: sessionmaker[Session]) -> int:
    with session_scope(committed) as session:
        return session.scalar(select(func.count()).select_from(ShareLogEntry)) or 0


# --- Förbrukning -----------------------------------------------------------------------------


def test_page_shows_chart_and_table_with_exact_kwh(client: TestClient, world: World) -> None:
    """SUP-14: chart (accessible SVG) and the numbers beside it, with last year and quality."""
    response = client.get(
        PAGE.format(world.mine),
        params={"resolution": "P1D", "from": "2025-03-01", "to": "2025-03-03"},
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = response.text
    assert '<html lang="sv">' in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'role="img"' in page
    assert '<th scope="col">Period</th>' in page
    rows = [_cells(r) for r in _rows(page)]
    assert rows == [
        ["1 mars 2025", "9,600", "komplett", "4,800", "komplett", "+100,0\xa0%"],
        ["2 mars 2025", "9,600", "komplett", "4,800", "komplett", "+100,0\xa0%"],
        ["3 mars 2025", "9,600", "innehåller uppskattade värden", "0,000", "saknas", "–"],
    ]
    total = _cells(page.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0])
    assert total == [
        "Totalt",
        "28,800",
        "innehåller uppskattade värden",
        "9,600",
        "saknas",
        "+200,0\xa0%",
    ]


def test_page_has_a_plain_form_to_change_period(client: TestClient, world: World) -> None:
    page = client.get(
        PAGE.format(world.mine),
        params={"resolution": "P1M", "from": "2025-01-01", "to": "2025-12-31"},
    ).text
    assert f'<form method="get" action="{PAGE.format(world.mine)}">' in page
    assert '<label for="resolution">Upplösning</label>' in page
    assert '<option value="P1M" selected>Månad</option>' in page
    assert 'name="from" value="2025-01-01"' in page
    assert 'name="to" value="2025-12-31"' in page
    assert len(_rows(page)) == 12
    assert _cells(_rows(page)[2])[:2] == ["mars 2025", "28,800"]


def test_default_period_is_the_last_30_days(client: TestClient, world: World) -> None:
    page = client.get(PAGE.format(world.mine)).text
    assert len(_rows(page)) == 30
    assert '<option value="P1D" selected>Dag</option>' in page


def test_dst_day_at_hourly_resolution_has_25_rows(client: TestClient, world: World) -> None:
    """SUP-14: the last Sunday of October has 25 hours; the repeated 02:00 is told apart."""
    page = client.get(
        PAGE.format(world.mine),
        params={"resolution": "PT1H", "from": "2025-10-26", "to": "2025-10-26"},
    ).text
    rows = [_cells(r) for r in _rows(page)]
    assert len(rows) == 25
    assert {r[1] for r in rows} == {"0,400"}
    assert rows[2][0] == "26 oktober 2025 kl. 02:00 (UTC+02:00)"
    assert rows[3][0] == "26 oktober 2025 kl. 02:00 (UTC+01:00)"


def test_english_toggle_changes_the_words(client: TestClient, world: World) -> None:
    """EU-1: Swedish by default, English on request."""
    params = {"resolution": "P1D", "from": "2025-03-01", "to": "2025-03-01"}
    swedish = client.get(PAGE.format(world.mine), params=params).text
    english = client.get(PAGE.format(world.mine), params=params | {"lang": "en"}).text
    assert "Förbrukning för anläggning" in swedish
    assert "In English" in swedish
    assert '<html lang="en">' in english
    assert "Consumption of installation" in english
    assert "På svenska" in english
    assert _cells(_rows(english)[0]) == [
        "1 March 2025",
        "9.600",
        "complete",
        "4.800",
        "complete",
        "+100.0%",
    ]
    assert "Förbrukning för" not in english
    assert 'name="lang" value="en"' in english


def test_latest_values_show_as_soon_as_stored(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """SUP-12: the page's cache is keyed by the values' version, so a new day shows at once."""
    params = {"resolution": "P1D", "from": "2025-03-05", "to": "2025-03-05"}
    before = client.get(PAGE.format(world.mine), params=params).text
    assert _cells(_rows(before)[0])[1:3] == ["0,000", "saknas"]
    _load(committed, day_file(world.mine, date(2025, 3, 5), date(2025, 3, 6), wh=10))
    after = client.get(PAGE.format(world.mine), params=params).text
    assert _cells(_rows(after)[0])[1:3] == ["0,960", "komplett"]


def test_corrections_show_at_once_in_this_and_last_years_columns(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """SUP-12: a corrected value (same number of values) is a new version of the page's data."""
    params = {"resolution": "P1D", "from": "2025-03-01", "to": "2025-03-01"}
    before = _cells(_rows(client.get(PAGE.format(world.mine), params=params).text)[0])
    assert (before[1], before[3]) == ("9,600", "4,800")
    _load_correction(committed, day_file(world.mine, date(2025, 3, 1), date(2025, 3, 2), wh=200))
    _load_correction(committed, day_file(world.mine, date(2024, 3, 1), date(2024, 3, 2), wh=60))
    after = _cells(_rows(client.get(PAGE.format(world.mine), params=params).text)[0])
    assert (after[1], after[3]) == ("19,200", "5,760")


def _load_correction(committed: sessionmaker[Session], data: bytes) -> None:
    with session_scope(committed) as session:
        report = ingest_file(session, data=data, file_format=FileFormat.CSV)
        assert (report.rejected, report.inserted, report.corrected) == ([], 0, 96)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"resolution": "PT5M"}, "Okänd upplösning"),
        ({"resolution": "P1D", "from": "2025-13-01"}, "”2025-13-01” är inget giltigt datum"),
        ({"resolution": "P1D", "from": "2025-03-02", "to": "2025-03-01"}, "Slutdatumet måste"),
        (
            {"resolution": "PT15M", "from": "2024-01-01", "to": "2025-03-01"},
            "Perioden är för lång för upplösningen PT15M: välj högst 400 dagar",
        ),
        ({"resolution": "P1D", "from": "1990-01-01"}, "Mätvärden finns att visa från och med"),
    ],
)
def test_a_wrong_choice_gives_a_swedish_error_page(
    client: TestClient, world: World, params: dict[str, str], message: str
) -> None:
    response = client.get(PAGE.format(world.mine), params=params)
    assert response.status_code == 422
    assert '<div role="alert"' in response.text
    assert message in response.text
    assert "<svg" not in response.text


def test_quarter_hours_of_an_hourly_meter_are_refused(client: TestClient, world: World) -> None:
    params = {"resolution": "PT15M", "from": "2025-03-01", "to": "2025-03-01"}
    page = client.get(PAGE.format(world.hourly), params=params)
    assert page.status_code == 422
    assert "ger timvärden, inte kvartsvärden" in page.text
    hourly = client.get(PAGE.format(world.hourly), params=params | {"resolution": "PT1H"}).text
    assert {_cells(r)[1] for r in _rows(hourly)} == {"1,234"}
    assert '<option value="PT15M"' not in hourly


@pytest.mark.parametrize("path", [PAGE, FORM, FILE])
def test_another_customers_installation_is_not_found(
    client: TestClient, world: World, path: str
) -> None:
    """EU-5: URL tampering shows nothing, not even that the installation exists."""
    response = client.get(
        path.format(world.theirs), params={"from": "2025-03-01", "to": "2025-03-01"}
    )
    assert response.status_code == 404
    assert "0,777" not in response.text
    assert client.get(path.format("735999100000000000")).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(client: TestClient, world: World) -> None:
    client.cookies.clear()
    response = client.get(PAGE.format(world.mine), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/logga-in")


# --- Ladda ner -------------------------------------------------------------------------------


def test_download_form(client: TestClient, world: World) -> None:
    """TPA-11: a plain form; the customer's own download is free."""
    page = client.get(FORM.format(world.mine)).text
    assert f'action="{FILE.format(world.mine)}"' in page
    assert "Det är kostnadsfritt att ladda ner dina mätvärden." in page
    assert '<label for="format-xlsx">Excel (.xlsx)</label>' in page
    assert '<option value="PT15M" selected>Kvart</option>' in page
    assert '<option value="P1W"' not in page


def test_csv_of_stored_quarter_hours(client: TestClient, world: World) -> None:
    """TPA-11, EU-1: exact header and first row, a filename, one line per stored value."""
    params = {"format": "csv", "resolution": "PT15M", "from": "2025-03-01", "to": "2025-03-01"}
    response = client.get(FILE.format(world.mine), params=params)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="matvarden-{world.mine}-2025-03-01-2025-03-01-PT15M.csv"'
    )
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Från;Till;kWh;Kvalitet"
    assert lines[1] == "2025-03-01T00:00+01:00;2025-03-01T00:15+01:00;0,100;uppmätt"
    assert len(lines) == 1 + 96 + 1  # header, values, the empty string after the last CRLF


def test_csv_of_days_in_english(client: TestClient, world: World) -> None:
    params = {
        "format": "csv",
        "resolution": "P1D",
        "from": "2025-03-01",
        "to": "2025-03-03",
        "lang": "en",
    }
    lines = (
        client.get(FILE.format(world.mine), params=params).content.decode("utf-8-sig").split("\r\n")
    )
    assert lines[:4] == [
        "From,To,kWh,Quality",
        "2025-03-01T00:00+01:00,2025-03-02T00:00+01:00,9.600,complete",
        "2025-03-02T00:00+01:00,2025-03-03T00:00+01:00,9.600,complete",
        "2025-03-03T00:00+01:00,2025-03-04T00:00+01:00,9.600,contains estimated values",
    ]


def test_xlsx_opens_with_openpyxl(client: TestClient, world: World) -> None:
    params = {"format": "xlsx", "resolution": "PT1H", "from": "2025-10-26", "to": "2025-10-26"}
    response = client.get(FILE.format(world.mine), params=params)
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('-2025-10-26-2025-10-26-PT1H.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Från", "Till", "kWh", "Kvalitet", "UTC-förskjutning")
    start, end, kwh, quality, offset = rows[1]
    assert isinstance(start, datetime)
    assert isinstance(end, datetime)
    assert (start.isoformat(), end.isoformat()) == ("2025-10-26T00:00:00", "2025-10-26T01:00:00")
    assert (kwh, quality, offset) == (0.4, "komplett", "+02:00")
    assert len(rows) == 1 + 25


def test_downloads_write_no_share_log_entry(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """TPA-11, EU-1: the customer's own download is not a third-party share."""
    for kind in ("csv", "xlsx"):
        for resolution in ("PT15M", "PT1H", "P1D", "P1M"):
            params = {
                "format": kind,
                "resolution": resolution,
                "from": "2025-03-01",
                "to": "2025-03-31",
            }
            assert client.get(FILE.format(world.mine), params=params).status_code == 200
    assert _shares(committed) == 0


@pytest.mark.parametrize(
    ("gsrn", "params", "message"),
    [
        ("hourly", {"resolution": "PT15M"}, "ger timvärden, inte kvartsvärden"),
        ("mine", {"resolution": "P1W"}, "Okänd upplösning"),
        ("mine", {"format": "pdf"}, "Okänt filformat"),
    ],
)
def test_a_wrong_download_gives_the_form_again(
    client: TestClient, world: World, gsrn: str, params: dict[str, str], message: str
) -> None:
    query = {"format": "csv", "resolution": "PT1H", "from": "2025-03-01", "to": "2025-03-01"}
    response = client.get(FILE.format(getattr(world, gsrn)), params=query | params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text


# --- Pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resolution", "expected"),
    [
        (Resolution.PT15M, (date(2025, 3, 14), date(2025, 3, 14))),
        (Resolution.PT1H, (date(2025, 3, 14), date(2025, 3, 14))),
        (Resolution.P1D, (date(2025, 2, 14), date(2025, 3, 15))),
        (Resolution.P1W, (date(2024, 12, 23), date(2025, 3, 15))),
        (Resolution.P1M, (date(2024, 4, 1), date(2025, 3, 15))),
        (Resolution.P1Y, (date(2023, 1, 1), date(2025, 3, 15))),
    ],
)
def test_default_periods(resolution: Resolution, expected: tuple[date, date]) -> None:
    assert default_period(resolution, date(2025, 3, 15)) == expected


def test_a_year_earlier() -> None:
    leap = Choice(Resolution.P1D, date(2024, 2, 29), date(2024, 2, 29))
    assert a_year_earlier(leap) == (date(2023, 2, 28), date(2023, 3, 1))
    weeks = Choice(Resolution.P1W, date(2025, 3, 3), date(2025, 3, 9))
    assert a_year_earlier(weeks) == (date(2024, 3, 4), date(2024, 3, 11))


def test_limits_per_resolution() -> None:
    today = date(2025, 3, 15)
    ok = consumption.parse_choice(
        resolution="PT1H",
        first="2024-02-09",
        last="2025-03-14",
        today=today,
        allowed=consumption.PAGE_RESOLUTIONS,
        default=Resolution.P1D,
    )
    assert (ok.first, ok.end) == (date(2024, 2, 9), date(2025, 3, 15))
    with pytest.raises(ChoiceError) as refused:
        consumption.parse_choice(
            resolution="PT1H",
            first="2024-02-08",
            last="2025-03-14",
            today=today,
            allowed=consumption.PAGE_RESOLUTIONS,
            default=Resolution.P1D,
        )
    assert refused.value.key == "too_long"
    with pytest.raises(ChoiceError) as future:
        consumption.parse_choice(
            resolution="P1D",
            first="2025-03-16",
            last=None,
            today=today,
            allowed=consumption.PAGE_RESOLUTIONS,
            default=Resolution.P1D,
        )
    assert future.value.key == "future"


def test_a_new_occupant_never_sees_the_previous_occupants_values(
    committed: sessionmaker[Session], client: TestClient
) -> None:
    """EU-5: values from before the customer moved in belong to someone else."""
    with session_scope(committed) as session:
        before = make_customer(session, identity_number=fake_personnummer("19700101", 990))
        after = make_customer(session, identity_number=fake_personnummer("19800101", 991))
        home = make_installation(session, holder=before, since=date(2020, 1, 1))
        data = day_file(home.gsrn, date(2025, 6, 1), date(2025, 6, 5), wh=100)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
        move_in(session, installation=home, customer=after, day=date(2025, 6, 3))
        started = start_person_session(
            session, person_number=after.identity_number, now=utcnow(), settings=AuthSettings()
        )
        gsrn = home.gsrn
    client.cookies.set(SESSION_COOKIE, started.token)
    params = {"resolution": "P1D", "from": "2025-06-01", "to": "2025-06-04"}
    page = client.get(PAGE.format(gsrn), params=params).text
    download = client.get(FILE.format(gsrn), params={**params, "format": "csv"})
    assert len(_rows(page)) == 2  # 3 and 4 June only
    rows = download.content.decode("utf-8-sig").splitlines()[1:]
    assert len(rows) == 2


# --- Cached pages ------------------------------------------------------------------------------


def _session_of(committed: sessionmaker[Session], person_number: str) -> str:
    with session_scope(committed) as session:
        started = start_person_session(
            session, person_number=person_number, now=utcnow(), settings=AuthSettings()
        )
        return started.token


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_a_repeated_view_is_the_same_page_from_the_page_cache(
    client: TestClient, world: World
) -> None:
    params = {"resolution": "P1D", "from": "2025-02-01", "to": "2025-03-31"}
    consumption.clear_caches()
    first = client.get(PAGE.format(world.mine), params=params)
    assert len(consumption.PAGES) == 1
    again = client.get(PAGE.format(world.mine), params=params)
    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["content-encoding"] == first.headers["content-encoding"] == "gzip"
    assert again.headers["cache-control"] == "no-store"
    assert len(consumption.PAGES) == 1


def test_a_cached_page_is_never_sent_to_another_customer(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """EU-5: the holding is checked before the cache: a stranger with the same address gets 404."""
    params = {"resolution": "P1D", "from": "2025-03-01", "to": "2025-03-01"}
    mine = client.get(PAGE.format(world.mine), params=params)
    assert mine.status_code == 200
    assert client.get(PAGE.format(world.mine), params=params).status_code == 200
    client.cookies.set(SESSION_COOKIE, _session_of(committed, fake_personnummer("19700101", 971)))
    stranger = client.get(PAGE.format(world.mine), params=params)
    assert stranger.status_code == 404
    assert "9,600" not in stranger.text


def test_a_cached_page_is_never_sent_to_another_session(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """Each session's page carries its own CSRF token, even for the same customer and view."""
    params = {"resolution": "P1D", "from": "2025-03-01", "to": "2025-03-01"}
    first = client.get(PAGE.format(world.mine), params=params).text
    client.cookies.set(SESSION_COOKIE, _session_of(committed, fake_personnummer("19800101", 970)))
    second = client.get(PAGE.format(world.mine), params=params).text
    assert _csrf(first) != _csrf(second)
    assert _cells(_rows(first)[0]) == _cells(_rows(second)[0])


def test_a_cached_page_needs_a_live_session(client: TestClient, world: World) -> None:
    params = {"resolution": "P1D", "from": "2025-03-01", "to": "2025-03-01"}
    assert client.get(PAGE.format(world.mine), params=params).status_code == 200
    client.cookies.set(SESSION_COOKIE, "not-a-session")
    response = client.get(PAGE.format(world.mine), params=params, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/logga-in")


def test_a_cached_page_shows_a_corrected_value_at_once(
    client: TestClient, world: World, committed: sessionmaker[Session]
) -> None:
    """SUP-12: the page cache is keyed by the values' version, as the fragment cache is."""
    params = {"resolution": "P1D", "from": "2025-02-01", "to": "2025-03-31"}
    for _ in range(2):  # the second view comes from the page cache
        page = client.get(PAGE.format(world.mine), params=params).text
        assert _cells(_rows(page)[28])[1] == "9,600"  # 1 March
    _load_correction(committed, day_file(world.mine, date(2025, 3, 1), date(2025, 3, 2), wh=200))
    after = client.get(PAGE.format(world.mine), params=params).text
    assert _cells(_rows(after)[28])[1] == "19,200"

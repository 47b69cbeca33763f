"""Förbrukning fragments rendered ahead of time: one job per installation and import, served only
for exactly the values they were made from (SUP-12), only after the page's ownership check (EU-5),
and the few round trips of a view."""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest
from anyio import to_thread
from fastapi.testclient import TestClient
from markupsafe import Markup
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.core.jobs.models import JobRow
from elkund.core.jobs.worker import run_until_idle
from elkund.core.localtime import local_date, utcnow
from elkund.grid.models import Installation
from elkund.grid.service import move_in
from elkund.jobs_runner import HANDLERS
from elkund.metering.formats import FileFormat
from elkund.metering.service import ingest_file
from elkund.metering.stored_jobs import VALUES_STORED_JOB
from elkund.portal import consumption
from elkund.portal.auth.cookies import SESSION_COOKIE
from elkund.portal.auth.service import start_person_session
from elkund.portal.auth.settings import AuthSettings
from elkund.portal.components.deflated import Deflated
from elkund.portal.fragment_store import PortalFragment
from tests.factories import fake_personnummer, make_customer, make_installation
from tests.integration.helpers import day_file
from tests.portal.helpers import consumption_app

PAGE = "/mina-sidor/anlaggning/{}/forbrukning"


@dataclass(frozen=True)
class World:
    mine: str
    mine_id: int
    theirs: str
    theirs_id: int
    first: date  # of the pre-rendered year: 365 days up to yesterday
    last: date


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    consumption.clear_caches()
    with TestClient(consumption_app(engine)) as test_client:
        yield test_client
    consumption.clear_caches()


@pytest.fixture
def world(committed: sessionmaker[Session], client: TestClient) -> World:
    """Two customers with an installation each, signed in as the first; three recent days of
    values each, imported (which queues the pre-render jobs, not run yet)."""
    today = local_date(utcnow())
    with session_scope(committed) as session:
        me = make_customer(session, identity_number=fake_personnummer("19800101", 960))
        stranger = make_customer(session, identity_number=fake_personnummer("19700101", 961))
        mine = make_installation(session, holder=me)
        theirs = make_installation(session, holder=stranger)
        started = start_person_session(
            session, person_number=me.identity_number, now=utcnow(), settings=AuthSettings()
        )
        client.cookies.set(SESSION_COOKIE, started.token)
        ids = (mine.gsrn, mine.id, theirs.gsrn, theirs.id)
    first_day = today - timedelta(days=3)
    _import(committed, day_file(ids[0], first_day, today, wh=100))
    _import(committed, day_file(ids[2], first_day, today, wh=777))
    return World(*ids, today - timedelta(days=365), today - timedelta(days=1))


def _import(committed: sessionmaker[Session], data: bytes) -> None:
    with session_scope(committed) as session:
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []


def _drain(committed: sessionmaker[Session]) -> int:
    return run_until_idle(committed, HANDLERS, worker="test")


def _year(world: World) -> dict[str, str]:
    return {"resolution": "P1D", "from": world.first.isoformat(), "to": world.last.isoformat()}


def _day_cells(page: str, day: date) -> list[str]:
    row = re.search(rf'<tr data-start="{day.isoformat()}.*?</tr>', page, flags=re.S)
    assert row is not None, day
    return [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh].*?</t[dh]>", row[0])
    ]


def _fragments(committed: sessionmaker[Session], installation_id: int) -> list[str]:
    with session_scope(committed) as session:
        query = select(PortalFragment.view_key).where(
            PortalFragment.installation_id == installation_id
        )
        return sorted(session.scalars(query))


def _no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> Markup:
        raise AssertionError("rendered although a stored fragment should have been served")

    monkeypatch.setattr(consumption, "render_results", refuse)


def test_an_import_queues_one_job_per_installation_not_per_value(
    committed: sessionmaker[Session], world: World
) -> None:
    with session_scope(committed) as session:
        payloads = session.scalars(
            select(JobRow.payload).where(JobRow.kind == VALUES_STORED_JOB).order_by(JobRow.id)
        ).all()
    assert payloads == [{"installation_id": world.mine_id}, {"installation_id": world.theirs_id}]
    today = local_date(utcnow())
    _import(committed, day_file(world.mine, today - timedelta(days=3), today, wh=100))
    with session_scope(committed) as session:
        count = select(func.count()).where(JobRow.kind == VALUES_STORED_JOB)
        assert session.scalar(count) == 2  # nothing new or corrected: nothing to render again


def test_the_job_renders_the_default_view_and_the_year_in_both_languages(
    committed: sessionmaker[Session], world: World
) -> None:
    assert _drain(committed) == 2
    today = local_date(utcnow())
    default_first = (today - timedelta(days=29)).isoformat()
    keys = _fragments(committed, world.mine_id)
    assert len(keys) == 4
    assert {key.rsplit(":", 1)[1] for key in keys} == {"sv", "en"}
    assert sum(f":P1D:{default_first}:{today.isoformat()}:" in key for key in keys) == 2
    assert sum(f":P1D:{world.first}:{world.last}:" in key for key in keys) == 2


def test_a_first_view_of_a_prerendered_period_is_served_from_the_store(
    client: TestClient,
    committed: sessionmaker[Session],
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _drain(committed)
    _no_rendering(monkeypatch)
    page = client.get(PAGE.format(world.mine), params=_year(world))
    assert page.status_code == 200
    assert _day_cells(page.text, world.last)[1] == "9,600"
    swedish_default = client.get(PAGE.format(world.mine))  # the page's default: the last 30 days
    assert swedish_default.status_code == 200
    english = client.get(PAGE.format(world.mine), params=_year(world) | {"lang": "en"})
    assert english.status_code == 200
    assert _day_cells(english.text, world.last)[1] == "9.600"


def test_a_corrected_value_shows_at_once_although_an_older_fragment_is_stored(
    client: TestClient, committed: sessionmaker[Session], world: World
) -> None:
    """SUP-12: a fragment made from other values than the stored ones is never served."""
    _drain(committed)
    assert (
        _day_cells(client.get(PAGE.format(world.mine), params=_year(world)).text, world.last)[1]
        == "9,600"
    )
    consumption.clear_caches()  # as in another server process: only the store is left
    _import(committed, day_file(world.mine, world.last, world.last + timedelta(days=1), wh=200))
    page = client.get(PAGE.format(world.mine), params=_year(world))  # the job has not run yet
    assert _day_cells(page.text, world.last)[1] == "19,200"


def test_a_missing_prerendered_view_is_rendered_and_kept_by_the_page(
    client: TestClient, committed: sessionmaker[Session], world: World
) -> None:
    assert _fragments(committed, world.mine_id) == []  # the jobs have not run
    client.get(PAGE.format(world.mine), params=_year(world))
    client.get(PAGE.format(world.mine), params={"resolution": "P1D", "from": "2025-01-01"})
    (key,) = _fragments(committed, world.mine_id)  # a usual view only, not any period
    assert f":P1D:{world.first}:{world.last}:" in key


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_url_tampering_never_reaches_another_installations_stored_fragment(
    client: TestClient,
    committed: sessionmaker[Session],
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    """EU-5: the stranger's fragments are stored, yet asking for them by their GSRN is not found
    and shows none of their values."""
    _drain(committed)
    assert len(_fragments(committed, world.theirs_id)) == 4
    _no_rendering(monkeypatch)
    for params in (_year(world), {}):
        response = client.get(PAGE.format(world.theirs), params=params | {"lang": lang})
        assert response.status_code == 404
        assert "74,592" not in response.text
        assert "74.592" not in response.text
        assert "<table" not in response.text


def test_a_previous_holder_cannot_see_the_new_holders_fragments(
    client: TestClient, committed: sessionmaker[Session], world: World
) -> None:
    """EU-5: after a move the job renders for the new holder only; the one who moved out is not
    shown the installation at all."""
    today = local_date(utcnow())
    with session_scope(committed) as session:
        newcomer = make_customer(session, identity_number=fake_personnummer("19900101", 962))
        installation = session.get(Installation, world.mine_id)
        assert installation is not None
        move_in(session, installation=installation, customer=newcomer, day=today)
    _import(committed, day_file(world.mine, today - timedelta(days=1), today, wh=300))
    _drain(committed)
    keys = _fragments(committed, world.mine_id)
    assert len(keys) == 4
    assert all(f":{today.isoformat()}:PT15M:" in key for key in keys)
    assert client.get(PAGE.format(world.mine), params=_year(world)).status_code == 404


def test_the_job_of_an_installation_without_holder_keeps_nothing(
    committed: sessionmaker[Session], world: World
) -> None:
    _drain(committed)
    with session_scope(committed) as session:
        vacant = make_installation(session)
        assert consumption.prerender(session, {"installation_id": vacant.id})["fragments"] == 0
        assert consumption.prerender(session, {"installation_id": 999_999})["fragments"] == 0
    assert _fragments(committed, vacant.id) == []


class _Statements:
    """Counts the SQL statements sent while ``during`` runs a call."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.on = False
        event.listen(engine, "before_cursor_execute", self._seen)
        self._engine = engine

    def _seen(self, *args: Any) -> None:
        if self.on and args[2] != "BEGIN":  # SQLite's explicit BEGIN; PostgreSQL's is implicit
            self.count += 1

    def during(self, call: Any) -> int:
        self.count, self.on = 0, True
        try:
            call()
        finally:
            self.on = False
        return self.count

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._seen)


def test_a_view_costs_three_round_trips_and_one_more_from_the_store(
    client: TestClient, committed: sessionmaker[Session], world: World, engine: Engine
) -> None:
    """The session with the person's customers and the acting customer (one query), the
    installation with the move-in day, the values' version; a first view of a pre-rendered period
    adds the fragment.
    """
    _drain(committed)
    client.get("/health")
    statements = _Statements(engine)
    try:

        def view() -> None:
            assert client.get(PAGE.format(world.mine), params=_year(world)).status_code == 200

        assert statements.during(view) == 4  # from the store
        assert statements.during(view) == 3  # from this process's cache
    finally:
        statements.close()


def test_a_view_crosses_to_a_worker_thread_three_times(
    client: TestClient,
    committed: sessionmaker[Session],
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The portal session (one statement), the page, and the end of the database session; the
    database session is opened and the acting customer found on the event loop."""
    _drain(committed)
    view = partial(client.get, PAGE.format(world.mine), params=_year(world))
    assert view().status_code == 200
    crossings: list[str] = []
    run_sync = to_thread.run_sync

    async def counted(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        crossings.append(getattr(function, "__qualname__", repr(function)))
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(to_thread, "run_sync", counted)
    assert view().status_code == 200
    assert len(crossings) == 3, crossings


def test_a_long_page_is_sent_gzipped_to_a_browser_that_accepts_it(
    client: TestClient, committed: sessionmaker[Session], world: World
) -> None:
    _drain(committed)
    url = PAGE.format(world.mine)
    zipped = client.get(url, params=_year(world), headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["vary"]
    assert int(zipped.headers["content-length"]) < len(zipped.content) // 5
    assert _day_cells(zipped.text, world.last)[1] == "9,600"  # httpx unzipped it
    for refused in ("identity", "gzip;q=0, identity", "br"):
        plain = client.get(url, params=_year(world), headers={"Accept-Encoding": refused})
        assert "content-encoding" not in plain.headers
        assert plain.content == zipped.content
    day = world.last.isoformat()
    short = client.get(url, params={"from": day, "to": day}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in short.headers


def test_a_stored_fragment_is_sent_as_stored_without_compressing_it_again(
    client: TestClient, committed: sessionmaker[Session], world: World
) -> None:
    """The page around the fragment is deflated per request; the fragment's own deflated bytes
    go out unchanged, inside one gzip member that unzips to the whole page."""
    _drain(committed)
    with session_scope(committed) as session:
        query = select(PortalFragment.html).where(
            PortalFragment.installation_id == world.mine_id,
            PortalFragment.view_key.contains(f":P1D:{world.first}:{world.last}:"),
            PortalFragment.view_key.endswith(":sv"),
        )
        stored = Deflated.from_stored(session.scalars(query).one())
    url = PAGE.format(world.mine)
    headers = {"Accept-Encoding": "gzip"}
    with client.stream("GET", url, params=_year(world), headers=headers) as response:
        raw = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert stored.data in raw
    assert stored.inflate().decode() in gzip.decompress(raw).decode()


@pytest.mark.parametrize(
    ("header", "accepts"),
    [
        (None, False),
        ("gzip", True),
        ("deflate, GZIP;q=0.5", True),
        ("*", True),
        ("gzip; q=0", False),
    ],
)
def test_accepts_gzip(header: str | None, accepts: bool) -> None:
    assert consumption._accepts_gzip(header) is accepts

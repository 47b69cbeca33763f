"""Portal: direct SQL p95 ÷ Förbrukning page p95, both at 32 concurrent connections.

32 installations, each held by its own private customer, with a year of quarter-hours stored by
the app. A live ``elkund serve`` process serves the Förbrukning page (daily resolution, the last
365 days, with the comparison with the year before) to 32 HTTP clients at once, each signed in
as its customer through a portal session cookie. The baseline is 32 threads, each on its own
database connection through the same driver, running the GROUP BY over ``meter_value_days``
that gives the same data: the days of the period and of the same period a year earlier.

The requested view is the last twelve months by day (the 365 days up to yesterday, with the year
before), one of the views the portal renders ahead of time: when meter values are stored, the
import queues a job per installation (``metering.stored_jobs``) and the worker renders the page's
usual views (``consumption.prerendered_choices``: the default 30 days and this year, in Swedish and
English) into ``portal_fragments``. The load stores values with ``store_values`` directly (faster
than parsing files), so it then queues those same jobs and runs the worker until its queue is
empty, before the server starts: the steady state of a grid company whose values were imported
overnight, before the customers look. Nothing else is prepared: every server process starts with
an empty in-process cache, so each customer's first view still checks the session and ownership,
reads the values' version and loads the stored fragment (its version must match, or the page
renders afresh); the SQL baseline is unchanged.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import Date, bindparam, text

from bench.common import Database, empty_meter_tables, figure, note
from bench.dataset import quarter_hours, register_meters
from elkund.core.db import create_db_engine
from elkund.core.jobs.worker import run_until_idle
from elkund.core.localtime import local_date, utcnow
from elkund.customers.identity import with_check_digit
from elkund.customers.service import register_customer
from elkund.grid.models import Installation
from elkund.grid.service import move_in
from elkund.jobs_runner import HANDLERS
from elkund.metering.repository import store_values
from elkund.metering.stored_jobs import enqueue_values_stored
from elkund.portal.auth.cookies import SESSION_COOKIE
from elkund.portal.auth.service import start_person_session
from elkund.portal.auth.settings import AuthSettings

GOAL = 0.5
CONNECTIONS = 32
REQUESTS = 4  # timed requests per connection, after a warm-up each
WORKERS = os.cpu_count() or 1  # server processes, as a grid company would run it
DAYS = 365
ELKUND = str(Path(sys.executable).with_name("elkund"))
_DAYS_SQL = text(
    "SELECT local_date, sum(wh), sum(minutes_present), sum(estimated_count), sum(missing_count)"
    " FROM meter_value_days WHERE installation_id = :installation_id"
    " AND local_date >= :first AND local_date < :end GROUP BY local_date ORDER BY local_date"
).bindparams(bindparam("first", type_=Date()), bindparam("end", type_=Date()))


@dataclass(frozen=True, slots=True)
class Holder:
    installation_id: int
    gsrn: str
    token: str


@dataclass(frozen=True, slots=True)
class Period:
    first: date  # included
    end: date  # excluded

    @property
    def year_earlier(self) -> Period:
        return Period(_year_before(self.first), _year_before(self.end))


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def load(db: Database, period: Period) -> list[Holder]:
    """A year of values per installation, its customer, and a signed-in portal session each."""
    empty_meter_tables(db)
    meters = register_meters(db, CONNECTIONS)
    days = (period.end - period.first).days
    stored = 0
    for index, meter in enumerate(meters):
        rows = quarter_hours([meter], period.first, days, seed=index + 1)
        with db.sessions() as session:
            store_values(session, rows, now=utcnow())
            session.commit()
        stored += len(rows)
    holders = []
    with db.sessions() as session:
        for index, meter in enumerate(meters):
            number = "19" + with_check_digit(f"700101{index + 300:03d}")
            customer = register_customer(
                session, identity_number=number, name=f"Bench Kund {index}"
            )
            installation = session.get(Installation, meter.id)
            assert installation is not None
            move_in(session, installation=installation, customer=customer, day=date(2020, 1, 1))
            session.flush()
            started = start_person_session(
                session,
                person_number=customer.identity_number,
                now=utcnow(),
                settings=AuthSettings(),
            )
            holders.append(Holder(meter.id, meter.gsrn, started.token))
        enqueue_values_stored(session, [meter.id for meter in meters])  # as an import does
        session.commit()
    note(f"portal_{db.name}: {stored} values of {len(meters)} installations, {days} days each")
    began = time.perf_counter()
    jobs = run_until_idle(db.sessions, HANDLERS, worker="bench")
    note(f"portal_{db.name}: worker ran {jobs} jobs in {time.perf_counter() - began:.1f} s")
    return holders


# The server --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def live_server(db: Database) -> Iterator[str]:
    """``elkund serve`` on the bench database, without the worker; stopped afterwards."""
    port = _free_port()
    env = os.environ | {
        "ELKUND_ENV": "test",
        "ELKUND_DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "ELKUND_SECRET_KEY": "bench-secret-key-of-enough-length",
        "ELKUND_WORKER_IN_PROCESS": "false",
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [ELKUND, "serve", "--port", str(port), "--workers", str(WORKERS)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"elkund serve exited: {log.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("elkund serve did not start in 30 s")


# Load --------------------------------------------------------------------------------------------


def concurrently(
    calls: list[Callable[[], None]], warm_ups: list[Callable[[], None]] | None = None
) -> list[float]:
    """Each call on its own thread: a warm-up (the call itself unless given), then ``REQUESTS``
    timed calls, all threads at once."""
    barrier = threading.Barrier(len(calls))
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(call: Callable[[], None], warm_up: Callable[[], None]) -> None:
        mine: list[float] = []
        try:
            warm_up()
            barrier.wait()
            for _ in range(REQUESTS):
                began = time.perf_counter()
                call()
                mine.append(time.perf_counter() - began)
        except BaseException as error:  # reported by the main thread
            barrier.abort()
            with lock:
                errors.append(error)
        with lock:
            latencies.extend(mine)

    threads = [
        threading.Thread(target=worker, args=pair)
        for pair in zip(calls, warm_ups or calls, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return latencies


def p95(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=20, method="inclusive")[18]


def page_latencies(url: str, holders: list[Holder], period: Period) -> list[float]:
    last = period.end - timedelta(days=1)
    query = f"resolution=P1D&from={period.first.isoformat()}&to={last.isoformat()}"
    clients = [
        httpx.Client(
            base_url=url, headers={"Cookie": f"{SESSION_COOKIE}={holder.token}"}, timeout=120
        )
        for holder in holders
    ]

    def page_call(client: httpx.Client, gsrn: str) -> Callable[[], None]:
        def call() -> None:
            response = client.get(f"/mina-sidor/anlaggning/{gsrn}/forbrukning?{query}")
            if response.status_code != 200 or "<table" not in response.text:
                raise RuntimeError(f"Förbrukning page answered {response.status_code}")

        return call

    def health_call(client: httpx.Client) -> Callable[[], None]:
        def call() -> None:
            client.get("/health").raise_for_status()  # opens the connection

        return call

    try:
        calls = [page_call(c, h.gsrn) for c, h in zip(clients, holders, strict=True)]
        calls[0]()  # one page first, so the server's templates and caches are warm
        return concurrently(calls, [health_call(c) for c in clients])
    finally:
        for client in clients:
            client.close()


def sql_latencies(db: Database, holders: list[Holder], period: Period) -> tuple[list[float], int]:
    """The same concurrency on a pool of one connection per thread, through the same driver."""
    engine = create_db_engine(
        db.engine.url.render_as_string(hide_password=False),
        pool_size=CONNECTIONS,
        max_overflow=0,
    )
    counts: list[int] = []
    try:

        def sql_call(installation_id: int) -> Callable[[], None]:
            def call() -> None:
                with engine.connect() as connection:
                    rows = 0
                    for part in (period, period.year_earlier):
                        parameters = {
                            "installation_id": installation_id,
                            "first": part.first,
                            "end": part.end,
                        }
                        rows += len(connection.execute(_DAYS_SQL, parameters).all())
                    connection.rollback()
                counts.append(rows)

            return call

        latencies = concurrently([sql_call(h.installation_id) for h in holders])
    finally:
        engine.dispose()
    return latencies, max(counts)


def run(db: Database) -> None:
    name = f"portal_{db.name}"
    today = local_date(utcnow())
    period = Period(today - timedelta(days=DAYS), today)
    holders = load(db, period)
    try:
        began = time.perf_counter()
        with live_server(db) as url:
            pages = page_latencies(url, holders, period)
        page_wall = time.perf_counter() - began
        sql, rows = sql_latencies(db, holders, period)
    finally:
        empty_meter_tables(db)
    page_p95, sql_p95 = p95(pages), p95(sql)
    note(f"{name}: {CONNECTIONS} connections x {REQUESTS} requests; Förbrukning P1D")
    note(f"{name}: elkund serve --workers {WORKERS} (one per CPU core)")
    note(f"{name}: {period.first} to {period.end - timedelta(days=1)} via a live elkund serve")
    note(f"{name}: (server start + requests {page_wall:.1f} s); SQL = GROUP BY over")
    note(f"{name}: meter_value_days for the period and the year before ({rows} day rows)")
    note(
        f"{name}: page p95 {page_p95 * 1000:.1f} ms (median"
        f" {statistics.median(pages) * 1000:.1f} ms), SQL p95 {sql_p95 * 1000:.2f} ms"
        f" (median {statistics.median(sql) * 1000:.2f} ms)"
    )
    figure(name, sql_p95 / page_p95, GOAL)

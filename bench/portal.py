"""Portal: direct SQL p95 ÷ Förbrukning page p95, both at 32 concurrent connections.

32 installations, each held by its own private customer, with two years of quarter-hours stored
by the app (the period shown and the year before it). A live ``elkund serve`` process serves the
Förbrukning page (daily resolution, the last 365 days, with the comparison with the year before)
to 32 HTTP clients at once, each signed in as its customer through a portal session cookie. The
baseline is 32 threads, each on its own database connection through the same driver, running the
GROUP BY over ``meter_value_days`` that gives the same data: the days of the period and of the
same period a year earlier. Before timing, those days must equal a ``GROUP BY`` local day over
the installation's ``meter_values``; that query is also timed, and its ratio to the page is
printed as a note (ADR 0020).

The requested view is the last twelve months by day (the 365 days up to yesterday, with the year
before), one of the views the portal renders ahead of time: when meter values are stored, the
import queues a job per installation (``metering.stored_jobs``) and the worker renders the page's
usual views (``consumption.prerendered_choices``: the default 30 days and this year, in Swedish and
English) into ``portal_fragments``. The load stores values with ``store_values`` directly (faster
than parsing files), so it then queues those same jobs and runs the worker until its queue is
empty, and on PostgreSQL vacuums and analyses (as autovacuum would have, and not during the timed
runs), before the server starts: the steady state of a grid company whose values were imported
overnight, before the customers look. Nothing else is prepared: every server process starts with
an empty in-process cache, so each customer's first view still checks the session and ownership,
reads the values' version and loads the stored fragment (its version must match, or the page
renders afresh).
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
from sqlalchemy import Connection, Date, TextClause, bindparam, text

from bench.common import Database, empty_meter_tables, figure, note
from bench.dataset import quarter_hours, register_meters
from bench.history import as_date, bucket_sql
from elkund.core.db import create_db_engine
from elkund.core.jobs.worker import run_until_idle
from elkund.core.localtime import local_date, local_midnight, utcnow
from elkund.core.types import UtcTimestamp
from elkund.customers.identity import with_check_digit
from elkund.customers.service import register_customer
from elkund.grid.models import Installation
from elkund.grid.service import move_in
from elkund.jobs_runner import HANDLERS
from elkund.metering.domain import Quality
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
_ROLLUP_SQL = text(
    "SELECT local_date, sum(wh), sum(minutes_present), sum(estimated_count), sum(missing_count)"
    " FROM meter_value_days WHERE installation_id = :installation_id"
    " AND local_date >= :first AND local_date < :end GROUP BY local_date ORDER BY local_date"
).bindparams(bindparam("first", type_=Date()), bindparam("end", type_=Date()))
_MISSING, _ESTIMATED = int(Quality.MISSING), int(Quality.ESTIMATED)


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
    """Two years of values per installation (the period and the year before), its customer, and
    a signed-in portal session each."""
    empty_meter_tables(db)
    meters = register_meters(db, CONNECTIONS)
    first = period.year_earlier.first
    days = (period.end - first).days
    stored = 0
    for index, meter in enumerate(meters):
        rows = quarter_hours([meter], first, days, seed=index + 1)
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
    if db.is_postgres:  # as autovacuum leaves a live database, not during the timed runs
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
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
        calls[0]()  # one page first (in one of the processes), as an operator's check would
        return concurrently(calls, [health_call(c) for c in clients])
    finally:
        for client in clients:
            client.close()


def direct_sql(db: Database, period: Period) -> TextClause:
    """The page's days straight from the values: Wh of the values present, minutes present,
    estimated and missing counts per local day of [first, end) in UTC bounds."""
    day = bucket_sql(db, "day", period.year_earlier.first, period.end)
    return text(
        f"SELECT {day} AS day, sum(CASE WHEN quality = {_MISSING} THEN 0 ELSE wh END),"
        f" sum(CASE WHEN quality = {_MISSING} THEN 0 ELSE resolution END),"
        f" sum(CASE WHEN quality = {_ESTIMATED} THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN quality = {_MISSING} THEN 1 ELSE 0 END)"
        " FROM meter_values WHERE installation_id = :installation_id"
        " AND start >= :first AND start < :end GROUP BY day ORDER BY day"
    ).bindparams(bindparam("first", type_=UtcTimestamp()), bindparam("end", type_=UtcTimestamp()))


@dataclass(frozen=True, slots=True)
class Baseline:
    """A query giving both years' days, and whether it is bounded by UTC instants (the raw
    values) or by local dates (the rollup)."""

    statement: TextClause
    utc_bounds: bool

    def bounds(self, part: Period) -> tuple[object, object]:
        if self.utc_bounds:
            return local_midnight(part.first), local_midnight(part.end)
        return part.first, part.end


ROLLUP = Baseline(_ROLLUP_SQL, utc_bounds=False)


def _days_of(
    connection: Connection, baseline: Baseline, installation_id: int, period: Period
) -> list[tuple[object, ...]]:
    """Both years' days as (local date, Wh, minutes present, estimated, missing)."""
    days: list[tuple[object, ...]] = []
    for part in (period, period.year_earlier):
        first, end = baseline.bounds(part)
        parameters = {"installation_id": installation_id, "first": first, "end": end}
        rows = connection.execute(baseline.statement, parameters).all()
        days += [(as_date(d), *(int(n) for n in sums)) for d, *sums in rows]
    return days


def check_same_days(db: Database, holders: list[Holder], period: Period) -> int:
    """The rollup the page reads and the values themselves give the same days; how many days
    each installation has."""
    direct = Baseline(direct_sql(db, period), utc_bounds=True)
    counts = set()
    with db.engine.connect() as connection:
        for holder in holders:
            days = _days_of(connection, ROLLUP, holder.installation_id, period)
            if days != _days_of(connection, direct, holder.installation_id, period):
                raise RuntimeError(f"the rollup and the values differ for {holder.gsrn}")
            counts.add(len(days))
    (count,) = counts
    return count


def sql_latencies(
    db: Database, holders: list[Holder], period: Period, baseline: Baseline
) -> list[float]:
    """The same concurrency on a pool of one connection per thread, through the same driver."""
    engine = create_db_engine(
        db.engine.url.render_as_string(hide_password=False),
        pool_size=CONNECTIONS,
        max_overflow=0,
    )
    try:

        def sql_call(installation_id: int) -> Callable[[], None]:
            def call() -> None:
                with engine.connect() as connection:
                    _days_of(connection, baseline, installation_id, period)
                    connection.rollback()

            return call

        return concurrently([sql_call(h.installation_id) for h in holders])
    finally:
        engine.dispose()


def run(db: Database) -> None:
    name = f"portal_{db.name}"
    today = local_date(utcnow())
    period = Period(today - timedelta(days=DAYS), today)
    holders = load(db, period)
    try:
        rows = check_same_days(db, holders, period)
        began = time.perf_counter()
        with live_server(db) as url:
            pages = page_latencies(url, holders, period)
        page_wall = time.perf_counter() - began
        sql = sql_latencies(db, holders, period, ROLLUP)
        raw = sql_latencies(db, holders, period, Baseline(direct_sql(db, period), utc_bounds=True))
    finally:
        empty_meter_tables(db)
    page_p95 = p95(pages)
    note(f"{name}: {CONNECTIONS} connections x {REQUESTS} requests; Förbrukning P1D")
    note(f"{name}: elkund serve --workers {WORKERS} (one per CPU core)")
    note(f"{name}: {period.first} to {period.end - timedelta(days=1)} via a live elkund serve")
    note(f"{name}: (server start + requests {page_wall:.1f} s); SQL = GROUP BY over")
    note(f"{name}: meter_value_days for the period and the year before ({rows} day rows)")
    note(f"{name}: page p95 {_ms(pages)}, SQL p95 {_ms(sql)}")
    note(f"{name}: GROUP BY local day over meter_values instead (the same days): p95 {_ms(raw)},")
    note(f"{name}: ratio to the page {p95(raw) / page_p95:.3f}")
    figure(name, p95(sql) / page_p95, GOAL)


def _ms(latencies: list[float]) -> str:
    return f"{p95(latencies) * 1000:.1f} ms (median {statistics.median(latencies) * 1000:.1f} ms)"

"""Billing: invoices/s of a billing run ÷ invoices/s of a set-based SQL with the same energy sums.

``INSTALLATIONS`` installations in SE3, each with November 2025 in quarter-hours and its own
customer, under one supplier; every other contract is a fixed price, the rest dynamic (quarter-hour
spot prices). The app side is ``run_billing`` with ``render="queue"``: due contracts, one
transaction per chunk of contracts (``billing.CHUNK``) with the gate's supplier checks and
share-log entry per installation, the daily rollups for completeness (SUP-7), Σ Wh, quality, the
chart (SUP-10), the correction digest and, for the dynamic contracts, Σ Wh × price (the days'
kept sums, ADR 0022, computed when ``load`` stored the values and then the prices), rating, the
invoice documents, the gap-free numbers, the stored invoices and their render jobs (ADR 0018).
The baseline is ONE ``GROUP BY`` over
``meter_values`` joined to the zone's prices: Σ Wh and Σ Wh × öre/kWh per installation, what the
invoices' energy rests on. Before timing, both must give the same kWh and the same dynamic energy
amounts. The two sides take turns, ``ROUNDS`` times; the figure is the ratio of their medians.
PDF rendering (the queued jobs) is timed on its own and printed as a note.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from bench.common import Database, empty_meter_tables, figure, frozen_heap, note, timed
from bench.dataset import NOW, Meter, quarter_hours, register_meters
from elkund.core.jobs.worker import run_next
from elkund.core.localtime import local_midnight
from elkund.core.types import UtcTimestamp
from elkund.customers.identity import with_check_digit
from elkund.customers.service import register_customer
from elkund.demo.spot_prices import demo_prices
from elkund.grid.models import Installation
from elkund.grid.service import move_in
from elkund.jobs_runner import HANDLERS
from elkund.metering.repository import store_values
from elkund.parties.models import Party, PartyRole
from elkund.parties.service import register_party
from elkund.supply import price_store
from elkund.supply.billing import run_billing
from elkund.supply.billing_models import Invoice
from elkund.supply.contracts import start_contract
from elkund.supply.document import LineKind
from elkund.supply.models import Product, ProductKind
from elkund.supply.products import ProductDraft, create_product
from elkund.supply.stored import document_of
from elkund.supply.suppliers import ProfileDraft, WebsitePages, save_profile

GOAL = 0.5
INSTALLATIONS = 100
MONTH = date(2025, 11, 1)  # quarter-hour day-ahead prices since 1 October 2025
END = date(2025, 12, 1)
RUN_AT = datetime(2025, 12, 3, 5, 0, tzinfo=UTC)  # the monthly run, 06:00 in Stockholm
ROUNDS = 7  # each one app run and SQL_RUNS of the baseline
SQL_RUNS = 3
RENDERED = 20  # PDFs rendered for the note (about 0.1–0.3 s each)
_ORE = Decimal("0.01")
_PRICE_FACTOR = Decimal(10) ** 7  # price_ore_per_kwh is stored as öre/kWh × 10^7
_SUMS_SQL = text(
    "SELECT v.installation_id, sum(v.wh), sum(v.wh * p.price_ore_per_kwh)"
    " FROM meter_values v JOIN day_ahead_prices p"
    " ON p.zone = 'SE3' AND p.resolution = 'PT15M' AND p.start = v.start"
    " WHERE v.start >= :start AND v.start < :end"
    " GROUP BY v.installation_id ORDER BY v.installation_id"
).bindparams(bindparam("start", type_=UtcTimestamp()), bindparam("end", type_=UtcTimestamp()))
_RESET = ("jobs", "invoices", "invoice_series", "share_log")


@dataclass(frozen=True, slots=True)
class Sums:
    """Per installation id: Wh, and for a dynamic contract the energy amount in kr."""

    wh: dict[int, int]
    dynamic_sek: dict[int, Decimal]


def load(db: Database) -> tuple[str, set[int]]:
    """Values, prices, a supplier and its contracts, committed: (supplier org, dynamic ids)."""
    empty_meter_tables(db)
    meters = register_meters(db, INSTALLATIONS)
    rows = quarter_hours(meters, MONTH, (END - MONTH).days, seed=5)
    with db.sessions() as session:
        store_values(session, rows, now=NOW)
        price_store.insert_new(session, demo_prices(MONTH, END, seed=5), now=NOW)
        org, dynamic = _contracts(session, meters)
        session.commit()
    if db.is_postgres:  # fresh statistics of every table, as autovacuum would give a live
        # database (the benchmarks before this one leave theirs of other rows)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    note(
        f"billing_{db.name}: {INSTALLATIONS} installations, {len(rows)} quarter-hours of"
        f" {MONTH:%Y-%m}, {len(dynamic)} dynamic and {INSTALLATIONS - len(dynamic)} fixed contracts"
    )
    return org, dynamic


def _contracts(session: Session, meters: list[Meter]) -> tuple[str, set[int]]:
    supplier = register_party(
        session,
        role=PartyRole.SUPPLIER,
        name="Bench El AB",
        org_number=with_check_digit("559990002"),
    )
    save_profile(session, supplier=supplier, draft=_profile())
    fixed, dynamic = _products(session, supplier)
    dynamic_ids = set()
    for index, meter in enumerate(meters):
        customer = register_customer(
            session,
            identity_number="19"
            + with_check_digit(f"92{1 + index // 28:02d}{1 + index % 28:02d}980"),
            name=f"Bench Kund {index}",
        )
        installation = session.get(Installation, meter.id)
        assert installation is not None
        move_in(session, installation=installation, customer=customer, day=date(2020, 1, 1))
        product = dynamic if index % 2 else fixed
        started = start_contract(
            session,
            supplier=supplier,
            product=product,
            installation_id=meter.gsrn,
            customer=customer,
            start=MONTH,
            now=local_midnight(MONTH) - timedelta(days=30),
        )
        assert started.contract is not None
        if product is dynamic:
            dynamic_ids.add(meter.id)
    return supplier.org_number, dynamic_ids


def _profile() -> ProfileDraft:
    site = "https://bench-el.example"
    return ProfileDraft(
        f_skatt=True,
        street="Benchgatan 1",
        postal_code="11122",
        city="Stockholm",
        customer_service_phone="08-123 456 00",
        customer_service_email="kundservice@bench-el.example",
        bankgiro="5050-1055",
        website=site,
        pages=WebsitePages(termination_url=f"{site}/uppsagning"),
    )


def _products(session: Session, supplier: Party) -> tuple[Product, Product]:
    """A fixed-price product and a dynamic (quarter-hour spot price) one."""
    fixed = ProductDraft(
        code="FAST",
        name="Fast elpris",
        kind=ProductKind.FIXED,
        terms_url="https://bench-el.example/villkor",
        termination_text="Säg upp avtalet på Mina sidor eller via kundservice.",
        termination_free=True,
        monthly_fee_sek=Decimal("39"),
        certificate_ore_per_kwh=Decimal("0.6"),
        energy_price_ore_per_kwh=Decimal("89.5"),
        term_months=12,
    )
    dynamic = dataclasses.replace(
        fixed,
        code="KVART",
        name="Kvartspris",
        kind=ProductKind.DYNAMIC,
        energy_price_ore_per_kwh=None,
        term_months=None,
        markup_ore_per_kwh=Decimal("3.5"),
        price_resolution="PT15M",
    )
    return (
        create_product(session, supplier=supplier, draft=fixed),
        create_product(session, supplier=supplier, draft=dynamic),
    )


# --- the two sides -------------------------------------------------------------------------------


def _app_run(db: Database, org: str, output: Path) -> Callable[[], int]:
    def call() -> int:
        result = run_billing(
            db.sessions, month=MONTH, supplier_org=org, now=RUN_AT, output=output, render="queue"
        )
        assert not result.refused, result.refused
        return sum(1 for invoice in result.invoices if invoice.created)

    return call


def _sql_call(session: Session, dynamic: set[int]) -> Callable[[], Sums]:
    parameters = {"start": local_midnight(MONTH), "end": local_midnight(END)}

    def call() -> Sums:
        rows = session.execute(_SUMS_SQL, parameters).all()
        return Sums(
            {i: int(wh) for i, wh, _ in rows},
            {i: _sek(cost) for i, _, cost in rows if i in dynamic},
        )

    return call


def _sek(wh_times_price: int) -> Decimal:
    """Σ Wh × öre/kWh·10^7 as kronor to the öre, half away from zero, as rating rounds."""
    kronor = Decimal(int(wh_times_price)) / 1000 / _PRICE_FACTOR / 100
    return kronor.quantize(_ORE, ROUND_HALF_UP)


def _invoiced(db: Database, dynamic: set[int]) -> Sums:
    with db.sessions() as session:
        invoices = session.scalars(select(Invoice).order_by(Invoice.installation_id)).all()
        wh = {i.installation_id: i.consumption_wh for i in invoices}
        energy = {
            i.installation_id: sum(
                (line.amount for line in document_of(i).lines if line.kind is LineKind.ENERGY),
                Decimal(0),
            )
            for i in invoices
            if i.installation_id in dynamic
        }
    return Sums(wh, energy)


def _reset(db: Database) -> None:
    """The run's invoices, numbers, jobs and share-log entries gone: the next run bills anew."""
    with db.sessions() as session:
        for table in _RESET:
            session.execute(text(f"DELETE FROM {table}"))
        session.commit()


def _render(db: Database) -> tuple[int, float]:
    """Run ``RENDERED`` of the queued render jobs, after one untimed (loading WeasyPrint and
    Pango takes a moment once per process); (how many, seconds)."""
    run_next(db.sessions, HANDLERS, worker="bench")
    done = 0

    def work() -> None:
        nonlocal done
        while done < RENDERED and run_next(db.sessions, HANDLERS, worker="bench"):
            done += 1

    seconds = timed(work)
    return done, seconds


def run(db: Database) -> None:
    org, dynamic = load(db)
    name = f"billing_{db.name}"
    note(f"{name}: app = run_billing(render='queue'): gate checks + share log, sums and checks")
    note(
        f"{name}: in SQL, rating, document, number, invoice and render job, a transaction a chunk;"
    )
    note(f"{name}: baseline = one GROUP BY of Σ Wh and Σ Wh × spot price per installation")
    with TemporaryDirectory(prefix="elkund_bench_invoices_") as folder:
        app = _app_run(db, org, Path(folder))
        with db.sessions() as session:
            if db.is_postgres:  # psycopg prepares a statement run 5 times; after 5 more the
                # server may pick a generic plan, 1.6 times slower here: the baseline at its best
                session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
            sql = _sql_call(session, dynamic)
            count = app()
            same = _invoiced(db, dynamic) == sql()
            note(
                f"{name}: invoiced and SQL energy sums {'equal' if same else 'DIFFERENT'} ({count})"
            )
            rendered, render_s = _render(db)
            # The two sides take turns, so that a busy moment of a shared machine falls on both.
            # The benchmarks run before in this process leave a heap of hundreds of MB that every
            # full collection of the cyclic GC would walk; a billing run is a process of its own
            # (the CLI, or the job in a worker).
            app_times, sql_times = [], []
            with frozen_heap():
                for _ in range(ROUNDS):
                    sql_times += [timed(sql) for _ in range(SQL_RUNS)]
                    _reset(db)
                    app_times.append(timed(app))
        app_s, sql_s = statistics.median(app_times), statistics.median(sql_times)
        _reset(db)
    note(f"{name}: app {count / app_s:,.1f} invoices/s, SQL {count / sql_s:,.0f} invoices/s")
    note(f"{name}: PDF rendering {rendered / render_s:,.1f} invoices/s ({rendered} rendered)")
    figure(name, sql_s / app_s, GOAL)
    empty_meter_tables(db)

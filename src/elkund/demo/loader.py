"""Loading the demo world into a database: parties, customers, installations and meter values,
the supplier side, and the invoices of the last three complete months.

One call is one unit of work: nothing here commits. Meter values go through the same bulk path as
imported files, one installation at a time, so the daily rollups are kept in step and memory stays
small. The invoices' PDFs are left to queued jobs (see ``demo.billing``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import repeat
from pathlib import Path

import numpy as np
import structlog
from sqlalchemy.orm import Session

from elkund.core.localtime import local_date, utcnow
from elkund.core.settings import get_settings
from elkund.customers.models import Customer
from elkund.customers.service import create_business_login, register_customer
from elkund.demo import repository
from elkund.demo.accounts import (
    accounts_document,
    demo_client_id,
    demo_client_secret,
    write_accounts,
)
from elkund.demo.billing import issue_demo_invoices
from elkund.demo.dunning import settle_demo_invoices
from elkund.demo.plan import CustomerPlan, DemoPlan, InstallationPlan, PartyPlan, build_plan
from elkund.demo.profiles import (
    LoadKind,
    Series,
    Timeline,
    Weather,
    build_timeline,
    consumption_watts,
    energy_wh,
    simulate_weather,
    solar_watts,
    with_gaps,
)
from elkund.demo.supply import load_supply
from elkund.grid.models import BiddingZone, GridTariff, Installation
from elkund.grid.service import (
    move_in,
    move_out,
    register_installation,
    register_tariff,
    set_supplier,
)
from elkund.metering.domain import Resolution
from elkund.metering.repository import store_values
from elkund.metering.validation import ValidRow
from elkund.parties.credentials import issue_client
from elkund.parties.models import Party, PartyRole
from elkund.parties.service import grid_company, register_party

log = structlog.get_logger(__name__)

# Rows per call of the bulk store: a few installations' years at a time keeps memory modest, and
# a short window goes in one call.
_BATCH_ROWS = 250_000


@dataclass(frozen=True, slots=True)
class DemoSummary:
    customers: int
    installations: int
    values: int
    created: bool  # False when the database already had a grid company and nothing was loaded
    accounts_path: Path
    invoices: int = 0  # invoices and credit notes in the database


def load_demo(
    session: Session,
    *,
    seed: int = 2026,
    years: int = 3,
    days: int | None = None,
    today: date | None = None,
    accounts_path: Path | None = None,
    invoices_path: Path | None = None,
) -> DemoSummary:
    """Load the demo world with meter values up to the last full local day before ``today``.

    ``days``, when given, replaces ``years`` as the length of the window (tests use a few days).
    A database that already has a grid company is left alone; the accounts file is rewritten.
    Invoice files are written under ``invoices_path`` (by default ``var/invoices``) by the jobs.
    """
    today = today or local_date(utcnow())
    first_day = window_start(today, years=years, days=days)
    path = accounts_path or get_settings().var_dir / "demo-accounts.json"
    plan = build_plan(seed, first_day=first_day, end_day=today)
    if grid_company(session) is not None:
        write_accounts(path, accounts_document(session, plan, seed=seed, today=today))
        customers, installations, values = repository.counts(session)
        return DemoSummary(
            customers,
            installations,
            values,
            created=False,
            accounts_path=path,
            invoices=repository.invoice_count(session),
        )
    started = time.perf_counter()
    stored = _create_world(session, plan, seed=seed)
    load_supply(session, plan, stored, seed=seed, first_day=first_day, end_day=today)
    values = _store_meter_values(
        session, plan, stored, seed=seed, first_day=first_day, end_day=today
    )
    loaded = time.perf_counter()
    billing = issue_demo_invoices(
        session,
        today=today,
        first_day=first_day,
        output=invoices_path or get_settings().var_dir / "invoices",
    )
    letters = (invoices_path or get_settings().var_dir / "invoices").parent / "letters"
    settle_demo_invoices(session, today=today, letters=letters)
    document = accounts_document(session, plan, seed=seed, today=today, just_created=True)
    write_accounts(path, document)
    log.info(
        "demo.loaded",
        customers=len(plan.customers),
        installations=len(stored),
        values=values,
        invoices=billing.documents,
        refused=billing.refused,
        seconds=round(time.perf_counter() - started, 1),
        billing_seconds=round(time.perf_counter() - loaded, 1),
    )
    return DemoSummary(
        len(plan.customers),
        len(stored),
        values,
        created=True,
        accounts_path=path,
        invoices=billing.documents,
    )


def window_start(today: date, *, years: int, days: int | None) -> date:
    """The first local day of a window of ``days`` days, or else ``years`` years, before today."""
    if days is not None:
        if days < 1:
            raise ValueError("The demo needs at least one day of values")
        return today - timedelta(days=days)
    if years < 1:
        raise ValueError("The demo needs at least one year of values")
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _create_world(session: Session, plan: DemoPlan, *, seed: int) -> list[Installation]:
    register_party(session, role=PartyRole.GRID_COMPANY, **_party_fields(plan.grid_company))
    suppliers = [
        register_party(session, role=PartyRole.SUPPLIER, **_party_fields(p)) for p in plan.suppliers
    ]
    for number, esco in enumerate(plan.escos, start=1):
        party = register_party(session, role=PartyRole.ESCO, **_party_fields(esco))
        issue_client(
            session,
            party=party,
            client_id=demo_client_id(number),
            secret=demo_client_secret(seed, esco.org_number),
        )
    tariffs = {
        t.code: register_tariff(
            session,
            code=t.code,
            name=t.name,
            fixed_fee_sek_per_year=t.fixed_fee_sek_per_year,
            transfer_fee_ore_per_kwh=t.transfer_fee_ore_per_kwh,
            power_fee_sek_per_kw_month=t.power_fee_sek_per_kw_month,
            terms_url=t.terms_url,
        )
        for t in plan.tariffs
    }
    customers = [_register_customer(session, c) for c in plan.customers]
    return [
        _register_installation(
            session, p, tariffs=tariffs, customers=customers, suppliers=suppliers
        )
        for p in plan.installations
    ]


def _party_fields(party: PartyPlan) -> dict[str, str]:
    return {
        "name": party.name,
        "org_number": party.org_number,
        "email": party.email,
        "website": party.website,
    }


def _register_customer(session: Session, plan: CustomerPlan) -> Customer:
    customer = register_customer(
        session,
        identity_number=plan.identity_number,
        name=plan.name,
        email=plan.email,
        phone=plan.phone,
    )
    if plan.login is not None:
        create_business_login(
            session, customer=customer, username=plan.login.username, password=plan.login.password
        )
    return customer


def _register_installation(
    session: Session,
    plan: InstallationPlan,
    *,
    tariffs: dict[str, GridTariff],
    customers: list[Customer],
    suppliers: list[Party],
) -> Installation:
    installation = register_installation(
        session,
        installation_id=plan.gsrn,
        street=plan.address.street,
        postal_code=plan.address.postal_code,
        city=plan.address.city,
        municipality_code=plan.address.municipality_code,
        grid_area=f"ELK-{plan.zone.value}",
        bidding_zone=plan.zone,
        fuse_amperes=plan.fuse_amperes,
        tariff=tariffs[plan.tariff],
        resolution=Resolution.from_minutes(plan.minutes),
        remote_read=plan.remote_read,
        direction=plan.direction,
    )
    for tenancy in plan.tenancies:
        move_in(
            session,
            installation=installation,
            customer=customers[tenancy.customer],
            day=tenancy.move_in,
        )
        if tenancy.move_out is not None:
            move_out(session, installation=installation, day=tenancy.move_out)
    for supply in plan.supplies:
        set_supplier(
            session,
            installation=installation,
            supplier=suppliers[supply.supplier],
            start=supply.start,
        )
    return installation


def _store_meter_values(
    session: Session,
    plan: DemoPlan,
    installations: list[Installation],
    *,
    seed: int,
    first_day: date,
    end_day: date,
) -> int:
    now = utcnow()
    total = 0
    batch: list[ValidRow] = []
    for rows in _value_rows(plan, installations, seed=seed, first_day=first_day, end_day=end_day):
        batch.extend(rows)
        if len(batch) >= _BATCH_ROWS:
            store_values(session, batch, now=now)
            total, batch = total + len(batch), []
    store_values(session, batch, now=now)
    return total + len(batch)


def _value_rows(
    plan: DemoPlan,
    installations: list[Installation],
    *,
    seed: int,
    first_day: date,
    end_day: date,
) -> Iterator[list[ValidRow]]:
    """The rows of one installation after another."""
    # One independent stream per zone's weather and per installation: an installation's values do
    # not depend on how many others come before it.
    streams = np.random.SeedSequence(seed).spawn(len(BiddingZone) + len(installations))
    days = (end_day - first_day).days
    weather = {
        zone: simulate_weather(zone, first_day, days, _generator(stream))
        for zone, stream in zip(BiddingZone, streams, strict=False)
    }
    timelines = {minutes: build_timeline(first_day, end_day, minutes) for minutes in (15, 60)}
    for installation_plan, installation, stream in zip(
        plan.installations, installations, streams[len(BiddingZone) :], strict=True
    ):
        timeline = timelines[installation_plan.minutes]
        series = meter_series(
            installation_plan, timeline, weather[installation_plan.zone], _generator(stream)
        )
        yield _rows(installation.id, timeline.minutes, series)


def _generator(stream: np.random.SeedSequence) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(stream))


# Gaps older than this are estimated, as the grid company does before values are invoiced.
OPEN_DAYS = 10


def meter_series(
    plan: InstallationPlan, timeline: Timeline, weather: Weather, rng: np.random.Generator
) -> Series:
    """The meter values of one installation. A meter read by hand gives smooth, estimated values."""
    if plan.kind is LoadKind.SOLAR:
        watts = solar_watts(plan.zone, plan.annual_kwh, timeline, weather, rng)
    else:
        smooth = not plan.remote_read
        watts = consumption_watts(
            plan.kind, plan.zone, plan.annual_kwh, timeline, weather, rng, smooth=smooth
        )
    wh = energy_wh(watts, timeline.minutes, fuse_amperes=plan.fuse_amperes)
    return with_gaps(rng, timeline, wh, all_estimated=not plan.remote_read, open_days=OPEN_DAYS)


def _rows(installation_id: int, minutes: int, series: Series) -> list[ValidRow]:
    return list(
        zip(
            repeat(installation_id),
            series.starts.tolist(),
            repeat(minutes),
            series.wh.tolist(),
            series.quality.tolist(),
            strict=False,
        )
    )

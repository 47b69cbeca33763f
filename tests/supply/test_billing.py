"""The billing run end to end on real transactions: due contracts, gap-free numbers, idempotent
re-runs, corrections credited and re-invoiced, SUP-7 refusals, files written (SUP-6, 7, 9)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session, sessionmaker

from elkund.access.models import ShareLogEntry
from elkund.core.db import session_scope
from elkund.core.localtime import local_midnight, to_epoch
from elkund.core.types import UtcTimestamp
from elkund.grid.models import Installation
from elkund.metering.billing_reads import (
    DayTotal,
    PriceSlot,
    Window,
    day_totals,
    stored_window_costs,
    window_costs,
)
from elkund.metering.domain import Resolution
from elkund.metering.formats import FileFormat
from elkund.metering.repository import fetch_values, refresh_days
from elkund.metering.service import ingest_file
from elkund.parties.models import Party
from elkund.supply import billing, billing_batch, price_store
from elkund.supply.billing import RunResult, bill_contract, due_contracts, run_billing
from elkund.supply.billing_models import Invoice
from elkund.supply.contracts import start_contract
from elkund.supply.models import Contract, Product, ProductKind
from elkund.supply.stored import document_of
from tests.factories import (
    make_customer,
    make_installation,
    make_product,
    make_supplier,
    make_supplier_profile,
    org_number,
)
from tests.integration.helpers import csv_file, day_file, iso
from tests.supply.peppol.validator import fatal_ids, require_peppol_dir, shared_validator

MARCH = date(2025, 3, 1)
APRIL = date(2025, 4, 1)
RUN_AT = datetime(2025, 4, 2, 6, 0, tzinfo=UTC)
QUARTERS_IN_MARCH_2025 = 31 * 96 - 4  # 30 March lost an hour


@dataclass(frozen=True)
class World:
    gsrn: str
    supplier_org: str
    contract_id: int


def seed(committed: sessionmaker[Session], *, business: bool = False) -> World:
    with session_scope(committed, write=True) as session:
        number = {"identity_number": org_number(91)} if business else {}
        customer = make_customer(session, name="Kund Ett", **number)
        home = make_installation(session, holder=customer, since=date(2020, 1, 1))
        data = day_file(home.gsrn, MARCH, date(2025, 4, 1), wh=250)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
        supplier = make_supplier(session)
        make_supplier_profile(session, supplier)
        product = make_product(
            session,
            supplier,
            kind=ProductKind.FIXED,
            name="Fast pris 1 år",
            energy_price_ore_per_kwh=Decimal("80"),
            term_months=12,
            markup_ore_per_kwh=None,
        )
        started = start_contract(
            session,
            supplier=supplier,
            product=product,
            installation_id=home.gsrn,
            customer=customer,
            start=MARCH,
            now=datetime(2025, 2, 1, tzinfo=UTC),
        )
        assert started.contract is not None
        return World(home.gsrn, supplier.org_number, started.contract.id)


def bill(committed: sessionmaker[Session], world: World, tmp_path: Path) -> list[dict[str, object]]:
    result = run_billing(
        committed, month=MARCH, supplier_org=world.supplier_org, now=RUN_AT, output=tmp_path
    )
    assert result.refused == []
    return [invoice.as_dict() for invoice in result.invoices]


def test_a_month_is_billed_once_with_the_metered_kwh(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    """SUP-9 (2): the invoice rests on the month's kWh; a second run creates nothing."""
    world = seed(committed)
    first = bill(committed, world, tmp_path)
    assert [(i["number"], i["created"], i["ubl_path"]) for i in first] == [("00000001", True, None)]
    assert Path(str(first[0]["pdf_path"])).read_bytes().startswith(b"%PDF-")
    with session_scope(committed) as session:
        invoice = session.scalars(select(Invoice)).one()
        doc = document_of(invoice)
        # 250 Wh a quarter, 80 öre/kWh + 0,6 öre elcertifikat + 39 kr a month, 25 % VAT
        assert doc.consumption_kwh == Decimal(QUARTERS_IN_MARCH_2025 * 250) / 1000
        assert [line.amount for line in doc.lines] == [
            Decimal("594.40"),
            Decimal("4.46"),
            Decimal("39.00"),
        ]
        assert (doc.net, doc.vat, doc.total) == (
            Decimal("637.86"),
            Decimal("159.47"),
            Decimal("797"),
        )
        assert doc.ocr.startswith("00000001")
        # The supplier read the values through the gate, logged like any share (EU-3).
        log = session.scalars(select(ShareLogEntry)).all()
        assert [(e.basis, e.consent_id) for e in log] == [("supplier", None)]
    again = bill(committed, world, tmp_path)
    assert [(i["number"], i["created"]) for i in again] == [("00000001", False)]


def test_corrected_values_are_credited_and_invoiced_again(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    world = seed(committed)
    bill(committed, world, tmp_path)
    with session_scope(committed, write=True) as session:
        data = day_file(world.gsrn, date(2025, 3, 10), date(2025, 3, 11), wh=500)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
    rerun = bill(committed, world, tmp_path)
    assert [(i["number"], i["kind"], i["created"]) for i in rerun] == [
        ("00000001", "invoice", False),
        ("00000002", "credit_note", True),
        ("00000003", "invoice", True),
    ]
    with session_scope(committed) as session:
        old, note, new = session.scalars(select(Invoice).order_by(Invoice.sequence)).all()
        assert (old.status, note.credits_invoice_id) == ("credited", old.id)
        assert note.total == -old.total
        assert document_of(note).credited_number == "00000001"
        assert document_of(new).consumption_kwh == document_of(old).consumption_kwh + Decimal(24)


def test_sup_7_a_billing_interval_over_a_quarter_is_refused(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    """SUP-7: a remote-read meter is invoiced at least every quarter."""
    world = seed(committed)
    with session_scope(committed, write=True) as session:
        contract = session.get(Contract, world.contract_id)
        assert contract is not None
        contract.billing_interval_months = 4
        contract.start_date = date(2024, 12, 1)
    result = run_billing(
        committed, month=MARCH, supplier_org=world.supplier_org, now=RUN_AT, output=tmp_path
    )
    assert result.invoices == []
    assert [r.error for r in result.refused] == ["invalid_billing_interval"]


def test_sup_6_a_business_customer_also_gets_peppol_ubl(
    committed: sessionmaker[Session], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    world = seed(committed, business=True)
    (invoice,) = bill(committed, world, tmp_path)
    ubl = Path(str(invoice["ubl_path"])).read_bytes()
    assert b"urn:fdc:peppol.eu:2017:poacc:billing:01:1.0" in ubl
    assert world.gsrn.encode() in ubl
    # What billing writes passes the official EN 16931 and Peppol (incl. SE-R) Schematron.
    require_peppol_dir()
    validator = shared_validator(tmp_path_factory.getbasetemp() / "peppol-xslt")
    assert fatal_ids(validator.validate(ubl)) == set()


# --- set-based runs (billing_batch, ADR 0018) ----------------------------------------------------


def _mixed_world(
    committed: sessionmaker[Session],
    quarters_from: date = date(2025, 3, 16),
    *,
    missing_price: int | None = None,
) -> str:
    """Fixed, dynamic and variable contracts on quarter-hour and hourly meters in March 2025
    (DST), hourly prices to ``quarters_from`` and quarter prices after, uneven values and
    prices; none at all for the interval starting at ``missing_price`` (epoch s)."""
    with session_scope(committed, write=True) as session:
        supplier = make_supplier(session)
        make_supplier_profile(session, supplier)
        products = [
            make_product(
                session,
                supplier,
                kind=ProductKind.FIXED,
                energy_price_ore_per_kwh=Decimal("80.25"),
                term_months=12,
                markup_ore_per_kwh=None,
            ),
            make_product(session, supplier, kind=ProductKind.DYNAMIC, price_resolution="PT15M"),
            make_product(session, supplier),  # variable
        ]
        for n, (product, resolution) in enumerate(
            [(p, r) for p in products for r in (Resolution.PT15M, Resolution.PT1H)]
        ):
            customer = make_customer(session, name=f"Kund {n}")
            home = make_installation(session, holder=customer, resolution=resolution)
            data = csv_file(_uneven(home.gsrn, resolution, seed=n))
            assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
            assert start_contract(
                session,
                supplier=supplier,
                product=product,
                installation_id=home.gsrn,
                customer=customer,
                start=MARCH,
                now=datetime(2025, 2, 1, tzinfo=UTC),
            ).contract
        prices = [p for p in _uneven_prices(quarters_from) if p[1] != missing_price]
        price_store.insert_new(session, prices, now=RUN_AT)
        return supplier.org_number


def _uneven(
    gsrn: str, resolution: Resolution, *, seed: int
) -> list[tuple[str, str, str, int, str]]:
    step = timedelta(minutes=15 if resolution is Resolution.PT15M else 60)
    instant, end = local_midnight(MARCH), local_midnight(date(2025, 4, 1))
    rows: list[tuple[str, str, str, int, str]] = []
    while instant < end:
        rows.append(
            (gsrn, iso(instant), resolution.value, (len(rows) * 37 + seed) % 900, "measured")
        )
        instant += step
    return rows


def _uneven_prices(quarters_from: date) -> list[price_store.RawPrice]:
    """öre/kWh × 10^7 with seven decimals used, some negative."""
    first, middle = (
        to_epoch(local_midnight(MARCH)) - 3600,
        to_epoch(local_midnight(quarters_from)),
    )
    end = to_epoch(local_midnight(date(2025, 4, 1)))
    hours = [(s, "PT60M") for s in range(first, middle, 3600)]
    quarters = [(s, "PT15M") for s in range(middle, end, 900)]
    return [
        ("SE3", s, r, (n * 7_919_003) % 1_500_000_000 - 100_000_000, 0, "SEK", None)
        for n, (s, r) in enumerate(hours + quarters)
    ]


def _issued(committed: sessionmaker[Session]) -> tuple[dict[int, Any], list[Any]]:
    """Each contract's stored document (less its number), digest and amounts; the share log."""
    with session_scope(committed) as session:
        invoices = {}
        for invoice in session.scalars(select(Invoice)):
            document = orjson.loads(invoice.document)
            del document["number"], document["ocr"]
            invoices[invoice.contract_id] = (
                document,
                invoice.basis_digest,
                invoice.total,
                invoice.consumption_wh,
            )
        log = sorted(
            (e.party_id, e.installation_id, e.basis, e.channel, e.period_start, e.value_count)
            for e in session.scalars(select(ShareLogEntry))
        )
        return invoices, log


def _left_to_bill_contract(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The contracts a run leaves to ``bill_contract``, which then bills nothing."""
    left: list[int] = []

    def record(_: Session, contract_id: int, **__: object) -> set[int]:
        left.append(contract_id)
        return set()

    monkeypatch.setattr(billing, "bill_contract", record)
    return left


def _forget_invoices(committed: sessionmaker[Session]) -> None:
    """Every invoice, number, job and share-log entry gone: the next run bills anew."""
    with session_scope(committed, write=True) as session:
        for table in ("jobs", "invoices", "invoice_series", "share_log"):
            session.execute(text(f"DELETE FROM {table}"))


def _billed_one_by_one(
    committed: sessionmaker[Session], org: str, tmp_path: Path
) -> tuple[dict[int, Any], list[Any]]:
    """``_issued`` after billing March anew with ``bill_contract``, a contract at a time."""
    _forget_invoices(committed)
    with session_scope(committed) as session:
        due = [c.id for c in due_contracts(session, month=MARCH, supplier_org=org)]
    for contract_id in due:
        with session_scope(committed, write=True) as session:
            bill_contract(
                session, contract_id, month=MARCH, now=RUN_AT, output=tmp_path, render="queue"
            )
    return _issued(committed)


def _run(committed: sessionmaker[Session], org: str, tmp_path: Path) -> RunResult:
    return run_billing(
        committed, month=MARCH, supplier_org=org, now=RUN_AT, output=tmp_path, render="queue"
    )


@pytest.mark.parametrize(
    "kept", ["current", "none", "older-prices"], ids=["kept-sums", "no-sums", "older-prices"]
)
@pytest.mark.parametrize(
    "quarters_from",
    [date(2025, 3, 16), MARCH, date(2025, 4, 1)],
    ids=["mixed-prices", "quarter-prices", "hourly-prices"],
)
def test_a_set_based_run_issues_what_billing_one_contract_at_a_time_issues(
    committed: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    quarters_from: date,
    kept: str,
) -> None:
    """The chunked run and ``bill_contract`` give the same documents, digests and share-log
    entries (one per installation read, EU-3) for fixed, dynamic and variable prices.

    With the days' kept sums of Wh × price (ADR 0022; the prices here are stored after the
    values) no value is summed at billing. Days without them (stored before ADR 0022), or with
    sums at older prices than the day's (a price corrected while the values were stored), are
    summed from the values: prices of a meter's own resolution throughout (quarter or hourly
    prices only) on PostgreSQL against the stored prices themselves (``stored_window_costs``),
    mixed ones against staged prices. Every way prices each value as ``rate`` does."""
    org = _mixed_world(committed, quarters_from)
    with session_scope(committed, write=True) as session:
        if kept == "none":
            session.execute(text("UPDATE meter_value_days SET cost = NULL, prices_version = NULL"))
        elif kept == "older-prices":
            session.execute(text("UPDATE price_days SET version = version + 1"))
    one_by_one = _left_to_bill_contract(monkeypatch)
    direct: list[int] = []
    staged: list[int] = []

    def stored(session: Session, windows: list[Window], zones: list[str]) -> dict[int, int]:
        direct.extend(w.installation_id for w in windows)
        return stored_window_costs(session, windows, zones)

    def summed(session: Session, windows: list[Window], slots: list[Any]) -> dict[int, int] | None:
        staged.extend(w.installation_id for w in windows)
        return window_costs(session, windows, slots)

    monkeypatch.setattr(billing_batch, "stored_window_costs", stored)
    monkeypatch.setattr(billing_batch, "window_costs", summed)
    result = _run(committed, org, tmp_path)
    postgres = committed.kw["bind"].dialect.name == "postgresql"
    # the priced contracts (dynamic, variable) on the meters of the prices' own resolution on
    # PostgreSQL; SQLite always stages
    own = 2 if postgres and quarters_from != date(2025, 3, 16) else 0
    assert (len(set(direct)), len(set(staged))) == ((0, 0) if kept == "current" else (own, 4 - own))
    assert (result.refused, one_by_one) == ([], [])  # every contract billed in the chunk
    assert sorted(i.number for i in result.invoices) == [f"{n:08d}" for n in range(1, 7)]
    batch = _issued(committed)
    assert len(batch[0]) == 6
    assert len(batch[1]) == 6
    assert _billed_one_by_one(committed, org, tmp_path) == batch


def test_each_contract_is_judged_on_its_own_days_when_the_chunk_spans_more(
    committed: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quarterly contract widens the chunk's daily rollups to January: another installation's
    estimated January and February values stay out of its March invoice (quality, SUP-7) and
    its share-log count; the chunk issues what ``bill_contract`` issues."""
    org = _mixed_world(committed)
    with session_scope(committed, write=True) as session:
        contracts = session.scalars(select(Contract).order_by(Contract.id)).all()
        quarterly, other = contracts[0], contracts[2]  # fixed and dynamic, quarter-hour meters
        for contract, quality in ((quarterly, "measured"), (other, "estimated")):
            home = session.get(Installation, contract.installation_id)
            assert home is not None
            data = day_file(home.gsrn, date(2025, 1, 1), MARCH, wh=300, quality=quality)
            assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
        quarterly.billing_interval_months = 3
        quarterly.start_date = date(2025, 1, 1)
        session.execute(
            text("UPDATE supply_periods SET start_date = :d WHERE supplier_id = :s"),
            {"d": date(2025, 1, 1), "s": quarterly.supplier_id},
        )
        other_id = other.id
    one_by_one = _left_to_bill_contract(monkeypatch)
    _run(committed, org, tmp_path)
    batch = _issued(committed)
    assert (one_by_one, len(batch[0])) == ([], 6)
    assert batch[0][other_id][0]["based_on_actual"] is True
    monkeypatch.undo()
    assert _billed_one_by_one(committed, org, tmp_path) == batch


def test_a_run_that_crashes_mid_way_loses_nothing_and_issues_nothing_twice(
    committed: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk is one transaction: a crash in the second leaves the first billed and logged and
    nothing of the second; the run repeated bills the rest with gap-free numbers."""
    org = _mixed_world(committed)
    monkeypatch.setattr(billing, "CHUNK", 2)
    issue_all = billing_batch._issue_all
    calls = []

    def crash_on_second(*args: Any, **kwargs: Any) -> set[int]:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return issue_all(*args, **kwargs)

    monkeypatch.setattr(billing_batch, "_issue_all", crash_on_second)
    with pytest.raises(RuntimeError, match="power cut"):
        run_billing(
            committed, month=MARCH, supplier_org=org, now=RUN_AT, output=tmp_path, render="queue"
        )
    invoices, log = _issued(committed)
    assert (len(invoices), len(log)) == (2, 2)
    monkeypatch.setattr(billing_batch, "_issue_all", issue_all)
    result = run_billing(
        committed, month=MARCH, supplier_org=org, now=RUN_AT, output=tmp_path, render="queue"
    )
    assert sorted((i.number, i.created) for i in result.invoices) == [
        (f"{n:08d}", n > 2) for n in range(1, 7)
    ]
    invoices, log = _issued(committed)
    assert len(invoices) == 6
    assert len(log) == 2 + 6  # the repeated run read every installation again


def _current_invoices(committed: sessionmaker[Session]) -> dict[int, tuple[object, ...]]:
    """Each contract's issued invoice (not credited): its Wh, line amounts, total and digest."""
    with session_scope(committed) as session:
        issued = session.scalars(
            select(Invoice).where(Invoice.kind == "invoice", Invoice.status == "issued")
        )
        return {
            i.contract_id: (
                i.consumption_wh,
                [line.amount for line in document_of(i).lines],
                i.total,
                i.basis_digest,
            )
            for i in issued
        }


def _correct_every_meter(committed: sessionmaker[Session]) -> None:
    """One value of 10 March changed on every installation, committed at once."""
    with session_scope(committed, write=True) as session:
        rows = [
            (gsrn, iso(local_midnight(date(2025, 3, 10))), resolution, 899, "measured")
            for gsrn, resolution in session.execute(
                select(Installation.gsrn, Installation.resolution)
            )
        ]
        later = datetime.now(UTC) + timedelta(seconds=2)
        report = ingest_file(session, data=csv_file(rows), file_format=FileFormat.CSV, now=later)
        assert report.rejected == []


@pytest.mark.parametrize("one_by_one", [False, True], ids=["chunk", "bill_contract"])
def test_values_corrected_between_a_runs_reads_are_credited_by_the_next_run(
    committed: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    one_by_one: bool,
) -> None:
    """On PostgreSQL each statement sees what is committed when it starts. Values corrected
    between a run's read of the days (the digest) and its read of the values or of their sums
    of Wh × price leave at worst an invoice whose digest is of the older values, so the next
    run credits it and issues it anew: afterwards every invoice is what billing the corrected
    values gives."""
    if committed.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite: the chunk holds the write lock, no correction lands mid-chunk")
    org = _mixed_world(committed, MARCH)
    reads: list[str] = []

    def then_correct(name: str, read: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = read(*args, **kwargs)
            reads.append(name)
            if len(reads) == 1:  # after the first of the two reads, whichever it is
                _correct_every_meter(committed)
            return result

        return wrapped

    if one_by_one:  # every contract by bill_contract: its digest, then its values
        leave_all = lambda _s, ids, **_k: billing_batch.ChunkResult(set(), list(ids))  # noqa: E731
        monkeypatch.setattr(billing_batch, "bill_chunk", leave_all)
        monkeypatch.setattr(billing, "_stored_digest", then_correct("days", billing._stored_digest))
        monkeypatch.setattr(billing, "_read", then_correct("values", billing._read))
    else:
        monkeypatch.setattr(billing_batch, "_days", then_correct("days", billing_batch._days))
        monkeypatch.setattr(billing_batch, "_costs", then_correct("costs", billing_batch._costs))
    _run(committed, org, tmp_path)
    assert reads[:2] == (["days", "values"] if one_by_one else ["days", "costs"])
    monkeypatch.undo()
    _run(committed, org, tmp_path)
    after_rerun = _current_invoices(committed)
    _forget_invoices(committed)
    _run(committed, org, tmp_path)
    assert after_rerun == _current_invoices(committed)


# --- the digest from SQL sums and the checks of the fast path (ADR 0018, v2) --------------------


def _invoice_digests(committed: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    with session_scope(committed) as session:
        return [
            (i.number, i.kind, i.basis_digest)
            for i in session.scalars(select(Invoice).order_by(Invoice.sequence))
        ]


def _first_format(committed: sessionmaker[Session], world: World) -> str:
    """The digest ``bill_contract`` gave March's values before v2: a hash of every value."""
    with session_scope(committed) as session:
        contract = session.get(Contract, world.contract_id)
        assert contract is not None
        rows = fetch_values(
            session,
            installation_id=contract.installation_id,
            start=local_midnight(MARCH),
            end=local_midnight(APRIL),
        )
    return billing._digest(
        [billing._Reading(datetime.fromtimestamp(s, UTC), "PT15M", w, q) for s, _, w, q in rows]
    )


def test_an_unchanged_rerun_issues_nothing_under_the_v2_digest(
    committed: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chunk compares a v2 digest itself: nothing is issued, nothing left to bill_contract."""
    world = seed(committed)
    _run(committed, world.supplier_org, tmp_path)
    ((number, _, digest),) = _invoice_digests(committed)
    assert digest.startswith("v2:")
    assert len(digest) == 64
    one_by_one = _left_to_bill_contract(monkeypatch)
    rerun = _run(committed, world.supplier_org, tmp_path)
    assert [(i.number, i.created) for i in rerun.invoices] == [(number, False)]
    assert (one_by_one, _invoice_digests(committed)) == ([], [(number, "invoice", digest)])


def test_a_corrected_value_is_credited_and_invoiced_again_under_the_v2_digest(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    """One quarter-hour corrected (same day, one value): the v2 digest changes, so the run
    credits the invoice and issues a new one, which carries the new v2 digest."""
    world = seed(committed)
    _run(committed, world.supplier_org, tmp_path)
    with session_scope(committed, write=True) as session:
        one = csv_file(
            [(world.gsrn, iso(local_midnight(date(2025, 3, 10))), "PT15M", 251, "measured")]
        )
        assert ingest_file(session, data=one, file_format=FileFormat.CSV).rejected == []
    _run(committed, world.supplier_org, tmp_path)
    (_, _, old), (_, note_kind, note), (_, _, new) = _invoice_digests(committed)
    assert note_kind == "credit_note"
    assert note == old
    assert new.startswith("v2:")
    assert new != old
    rerun = _run(committed, world.supplier_org, tmp_path)
    assert [i.created for i in rerun.invoices] == [False, False, False]


@pytest.mark.parametrize(
    "correction",
    [
        pytest.param([(0, 300, "measured"), (15, 200, "measured")], id="wh-moved-sum-kept"),
        pytest.param([(0, 250, "estimated")], id="quality-only"),
    ],
)
def test_a_correction_that_keeps_the_day_sum_is_credited_and_invoiced_again(
    committed: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    correction: list[tuple[int, int, str]],
) -> None:
    """The v2 digest comes from the daily rollups: Wh moved between two quarter-hours (the day's
    Σ Wh unchanged) or a quality alone corrected still changes it (the day's ``changed_at``), so
    the run credits the invoice and issues a new one; a re-run then issues nothing."""
    world = seed(committed)
    _run(committed, world.supplier_org, tmp_path)
    midnight = local_midnight(date(2025, 3, 10))
    with session_scope(committed, write=True) as session:
        rows = [
            (world.gsrn, iso(midnight + timedelta(minutes=m)), "PT15M", wh, quality)
            for m, wh, quality in correction
        ]
        # a later second: SQLite keeps ``changed_at`` to the second (see ADR 0018)
        later = datetime.now(UTC) + timedelta(seconds=2)
        report = ingest_file(session, data=csv_file(rows), file_format=FileFormat.CSV, now=later)
        assert report.rejected == []
    _run(committed, world.supplier_org, tmp_path)
    (_, _, old), (_, note_kind, note), (_, _, new) = _invoice_digests(committed)
    assert (note_kind, note, new != old) == ("credit_note", old, True)
    one_by_one = _left_to_bill_contract(monkeypatch)
    rerun = _run(committed, world.supplier_org, tmp_path)
    assert ([i.created for i in rerun.invoices], one_by_one) == ([False, False, False], [])


def test_an_invoice_with_the_first_digest_format_is_compared_the_first_way(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    """Invoices issued before v2 carry a hash of every value: unchanged values issue nothing;
    corrected ones are credited and invoiced again, the new invoice with a v2 digest."""
    world = seed(committed)
    _run(committed, world.supplier_org, tmp_path)
    first_format = _first_format(committed, world)
    with session_scope(committed, write=True) as session:
        session.execute(text("UPDATE invoices SET basis_digest = :d"), {"d": first_format})
    rerun = _run(committed, world.supplier_org, tmp_path)
    assert [(i.number, i.created) for i in rerun.invoices] == [("00000001", False)]
    with session_scope(committed, write=True) as session:
        data = day_file(world.gsrn, date(2025, 3, 10), date(2025, 3, 11), wh=500)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
    _run(committed, world.supplier_org, tmp_path)
    digests = _invoice_digests(committed)
    assert [(n, k) for n, k, _ in digests] == [
        ("00000001", "invoice"),
        ("00000002", "credit_note"),
        ("00000003", "invoice"),
    ]
    assert digests[1][2] == first_format
    assert digests[2][2].startswith("v2:")


def test_sup_7_a_period_with_a_missing_interval_is_left_to_bill_contract(
    committed: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One quarter-hour of March never delivered: the day's rollup covers 15 minutes too few, so
    the chunk issues nothing and leaves the contract to bill_contract, which judges it value by
    value."""
    world = seed(committed)
    with session_scope(committed, write=True) as session:
        session.execute(
            text("DELETE FROM meter_values WHERE start = :at").bindparams(
                bindparam("at", type_=UtcTimestamp())
            ),
            {"at": local_midnight(date(2025, 3, 12))},
        )
        contract = session.get(Contract, world.contract_id)
        assert contract is not None
        # the store as it would be without that value: its day's rollup recomputed
        refresh_days(session, [(contract.installation_id, date(2025, 3, 12))], now=RUN_AT)
    one_by_one = _left_to_bill_contract(monkeypatch)
    result = _run(committed, world.supplier_org, tmp_path)
    assert (result.invoices, one_by_one) == ([], [world.contract_id])
    with session_scope(committed) as session:
        assert session.scalars(select(ShareLogEntry)).all() == []  # bill_contract logs its read


def test_sup_7_an_estimated_or_missing_value_is_judged_by_quality(
    committed: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value flagged missing leaves the contract; an estimated one is billed in the chunk,
    not as based on actual readings."""
    world = seed(committed)
    with session_scope(committed, write=True) as session:
        data = day_file(world.gsrn, date(2025, 3, 5), date(2025, 3, 6), quality="estimated")
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
    one_by_one = _left_to_bill_contract(monkeypatch)
    _run(committed, world.supplier_org, tmp_path)
    with session_scope(committed) as session:
        (invoice,) = session.scalars(select(Invoice)).all()
        assert (document_of(invoice).based_on_actual, one_by_one) == (False, [])
    with session_scope(committed, write=True) as session:
        session.execute(text("DELETE FROM jobs"))
        session.execute(text("DELETE FROM invoices"))
        data = day_file(world.gsrn, date(2025, 3, 6), date(2025, 3, 7), quality="missing")
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
    result = _run(committed, world.supplier_org, tmp_path)
    assert (result.invoices, one_by_one) == ([], [world.contract_id])


@pytest.mark.parametrize(
    ("day", "quarters"), [(date(2025, 3, 30), 92), (date(2025, 10, 26), 100), (MARCH, 96)]
)
def test_sup_7_a_day_is_complete_with_the_minutes_of_its_length(day: date, quarters: int) -> None:
    """DST: a 23-hour day is complete with 1380 minutes of values, a 25-hour day with 1500; a
    day short of a value, with a missing value, or absent is not."""
    item: Any = dataclasses.make_dataclass("Due", ["start", "end"])(day, day + timedelta(days=1))
    full = DayTotal(0, quarters * 15, 0, 0, "t")
    assert billing_batch._local_days(item.start, item.end) == ((day, quarters * 15),)
    assert billing_batch._complete(item, {day: full})
    assert billing_batch._complete(item, {day: full._replace(estimated_count=3)})
    assert not billing_batch._complete(item, {day: full._replace(minutes_present=15)})
    assert not billing_batch._complete(item, {day: full._replace(missing_count=1)})
    assert not billing_batch._complete(item, {})


def test_a_spot_priced_contract_missing_a_price_is_left_to_bill_contract(
    committed: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One quarter-hour without a price: the SQL sums count its Wh as unpriced, so the dynamic
    and variable contracts go to bill_contract (which refuses them with its own message); the
    fixed ones are billed in the chunk."""
    missing = local_midnight(date(2025, 3, 20)) + timedelta(hours=9)
    org = _mixed_world(committed, missing_price=to_epoch(missing))
    with session_scope(committed) as session:
        kinds = {
            i: kind for i, kind in session.execute(select(Contract.id, Product.kind).join(Product))
        }
    one_by_one = _left_to_bill_contract(monkeypatch)
    result = _run(committed, org, tmp_path)
    assert sorted(kinds[c] for c in one_by_one) == sorted(
        k for k in kinds.values() if k != ProductKind.FIXED
    )
    assert len(result.invoices) == 2


def _quarterly(session: Session, contract_id: int) -> Contract:
    """The contract billed quarterly from 1 January 2025, supplying since then."""
    contract = session.get(Contract, contract_id)
    assert contract is not None
    contract.billing_interval_months = 3
    contract.start_date = date(2025, 1, 1)
    session.execute(
        text("UPDATE supply_periods SET start_date = :d WHERE supplier_id = :s"),
        {"d": date(2025, 1, 1), "s": contract.supplier_id},
    )
    return contract


def _billed_alone(
    committed: sessionmaker[Session], contract_id: int, tmp_path: Path
) -> tuple[dict[int, Any], list[Any]]:
    """``_issued`` after billing March anew with ``bill_contract`` for this contract."""
    _forget_invoices(committed)
    with session_scope(committed, write=True) as session:
        bill_contract(
            session, contract_id, month=MARCH, now=RUN_AT, output=tmp_path, render="queue"
        )
    return _issued(committed)


def test_a_quarterly_period_is_billed_in_the_chunk_as_bill_contract_bills_it(
    committed: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SUP-7: a quarter of a remote-read meter is three monthly windows in one SQL query; the
    document, digest and share-log entry (value count) are ``bill_contract``'s."""
    world = seed(committed)
    with session_scope(committed, write=True) as session:
        data = day_file(world.gsrn, date(2025, 1, 1), MARCH, wh=300)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
        _quarterly(session, world.contract_id)
    left = _left_to_bill_contract(monkeypatch)
    _run(committed, world.supplier_org, tmp_path)
    batch = _issued(committed)
    assert left == []
    (document, _, _, wh) = batch[0][world.contract_id]
    assert wh == (31 + 28) * 96 * 300 + QUARTERS_IN_MARCH_2025 * 250
    assert [(line["kind"], line["quantity"]) for line in document["lines"]] == [
        ("energy", "2442.200"),
        ("certificates", "2442.200"),
        ("monthly_fee", "3"),  # one fee for each month of the quarter
    ]
    monkeypatch.undo()
    assert _billed_alone(committed, world.contract_id, tmp_path) == batch


@pytest.mark.parametrize("kind", [ProductKind.VARIABLE, ProductKind.DYNAMIC])
def test_a_spot_priced_quarter_is_priced_from_its_days_as_bill_contract_prices_it(
    committed: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: ProductKind,
) -> None:
    """A quarter of a monthly average (variable) or quarter-hour (dynamic) price: each of its
    three months is priced from its days' kept sums (ADR 0022), no value summed at billing, and
    the invoice is ``bill_contract``'s, which prices value by value."""
    world = seed(committed)
    first = date(2025, 1, 1)
    with session_scope(committed, write=True) as session:
        data = day_file(world.gsrn, first, MARCH, wh=300)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
        contract = _quarterly(session, world.contract_id)
        supplier = session.get(Party, contract.supplier_id)
        assert supplier is not None
        resolution = {"price_resolution": "PT15M"} if kind is ProductKind.DYNAMIC else {}
        contract.product_id = make_product(session, supplier, kind=kind, **resolution).id
        lo, hi = to_epoch(local_midnight(first)), to_epoch(local_midnight(date(2025, 4, 1)))
        prices = [
            ("SE3", s, "PT15M", (n * 7_919_003) % 1_500_000_000 - 100_000_000, 0, "SEK", None)
            for n, s in enumerate(range(lo, hi, 900))
        ]
        price_store.insert_new(session, prices, now=RUN_AT)
    summed: list[object] = []
    monkeypatch.setattr(billing_batch, "window_costs", lambda *a: summed.append(a))
    monkeypatch.setattr(billing_batch, "stored_window_costs", lambda *a: summed.append(a))
    left = _left_to_bill_contract(monkeypatch)
    _run(committed, world.supplier_org, tmp_path)
    batch = _issued(committed)
    assert (left, summed) == ([], [])
    (document, _, _, _) = batch[0][world.contract_id]
    energy = [line for line in document["lines"] if line["kind"] == "energy"]
    assert len(energy) == (3 if kind is ProductKind.VARIABLE else 1)  # a line a month's average
    monkeypatch.undo()
    assert _billed_alone(committed, world.contract_id, tmp_path) == batch


def test_sums_beyond_int64_are_exact_or_left_to_rate(session: Session) -> None:
    """Σ Wh × price of extreme values: PostgreSQL sums into numeric, exactly; SQLite refuses the
    sum, and the costs come back as None, so every priced contract goes to ``rate``'s Decimals."""
    home = make_installation(session)
    lo = to_epoch(local_midnight(MARCH))
    wh, price = 2**31 - 1, 2**31 - 1 + (5 << 31)
    session.execute(
        text(
            "INSERT INTO meter_values (installation_id, start, resolution, wh, quality, version)"
            " VALUES (:i, :at, 15, :wh, 0, 1)"
        ).bindparams(bindparam("at", type_=UtcTimestamp())),
        [
            {"i": home.id, "at": local_midnight(MARCH) + timedelta(minutes=15 * n), "wh": wh}
            for n in range(4)
        ],
    )
    window = Window(0, home.id, lo, lo + 3600, 15, 0)
    slots = [PriceSlot(0, 15, lo + 900 * n, price) for n in range(4)]
    costs = window_costs(session, [window], slots)
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        assert costs is None
    else:
        assert costs == {0: 4 * wh * price}


def test_rollup_times_read_in_a_time_zone_with_dst_keep_their_own_offsets(
    session: Session,
) -> None:
    """The digest's text of ``changed_at`` is the driver's datetime printed. Two changes in the
    repeated autumn hour, read in a session time zone with DST, compare equal in Python but
    print with different offsets; each day keeps its own."""
    if session.bind.dialect.name != "postgresql":  # type: ignore[union-attr]
        pytest.skip("SQLite stores changed_at as epoch seconds")
    home = make_installation(session)
    session.execute(text("SET LOCAL TimeZone = 'Europe/Stockholm'"))
    for day, at in (
        (MARCH, "2025-10-26 00:30:00+00"),
        (date(2025, 3, 2), "2025-10-26 01:30:00+00"),
    ):
        session.execute(
            text(
                "INSERT INTO meter_value_days (installation_id, local_date, wh, minutes_present,"
                " estimated_count, missing_count, changed_at) VALUES (:i, :d, 1, 15, 0, 0, :at)"
            ),
            {"i": home.id, "d": day, "at": at},
        )
    days = day_totals(session, [home.id], MARCH, date(2025, 3, 3))[home.id]
    assert [days[d].changed_at for d in sorted(days)] == [
        "2025-10-26 02:30:00+02:00",
        "2025-10-26 02:30:00+01:00",
    ]

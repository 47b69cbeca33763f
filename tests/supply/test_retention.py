"""Retention (bokföringslagen 7 kap. 2 §): nothing is selected before its seven years are out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from elkund.cli import app
from elkund.core.db import session_scope
from elkund.supply.billing_models import Invoice
from elkund.supply.models import SupplyNotice
from elkund.supply.retention import (
    InvalidFiscalYear,
    RetentionApplyDisabled,
    apply,
    fiscal_year_end,
    kept_until,
    may_delete,
    retention_report,
)
from tests.supply.regulator_setup import (
    Supplied,
    add_contract,
    add_invoice,
    add_payment,
    make_supplied,
)

LAST_KEPT_DAY = date(2025, 12, 31)  # of a record from calendar year 2018
FIRST_FREE_DAY = date(2026, 1, 1)


def test_a_record_of_2018_is_kept_through_2025_and_may_go_on_1_january_2026() -> None:
    assert kept_until(date(2018, 12, 31)) == LAST_KEPT_DAY
    assert kept_until(date(2018, 1, 1)) == LAST_KEPT_DAY
    assert not may_delete(date(2018, 12, 31), LAST_KEPT_DAY)
    assert may_delete(date(2018, 12, 31), FIRST_FREE_DAY)
    # One day later in the record's life is a year later in its retention.
    assert kept_until(date(2019, 1, 1)) == date(2026, 12, 31)
    assert not may_delete(date(2019, 1, 1), FIRST_FREE_DAY)
    assert not may_delete(date(2019, 1, 1), date(2026, 12, 31))
    assert may_delete(date(2019, 1, 1), date(2027, 1, 1))


def test_a_fiscal_year_that_is_not_the_calendar_year_counts_from_the_year_it_closes() -> None:
    """Fiscal year July–June: 30 June 2018 closes in 2018, 1 July 2018 in 2019."""
    assert fiscal_year_end(date(2018, 6, 30), end_month=6) == date(2018, 6, 30)
    assert fiscal_year_end(date(2018, 7, 1), end_month=6) == date(2019, 6, 30)
    assert fiscal_year_end(date(2024, 2, 10), end_month=2) == date(2024, 2, 29)
    assert fiscal_year_end(date(2025, 3, 1), end_month=2) == date(2026, 2, 28)
    assert kept_until(date(2018, 6, 30), end_month=6) == LAST_KEPT_DAY
    assert kept_until(date(2018, 7, 1), end_month=6) == date(2026, 12, 31)
    with pytest.raises(InvalidFiscalYear):
        fiscal_year_end(date(2018, 1, 1), end_month=13)


@pytest.mark.parametrize("end_month", [12, 6, 2])
def test_no_record_may_go_before_seven_whole_years_after_its_fiscal_year(end_month: int) -> None:
    """Every day of 2016–2019 against every first/last day of the years 2023–2028."""
    days = [date(2016, 1, 1) + timedelta(days=n) for n in range(4 * 366)]
    judged = [date(y, 1, 1) for y in range(2023, 2029)] + [
        date(y, 12, 31) for y in range(2023, 2029)
    ]
    for day in days:
        closes = fiscal_year_end(day, end_month=end_month)
        for on in judged:
            allowed = may_delete(day, on, end_month=end_month)
            assert allowed == (on >= date(closes.year + 8, 1, 1)), (day, on)
            if allowed:
                assert (on - day).days > 7 * 365


@dataclass
class Old:
    world: Supplied
    ids: dict[str, int]


def seed(session: Session) -> Old:
    """Records of 2018 and 2019, each named for when its retention ends."""
    world = make_supplied(
        session, start=date(2018, 12, 1), signed=datetime(2018, 11, 1, 9, tzinfo=UTC)
    )
    contract = world.contract  # open: never deleted
    ids = {
        "invoice_2018": add_invoice(session, contract, issued=date(2018, 12, 31)).id,
        "invoice_2019": add_invoice(session, contract, issued=date(2019, 1, 1)).id,
    }
    paid_late = add_invoice(session, contract, issued=date(2018, 6, 1))
    ids["invoice_2018_paid_2019"] = paid_late.id
    ids["payment_2019"] = add_payment(session, paid_late, paid_on=date(2019, 1, 5)).id
    credited = add_invoice(session, contract, issued=date(2018, 5, 1))
    ids["invoice_2018_credited_2019"] = credited.id
    ids["credit_note_2019"] = add_invoice(
        session, contract, issued=date(2019, 2, 1), kind="credit_note", credits=credited
    ).id
    ids["contract_ended_2018"] = add_contract(
        session, world, start=date(2018, 1, 1), end=date(2019, 1, 1)
    ).id
    invoiced = add_contract(session, world, start=date(2018, 1, 1), end=date(2018, 7, 1))
    ids["contract_ended_2018_invoiced_2019"] = invoiced.id
    ids["invoice_of_that_2019"] = add_invoice(session, invoiced, issued=date(2019, 1, 10)).id
    ids["open_contract"] = contract.id
    return Old(world, ids)


def _selected(session: Session, old: Old, on: date) -> set[tuple[str, int]]:
    report = retention_report(session, on=on, supplier_id=old.world.supplier.id)
    for item in report.expired:
        assert may_delete(item.record_date, on)
        assert on > item.kept_until
    return {(e.kind, e.id) for e in report.expired}


def test_nothing_is_selected_on_the_last_day_of_the_retention(session: Session) -> None:
    old = seed(session)
    assert _selected(session, old, LAST_KEPT_DAY) == set()


def test_on_1_january_2026_only_what_ended_in_2018_is_selected(session: Session) -> None:
    old = seed(session)
    (notice_id,) = _notice_ids(session, old)
    assert _selected(session, old, FIRST_FREE_DAY) == {
        ("invoice", old.ids["invoice_2018"]),
        ("contract", old.ids["contract_ended_2018"]),
        ("supply_notice", notice_id),  # sent and answered on 1 November 2018
    }


def test_a_year_later_the_2019_records_follow_but_never_an_open_contract(
    session: Session,
) -> None:
    old = seed(session)
    selected = _selected(session, old, date(2027, 1, 1))
    assert {
        ("invoice", old.ids["invoice_2019"]),
        ("invoice", old.ids["invoice_2018_paid_2019"]),
        ("invoice", old.ids["invoice_2018_credited_2019"]),
        ("invoice", old.ids["credit_note_2019"]),
        ("invoice", old.ids["invoice_of_that_2019"]),
        ("payment", old.ids["payment_2019"]),
        ("contract", old.ids["contract_ended_2018_invoiced_2019"]),
    } <= selected
    assert ("contract", old.ids["open_contract"]) not in selected
    much_later = _selected(session, old, date(2099, 1, 1))
    assert much_later >= selected  # once past, a record stays past
    assert ("contract", old.ids["open_contract"]) not in much_later


def test_only_the_named_suppliers_records_are_reported(session: Session) -> None:
    old = seed(session)
    other = make_supplied(session, start=date(2018, 3, 1), signed=datetime(2018, 2, 1, tzinfo=UTC))
    theirs = add_invoice(session, other.contract, issued=date(2018, 3, 31))
    everyone = retention_report(session, on=FIRST_FREE_DAY)
    assert ("invoice", theirs.id) in {(e.kind, e.id) for e in everyone.expired}
    mine = retention_report(session, on=FIRST_FREE_DAY, supplier_id=old.world.supplier.id)
    assert ("invoice", theirs.id) not in {(e.kind, e.id) for e in mine.expired}


def test_apply_refuses_and_deletes_nothing(session: Session) -> None:
    seed(session)
    before = session.scalar(select(func.count()).select_from(Invoice))
    report = retention_report(session, on=date(2099, 1, 1))
    assert report.expired
    with pytest.raises(RetentionApplyDisabled):
        apply(report)
    assert session.scalar(select(func.count()).select_from(Invoice)) == before


def _notice_ids(session: Session, old: Old) -> list[int]:
    query = select(SupplyNotice.id).where(SupplyNotice.supplier_id == old.world.supplier.id)
    return list(session.scalars(query))


# The command line (SQLite, like the other CLI tests).

runner = CliRunner()


@pytest.fixture
def factory(cli_database: sessionmaker[Session]) -> sessionmaker[Session]:
    return cli_database


def test_cli_retention_is_a_dry_run_and_apply_is_refused(factory: sessionmaker[Session]) -> None:
    with session_scope(factory, write=True) as session:
        old = seed(session)
    invoices = sum(1 for name in old.ids if name.startswith(("invoice", "credit_note")))
    dry = runner.invoke(app, ["regulator", "retention", "--date", "2026-01-01", "--json"])
    assert dry.exit_code == 0, dry.output
    report = orjson.loads(dry.output)
    assert (report["dry_run"], report["policy"]["years"]) == (True, 7)
    assert report["counts"] == {"contract": 1, "supply_notice": 1, "invoice": 1, "payment": 0}
    assert {"kind": "invoice", "id": old.ids["invoice_2018"]} in [
        {"kind": e["kind"], "id": e["id"]} for e in report["expired"]
    ]
    refused = runner.invoke(
        app, ["regulator", "retention", "--date", "2026-01-01", "--apply", "--json"]
    )
    assert refused.exit_code == 2
    assert orjson.loads(refused.output)["error"] == "retention_apply_disabled"
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == invoices

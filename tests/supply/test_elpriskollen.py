"""SUP-24: a supplier's prices and terms in Elpriskollen's fields, per product and bidding zone."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.customers.identity import format_number
from elkund.parties.models import Party
from elkund.supply.elpriskollen import (
    FIELD_NAMES,
    Row,
    export_prices,
    price_report,
    time_weighted,
)
from elkund.supply.models import ProductKind
from elkund.supply.prices import PricePoint
from elkund.supply.regulator_models import RegulatorExport
from tests.factories import make_product, make_supplier
from tests.supply.regulator_setup import add_spot_price

DAY = date(2025, 3, 10)
OFFERED = datetime(2025, 1, 1, 9, tzinfo=UTC)
NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


def _products(session: Session, supplier: Party) -> None:
    kinds: list[dict[str, Any]] = [
        dict(
            code="FAST-12",
            name="Fast pris 1 år",
            kind=ProductKind.FIXED,
            energy_price_ore_per_kwh=Decimal("80"),
            term_months=12,
            markup_ore_per_kwh=None,
            termination_text="Avtalet löper ut efter 12 månader.",
            termination_free=False,
        ),
        dict(code="RORLIGT", name="Rörligt elpris"),
        dict(
            code="TIMPRIS",
            name="Timpris",
            kind=ProductKind.DYNAMIC,
            markup_ore_per_kwh=Decimal("3.25"),
            price_resolution="PT15M",
            monthly_fee_sek=Decimal("29"),
        ),
        dict(
            code="ANVISAT",
            name="Anvisat avtal",
            kind=ProductKind.DEFAULT,
            markup_ore_per_kwh=Decimal("9.9"),
            monthly_fee_sek=Decimal("59"),
            termination_text="Uppsägningstiden är 14 dagar.",
        ),
    ]
    for fields in kinds:
        product = make_product(session, supplier, **fields)
        product.created_at = OFFERED
    session.flush()


def _spot_prices(session: Session) -> None:
    """February 2025 in SE3: one hour at 100, then four quarter-hours at 50, 60, 70 and 80."""
    add_spot_price(session, "SE3", datetime(2025, 2, 10, 10, tzinfo=UTC), "100")
    for minute, price in zip((0, 15, 30, 45), ("50", "60", "70", "80"), strict=True):
        start = datetime(2025, 2, 10, 12, minute, tzinfo=UTC)
        add_spot_price(session, "SE3", start, price, resolution="PT15M")
    # The hour before 1 February local time, and March: neither is February.
    add_spot_price(session, "SE3", datetime(2025, 1, 31, 22, tzinfo=UTC), "999")
    add_spot_price(session, "SE3", datetime(2025, 3, 1, 0, tzinfo=UTC), "999")


@pytest.fixture
def supplier(session: Session) -> Party:
    party = make_supplier(session, name="Norrsken Energi AB")
    _products(session, party)
    _spot_prices(session)
    return party


def _row(report_rows: list[Row], code: str, zone: str) -> Row:
    (row,) = [r for r in report_rows if r["product_code"] == code and r["bidding_zone"] == zone]
    return row


def _common(supplier: Party) -> dict[str, object]:
    return {
        "supplier_org_number": format_number(supplier.org_number),
        "supplier_name": "Norrsken Energi AB",
        "bidding_zone": "SE3",
        "price_date": "2025-03-10",
        "valid_from": "2025-01-01",
        "certificate_ore_per_kwh": "0.6000",
        "previous_month": "2025-02",
        "terms_url": "https://elhandel.example/villkor/rorligt",
        "prices_include_vat": False,
        "vat_percent": 25,
    }


def test_sup_24_a_fixed_price_row_has_exactly_these_fields(
    session: Session, supplier: Party
) -> None:
    row = _row(price_report(session, supplier=supplier, day=DAY).rows, "FAST-12", "SE3")
    assert tuple(row) == FIELD_NAMES
    assert row == _common(supplier) | {
        "product_code": "FAST-12",
        "product_name": "Fast pris 1 år",
        "contract_type": "fast",
        "energy_price_ore_per_kwh": "80.0000",
        "markup_ore_per_kwh": None,
        "spot_reference": "none",
        "previous_month_spot_ore_per_kwh": None,
        "price_ore_per_kwh": "80.6000",
        "fixed_fee_sek_per_month": "39.00",
        "fixed_fee_sek_per_year": "468.00",
        "binding_months": 12,
        "price_resolution": None,
        "termination_free": False,
        "termination_terms": "Avtalet löper ut efter 12 månader.",
    }


def test_sup_24_a_variable_price_is_last_months_time_weighted_spot_plus_markup(
    session: Session, supplier: Party
) -> None:
    """(100 × 60 min + (50 + 60 + 70 + 80) × 15 min) / 120 min = 82.5 öre/kWh."""
    row = _row(price_report(session, supplier=supplier, day=DAY).rows, "RORLIGT", "SE3")
    assert row == _common(supplier) | {
        "product_code": "RORLIGT",
        "product_name": "Rörligt elpris",
        "contract_type": "rörligt",
        "energy_price_ore_per_kwh": None,
        "markup_ore_per_kwh": "4.5000",
        "spot_reference": "previous_month_average",
        "previous_month_spot_ore_per_kwh": "82.5000",
        "price_ore_per_kwh": "87.6000",
        "fixed_fee_sek_per_month": "39.00",
        "fixed_fee_sek_per_year": "468.00",
        "binding_months": 0,
        "price_resolution": None,
        "termination_free": True,
        "termination_terms": "Säg upp avtalet på Mina sidor eller via kundservice.",
    }


def test_sup_24_a_dynamic_price_row_reports_markup_and_interval(
    session: Session, supplier: Party
) -> None:
    row = _row(price_report(session, supplier=supplier, day=DAY).rows, "TIMPRIS", "SE3")
    assert row == _common(supplier) | {
        "product_code": "TIMPRIS",
        "product_name": "Timpris",
        "contract_type": "timpris",
        "energy_price_ore_per_kwh": None,
        "markup_ore_per_kwh": "3.2500",
        "spot_reference": "per_interval",
        "previous_month_spot_ore_per_kwh": "82.5000",
        "price_ore_per_kwh": "86.3500",
        "fixed_fee_sek_per_month": "29.00",
        "fixed_fee_sek_per_year": "348.00",
        "binding_months": 0,
        "price_resolution": "PT15M",
        "termination_free": True,
        "termination_terms": "Säg upp avtalet på Mina sidor eller via kundservice.",
    }


def test_sup_24_a_default_contract_row_is_anvisat(session: Session, supplier: Party) -> None:
    row = _row(price_report(session, supplier=supplier, day=DAY).rows, "ANVISAT", "SE3")
    assert row == _common(supplier) | {
        "product_code": "ANVISAT",
        "product_name": "Anvisat avtal",
        "contract_type": "anvisat",
        "energy_price_ore_per_kwh": None,
        "markup_ore_per_kwh": "9.9000",
        "spot_reference": "previous_month_average",
        "previous_month_spot_ore_per_kwh": "82.5000",
        "price_ore_per_kwh": "93.0000",
        "fixed_fee_sek_per_month": "59.00",
        "fixed_fee_sek_per_year": "708.00",
        "binding_months": 0,
        "price_resolution": None,
        "termination_free": True,
        "termination_terms": "Uppsägningstiden är 14 dagar.",
    }


def test_sup_24_one_row_per_product_and_zone_and_no_spot_means_no_all_in_price(
    session: Session, supplier: Party
) -> None:
    rows = price_report(session, supplier=supplier, day=DAY).rows
    assert [(r["product_code"], r["bidding_zone"]) for r in rows] == [
        (code, zone)
        for code in ("ANVISAT", "FAST-12", "RORLIGT", "TIMPRIS")
        for zone in ("SE1", "SE2", "SE3", "SE4")
    ]
    se1 = _row(rows, "RORLIGT", "SE1")
    assert (se1["previous_month_spot_ore_per_kwh"], se1["price_ore_per_kwh"]) == (None, None)
    assert _row(rows, "FAST-12", "SE1")["price_ore_per_kwh"] == "80.6000"


def test_sup_24_products_not_yet_offered_and_other_suppliers_are_left_out(
    session: Session, supplier: Party
) -> None:
    late = make_product(session, supplier, code="SENARE")
    late.created_at = datetime(2025, 3, 10, 23, tzinfo=UTC)  # 11 March, 00:00 in Stockholm
    last_minute = make_product(session, supplier, code="SISTA")
    last_minute.created_at = datetime(2025, 3, 10, 22, 59, tzinfo=UTC)  # 10 March, 23:59
    other = make_supplier(session)
    make_product(session, other, code="ANNAN").created_at = OFFERED
    session.flush()
    codes = {r["product_code"] for r in price_report(session, supplier=supplier, day=DAY).rows}
    assert codes == {"ANVISAT", "FAST-12", "RORLIGT", "TIMPRIS", "SISTA"}


def test_sup_24_csv_and_json_read_back_to_the_same_rows(
    session: Session, supplier: Party, tmp_path: Path
) -> None:
    report = price_report(session, supplier=supplier, day=DAY)
    table = list(csv.DictReader(io.StringIO(report.render("csv").decode())))
    assert tuple(table[0]) == FIELD_NAMES
    assert [(r["product_code"], r["bidding_zone"]) for r in table] == [
        (r["product_code"], r["bidding_zone"]) for r in report.rows
    ]
    fixed = next(r for r in table if r["product_code"] == "FAST-12" and r["bidding_zone"] == "SE3")
    assert {k: fixed[k] for k in ("markup_ore_per_kwh", "binding_months", "termination_free")} == {
        "markup_ore_per_kwh": "",
        "binding_months": "12",
        "termination_free": "false",
    }
    assert (fixed["price_ore_per_kwh"], fixed["prices_include_vat"], fixed["vat_percent"]) == (
        "80.6000",
        "false",
        "25",
    )
    document = orjson.loads(report.render("json"))
    assert [f["name"] for f in document["fields"]] == list(FIELD_NAMES)
    assert document["products"] == report.rows
    assert document["price_date"] == "2025-03-10"


def test_sup_24_an_export_is_written_atomically_and_recorded(
    session: Session, supplier: Party, tmp_path: Path
) -> None:
    target = tmp_path / "elpriskollen.json"
    data, export = export_prices(
        session, supplier=supplier, day=DAY, file_format="json", output=target, now=NOW
    )
    assert target.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["elpriskollen.json"]  # no temporary left
    stored = session.scalars(select(RegulatorExport)).one()
    assert stored is export
    assert (stored.kind, stored.supplier_id, stored.period_from, stored.period_to) == (
        "prices",
        supplier.id,
        DAY,
        DAY,
    )
    assert (stored.file_format, stored.location, orjson.loads(stored.row_counts)) == (
        "json",
        str(target.resolve()),
        {"rows": 16},
    )
    assert stored.sha256 == hashlib.sha256(data).hexdigest()


def test_time_weighting_counts_minutes_not_intervals() -> None:
    start = datetime(2025, 2, 1, tzinfo=UTC)
    hour = PricePoint("SE3", start, start.replace(hour=1), "PT60M", Decimal("10"))
    quarter = PricePoint(
        "SE3", start.replace(hour=1), start.replace(hour=1, minute=15), "PT15M", Decimal("50")
    )
    assert time_weighted([hour, quarter]) == Decimal("18.0000")  # (600 + 750) / 75
    assert time_weighted([]) is None


def test_sup_24_the_csv_quotes_formulas_but_keeps_negative_prices_numbers(
    session: Session, supplier: Party
) -> None:
    product = make_product(
        session, supplier, code="MINUS", name="@SUM(A1:A9)", markup_ore_per_kwh=Decimal("-150")
    )
    product.created_at = OFFERED
    session.flush()
    report = price_report(session, supplier=supplier, day=DAY)
    table = list(csv.DictReader(io.StringIO(report.render("csv").decode())))
    row = next(r for r in table if r["product_code"] == "MINUS" and r["bidding_zone"] == "SE3")
    assert row["product_name"] == "'@SUM(A1:A9)"
    assert row["markup_ore_per_kwh"] == "-150.0000"  # text in the row, but a plain number
    assert row["price_ore_per_kwh"].startswith("-")
    document = orjson.loads(report.render("json"))
    names = {p["product_name"] for p in document["products"]}
    assert "@SUM(A1:A9)" in names  # JSON is not a spreadsheet: unchanged

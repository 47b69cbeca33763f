"""A supplier's prices and terms in the fields Elpriskollen asks for (SUP-24, SFS 2023:242 § 24).

Energimarknadsinspektionen (Ei) publishes what suppliers report on its comparison site
Elpriskollen (EIFS 2023:2, reported through its service ELIN). Ei's own template field names
could not be confirmed from public sources, so the fields are named here in English, each with
what it means, in one place: ``FIELDS`` (documented in docs/regulator.md).

One row per product and bidding zone. Prices are öre/kWh and fees kronor, excluding VAT, as
stored. For spot-based contracts (rörligt, timpris, anvisat) Ei fetches the spot prices itself
and asks for the påslag and other per-kWh costs; the row also carries the zone's average spot
price of the month before the price date, from our own day-ahead prices, so that a reader sees
the whole price the customer paid per kWh last month.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import orjson
from sqlalchemy.orm import Session

from elkund.core.localtime import local_date, local_midnight
from elkund.customers.identity import format_number
from elkund.grid.models import BiddingZone
from elkund.parties.models import Party
from elkund.supply.billing_period import add_months
from elkund.supply.models import Product, ProductKind
from elkund.supply.prices import PricePoint, price_series
from elkund.supply.products import products_of
from elkund.supply.records_export import record_export, to_csv, write_atomic
from elkund.supply.regulator_models import ExportKind, RegulatorExport

Row = dict[str, str | bool | int | None]

# Every field of a row, in order, and what it holds. Change the export here and nowhere else.
FIELDS: tuple[tuple[str, str], ...] = (
    ("supplier_org_number", "the supplier's organisationsnummer, NNNNNN-NNNN"),
    ("supplier_name", "the supplier's name"),
    ("product_code", "the supplier's code of the product"),
    ("product_name", "the contract's name as customers see it"),
    ("contract_type", "fast, rörligt (monthly spot), timpris (spot per interval) or anvisat"),
    ("bidding_zone", "elområde SE1–SE4: one row per zone"),
    ("price_date", "the day the prices are reported for"),
    ("valid_from", "the first day the product was offered (prices are not versioned)"),
    ("energy_price_ore_per_kwh", "fast: the fixed energy price; empty for spot-based contracts"),
    ("markup_ore_per_kwh", "påslag on the spot price; empty for fast"),
    ("certificate_ore_per_kwh", "elcertifikat, charged per kWh besides the price and påslag"),
    ("spot_reference", "none, previous_month_average (rörligt, anvisat) or per_interval"),
    ("previous_month", "the month before the price date, YYYY-MM"),
    ("previous_month_spot_ore_per_kwh", "the zone's average spot price that month, if known"),
    ("price_ore_per_kwh", "per kWh in all: energy price or last month's spot + påslag + elcert"),
    ("fixed_fee_sek_per_month", "the fixed fee (månadsavgift), kronor a month"),
    ("fixed_fee_sek_per_year", "the same fee as årsavgift, kronor a year (12 months)"),
    ("binding_months", "bindningstid: months the price is fixed; 0 without binding"),
    ("price_resolution", "timpris: PT15M or PT60M spot intervals; empty otherwise"),
    ("termination_free", "true if terminating the contract costs nothing"),
    ("termination_terms", "how to terminate, incl. the notice period, as the terms say"),
    ("terms_url", "where the contract's terms are published"),
    ("prices_include_vat", "false: every price and fee here excludes VAT"),
    ("vat_percent", "the VAT rate added on the invoice"),
)
FIELD_NAMES = tuple(name for name, _ in FIELDS)

CONTRACT_TYPES = {
    ProductKind.FIXED: "fast",
    ProductKind.VARIABLE: "rörligt",
    ProductKind.DYNAMIC: "timpris",
    ProductKind.DEFAULT: "anvisat",
}
_SPOT_REFERENCE = {
    ProductKind.FIXED: "none",
    ProductKind.VARIABLE: "previous_month_average",
    ProductKind.DYNAMIC: "per_interval",
    ProductKind.DEFAULT: "previous_month_average",
}
VAT_PERCENT = 25
_ORE = Decimal("0.0001")
_KRONOR = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class PriceReport:
    """The rows of one supplier's price report for ``day``."""

    supplier: Party
    day: date
    rows: list[Row]

    def render(self, file_format: str) -> bytes:
        """The report as CSV (header row, comma, UTF-8) or JSON (with the field list)."""
        if file_format == "csv":
            return to_csv(FIELD_NAMES, self.rows)
        document = {
            "what": "prices and terms per product and bidding zone (SUP-24, Elpriskollen)",
            "supplier": {
                "name": self.supplier.name,
                "org_number": format_number(self.supplier.org_number),
            },
            "price_date": self.day.isoformat(),
            "fields": [{"name": name, "meaning": meaning} for name, meaning in FIELDS],
            "products": self.rows,
        }
        return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def price_report(session: Session, *, supplier: Party, day: date) -> PriceReport:
    """Every product the supplier offered on ``day``, once per bidding zone, in code order."""
    offered = [
        p for p in products_of(session, supplier=supplier) if local_date(p.created_at) <= day
    ]
    previous = add_months(day.replace(day=1), -1)
    averages = {zone: month_average(session, zone, previous) for zone in BiddingZone}
    rows = [
        product_row(supplier, product, zone, day, averages[zone])
        for product in offered
        for zone in BiddingZone
    ]
    return PriceReport(supplier, day, rows)


def export_prices(
    session: Session,
    *,
    supplier: Party,
    day: date,
    file_format: str,
    output: Path | None,
    now: datetime,
) -> tuple[bytes, RegulatorExport]:
    """The report as bytes, written to ``output`` (atomically) if given, and recorded."""
    report = price_report(session, supplier=supplier, day=day)
    data = report.render(file_format)
    sha256 = write_atomic(output, data) if output else hashlib.sha256(data).hexdigest()
    export = record_export(
        session,
        kind=ExportKind.PRICES,
        supplier=supplier,
        period=(day, day),
        file_format=file_format,
        location=str(output.resolve()) if output else None,
        sha256=sha256,
        row_counts={"rows": len(report.rows)},
        now=now,
    )
    return data, export


def product_row(
    supplier: Party, product: Product, zone: BiddingZone, day: date, spot: Decimal | None
) -> Row:
    """One product in one zone; ``spot`` is the zone's average of the previous month."""
    kind = ProductKind(product.kind)
    fixed = kind == ProductKind.FIXED
    previous = add_months(day.replace(day=1), -1)
    return {
        "supplier_org_number": format_number(supplier.org_number),
        "supplier_name": supplier.name,
        "product_code": product.code,
        "product_name": product.name,
        "contract_type": CONTRACT_TYPES[kind],
        "bidding_zone": zone.value,
        "price_date": day.isoformat(),
        "valid_from": local_date(product.created_at).isoformat(),
        "energy_price_ore_per_kwh": _ore(product.energy_price_ore_per_kwh),
        "markup_ore_per_kwh": _ore(product.markup_ore_per_kwh),
        "certificate_ore_per_kwh": _ore(product.certificate_ore_per_kwh),
        "spot_reference": _SPOT_REFERENCE[kind],
        "previous_month": previous.strftime("%Y-%m"),
        "previous_month_spot_ore_per_kwh": None if fixed else _ore(spot),
        "price_ore_per_kwh": _ore(_all_in(product, spot)),
        "fixed_fee_sek_per_month": _kronor(product.monthly_fee_sek),
        "fixed_fee_sek_per_year": _kronor(product.monthly_fee_sek * 12),
        "binding_months": product.term_months if fixed and product.term_months else 0,
        "price_resolution": product.price_resolution,
        "termination_free": product.termination_free,
        "termination_terms": product.termination_text,
        "terms_url": product.terms_url,
        "prices_include_vat": False,
        "vat_percent": VAT_PERCENT,
    }


def month_average(session: Session, zone: BiddingZone, month: date) -> Decimal | None:
    """The zone's time-weighted average spot price over ``month``, None without prices."""
    points = price_series(
        session, zone, local_midnight(month), local_midnight(add_months(month, 1))
    )
    return time_weighted(points)


def time_weighted(points: Sequence[PricePoint]) -> Decimal | None:
    """Average of interval prices weighted by their length (hours and quarter-hours mix)."""
    minutes = sum(_minutes(p) for p in points)
    if not minutes:
        return None
    total = sum((p.ore_per_kwh * _minutes(p) for p in points), Decimal(0))
    return (total / minutes).quantize(_ORE, ROUND_HALF_UP)


def _all_in(product: Product, spot: Decimal | None) -> Decimal | None:
    if product.kind == ProductKind.FIXED:
        assert product.energy_price_ore_per_kwh is not None  # a fixed product has one
        return product.energy_price_ore_per_kwh + product.certificate_ore_per_kwh
    if spot is None:
        return None
    return spot + (product.markup_ore_per_kwh or Decimal(0)) + product.certificate_ore_per_kwh


def _minutes(point: PricePoint) -> int:
    return int((point.end - point.start).total_seconds()) // 60


def _ore(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(_ORE, ROUND_HALF_UP))


def _kronor(value: Decimal) -> str:
    return str(value.quantize(_KRONOR, ROUND_HALF_UP))

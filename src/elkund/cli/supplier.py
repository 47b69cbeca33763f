"""``elkund supplier``: guarantees of origin, sold volumes and the energy-source disclosure.

``disclosure --json`` prints what a supplier that produces nothing hands another supplier on
request (SFS 2023:242 § 18; SUP-18). Errors exit 2 with ``{"error": code, "detail": …}``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from elkund.cli.common import JsonOutput, unit_of_work
from elkund.core.errors import Invalid

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from elkund.supply.disclosure_models import EnergySource
    from elkund.supply.disclosure_service import SupplierDisclosure

supplier_app = typer.Typer(
    help="Suppliers: guarantees of origin, sold volumes, energy-source disclosure.",
    no_args_is_help=True,
)
origin_app = typer.Typer(help="Guarantees of origin (ursprungsgarantier).", no_args_is_help=True)
supplier_app.add_typer(origin_app, name="origin")

SupplierOption = Annotated[
    str, typer.Option("--supplier", metavar="ORGNR", help="The supplier's organisationsnummer.")
]
YearOption = Annotated[int, typer.Option("--year", help="Calendar year, e.g. 2023.")]
KwhOption = Annotated[str, typer.Option("--kwh", help="kWh, up to 3 decimals.")]


@origin_app.command("add")
def origin_add(
    supplier: SupplierOption,
    year: YearOption,
    source: Annotated[str, typer.Option(help="hydro, wind, solar or bio.")],
    kwh: KwhOption,
    transferred: Annotated[
        bool, typer.Option("--transferred", help="Transferred to another holder (deducted).")
    ] = False,
    note: Annotated[str | None, typer.Option(help="Free text, e.g. the CESAR reference.")] = None,
    as_json: JsonOutput = False,
) -> None:
    """Record cancelled guarantees of origin for a year, or with --transferred ones handed away."""
    from elkund.supply.disclosure_service import add_origin_guarantee, find_supplier

    with unit_of_work(as_json) as session:
        party = find_supplier(session, supplier)
        guarantee = add_origin_guarantee(
            session,
            supplier=party,
            year=year,
            source=_source(source),
            kwh=parse_kwh(kwh),
            transferred=transferred,
            note=note,
        )
        recorded = {
            "id": guarantee.id,
            "supplier": party.name,
            "year": year,
            "source": guarantee.source,
            "kwh": str(guarantee.kwh),
            "transferred": transferred,
        }
    if as_json:
        typer.echo(orjson.dumps(recorded).decode())
        return
    what = "transferred to another holder" if transferred else "cancelled"
    typer.echo(f"Recorded {recorded['kwh']} kWh {source} guarantees of origin {what}, {year}.")


@supplier_app.command("sold")
def sold(supplier: SupplierOption, year: YearOption, kwh: KwhOption) -> None:
    """Set the kWh a supplier sold in a year (the whole its disclosure divides)."""
    from elkund.supply.disclosure_service import find_supplier, set_sold_volume

    with unit_of_work() as session:
        party = find_supplier(session, supplier)
        volume = set_sold_volume(session, supplier=party, year=year, kwh=parse_kwh(kwh))
    typer.echo(f"{party.name} sold {volume.kwh} kWh in {year}.")


@supplier_app.command("disclosure")
def disclosure(
    year: YearOption,
    supplier: Annotated[
        str | None,
        typer.Option("--supplier", metavar="ORGNR", help="Only this supplier (default: all)."),
    ] = None,
    svg: Annotated[
        Path | None, typer.Option(help="Also write the pie chart here (one supplier only).")
    ] = None,
    as_json: JsonOutput = False,
) -> None:
    """A supplier's energy sources, g CO2/kWh and mg radioactive waste/kWh in a year (SUP-18)."""
    with unit_of_work(as_json) as session:
        results = _disclosures(session, year=year, supplier=supplier)
        if svg is not None:
            if len(results) != 1:
                raise Invalid("--svg needs exactly one supplier: add --supplier.", code="one_only")
            from elkund.supply.pie import disclosure_pie

            svg.write_text(disclosure_pie(results[0].disclosure), encoding="utf-8")
    if as_json:
        documents = [result.as_dict() for result in results]
        typer.echo(orjson.dumps(documents[0] if supplier else documents).decode())
        return
    for result in results:
        _print_disclosure(result)


def _disclosures(session: Session, *, year: int, supplier: str | None) -> list[SupplierDisclosure]:
    from elkund.supply.disclosure import residual_mix
    from elkund.supply.disclosure_service import (
        NoSoldVolume,
        find_supplier,
        supplier_disclosure,
        suppliers_with_sales,
    )

    residual_mix(year)  # refuse a year without a residual mix before anything else
    parties = (
        [find_supplier(session, supplier)] if supplier else suppliers_with_sales(session, year)
    )
    if not parties:
        raise NoSoldVolume(f"No supplier has a sold volume recorded for {year}.")
    return [supplier_disclosure(session, supplier=party, year=year) for party in parties]


def _print_disclosure(result: SupplierDisclosure) -> None:
    from elkund.customers.identity import format_number
    from elkund.supply.pie import percent, swedish

    d, party = result.disclosure, result.supplier
    typer.echo(f"{party.name} ({format_number(party.org_number)}), {d.year}: {d.sold_kwh} kWh sold")
    for share in d.sources:
        typer.echo(f"  {share.source.label:<26}{percent(share.share_pct):>10}  {share.kwh} kWh")
    typer.echo(f"  CO2 {swedish(d.co2_g_per_kwh)} g/kWh")
    typer.echo(f"  Radioactive waste {swedish(d.waste_mg_per_kwh)} mg/kWh")
    typer.echo(f"  Residual mix: {d.residual_mix.source} ({d.residual_mix.source_url})")


def parse_kwh(text: str) -> Decimal:
    """kWh as typed: ``12500``, ``12500.5`` or ``12 500,5``; at most 3 decimals."""
    try:
        value = Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise Invalid(f"Not a number of kWh: {text!r}.", code="invalid_kwh") from None
    if not value.is_finite() or value != value.quantize(Decimal("0.001")):
        raise Invalid(f"kWh take at most 3 decimals: {text!r}.", code="invalid_kwh")
    return value


def _source(value: str) -> EnergySource:
    from elkund.supply.disclosure_models import EnergySource

    try:
        return EnergySource(value.lower())
    except ValueError:
        raise Invalid(f"Unknown energy source {value!r}.", code="invalid_source") from None

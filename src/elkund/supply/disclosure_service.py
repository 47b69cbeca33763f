"""Recording what a disclosure rests on, and building a supplier's disclosure from it (SUP-16–18).

Services only flush; the caller's unit of work commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import Invalid, NotFound
from elkund.parties.models import Party, PartyRole
from elkund.supply.disclosure import (
    KWH,
    Disclosure,
    ExchangeVolume,
    Guarantee,
    Mix,
    NoResidualMix,
    check_mix,
    compute_disclosure,
    net_guarantees,
    residual_mix,
    residual_mixes,
)
from elkund.supply.disclosure_models import (
    GUARANTEE_SOURCES,
    EnergySource,
    ExchangePurchase,
    OriginGuarantee,
    SoldVolume,
)

_FIRST_YEAR = 2010  # lagen (2010:601) om ursprungsgarantier för el


class UnknownSupplier(NotFound):
    code = "unknown_supplier"


class NoSoldVolume(NotFound):
    code = "no_sold_volume"


@dataclass(frozen=True, slots=True)
class SupplierDisclosure:
    supplier: Party
    disclosure: Disclosure

    def as_dict(self) -> dict[str, object]:
        """SUP-18: the figures another supplier needs, with who they are from."""
        from elkund.customers.identity import format_number

        supplier = {
            "name": self.supplier.name,
            "org_number": format_number(self.supplier.org_number),
        }
        return {"supplier": supplier} | self.disclosure.as_dict()


def find_supplier(session: Session, org_number: str) -> Party:
    """The supplier with this organisationsnummer, or a refusal."""
    from elkund.parties.service import find_party

    party = find_party(session, role=PartyRole.SUPPLIER, org_number=org_number)
    if party is None:
        raise UnknownSupplier(f"No supplier has the organisationsnummer {org_number!r}.")
    return party


def add_origin_guarantee(
    session: Session,
    *,
    supplier: Party,
    year: int,
    source: EnergySource,
    kwh: Decimal,
    transferred: bool = False,
    note: str | None = None,
) -> OriginGuarantee:
    """Record cancelled guarantees of origin, or (``transferred``) guarantees handed away."""
    _check_year(year)
    if source not in GUARANTEE_SOURCES:
        names = ", ".join(s.value for s in GUARANTEE_SOURCES)
        raise Invalid(
            f"Guarantees of origin are recorded for renewable sources only ({names}).",
            code="invalid_source",
        )
    if kwh <= 0:
        raise Invalid("A guarantee of origin covers a positive number of kWh.", code="invalid_kwh")
    _check_decimals(kwh)
    # Refuse at once what would make the year impossible to disclose (SUP-17).
    recorded = _guarantees(session, supplier=supplier, year=year)
    net_guarantees([*recorded, Guarantee(source, kwh, transferred)])
    guarantee = OriginGuarantee(
        supplier_id=supplier.id,
        year=year,
        source=source,
        kwh=kwh,
        transferred=transferred,
        note=note,
    )
    session.add(guarantee)
    session.flush()
    return guarantee


def set_sold_volume(session: Session, *, supplier: Party, year: int, kwh: Decimal) -> SoldVolume:
    """The kWh the supplier sold in ``year`` (replacing what was recorded before)."""
    _check_year(year)
    if kwh < 0:
        raise Invalid("Sold kWh cannot be negative.", code="invalid_kwh")
    _check_decimals(kwh)
    query = select(SoldVolume).where(SoldVolume.supplier_id == supplier.id, SoldVolume.year == year)
    volume = session.scalars(query).one_or_none()
    if volume is None:
        volume = SoldVolume(supplier_id=supplier.id, year=year, kwh=kwh)
        session.add(volume)
    volume.kwh = kwh
    session.flush()
    return volume


def add_exchange_purchase(
    session: Session, *, supplier: Party, year: int, kwh: Decimal, mix: Mix, source: str
) -> ExchangePurchase:
    """Record exchange-bought kWh with the exchange's aggregated mix (SUP-17, second paragraph)."""
    _check_year(year)
    check_mix(mix)
    if kwh <= 0:
        raise Invalid("An exchange purchase is a positive number of kWh.", code="invalid_kwh")
    _check_decimals(kwh)
    purchase = ExchangePurchase(
        supplier_id=supplier.id,
        year=year,
        kwh=kwh,
        renewable_pct=mix.renewable_pct,
        nuclear_pct=mix.nuclear_pct,
        fossil_pct=mix.fossil_pct,
        co2_g_per_kwh=mix.co2_g_per_kwh,
        waste_mg_per_kwh=mix.waste_mg_per_kwh,
        source=source,
    )
    session.add(purchase)
    session.flush()
    return purchase


def supplier_disclosure(session: Session, *, supplier: Party, year: int) -> SupplierDisclosure:
    """The supplier's energy-source disclosure for ``year`` from what is recorded (SUP-16)."""
    mix = residual_mix(year)
    query = select(SoldVolume).where(SoldVolume.supplier_id == supplier.id, SoldVolume.year == year)
    sold = session.scalars(query).one_or_none()
    if sold is None:
        raise NoSoldVolume(f"No sold volume recorded for {supplier.name} in {year}.")
    disclosure = compute_disclosure(
        year=year,
        sold_kwh=sold.kwh,
        guarantees=_guarantees(session, supplier=supplier, year=year),
        residual_mix=mix,
        exchange=_exchange(session, supplier=supplier, year=year),
    )
    return SupplierDisclosure(supplier, disclosure)


def latest_disclosure(session: Session, *, supplier: Party, year: int) -> SupplierDisclosure:
    """The supplier's disclosure of ``year``, or of the latest earlier year that can be disclosed.

    Ei publishes a year's residual mix in June of the next, so in the first half of a year
    suppliers still show the year before last, labelled with its year. The same fallback covers
    an installation whose operator has not yet added Ei's newest figures: the invoice still shows
    a pie, and says which year it is for, instead of nothing.
    """
    first = min(residual_mixes(), default=year)
    last_error: NoResidualMix | NoSoldVolume | None = None
    for candidate in range(year, first - 1, -1):
        try:
            return supplier_disclosure(session, supplier=supplier, year=candidate)
        except (NoResidualMix, NoSoldVolume) as error:
            last_error = last_error or error
    raise last_error or NoSoldVolume(f"No disclosure for {supplier.name} up to {year}.")


def suppliers_with_sales(session: Session, year: int) -> list[Party]:
    """The suppliers with a sold volume recorded for ``year``, by name."""
    query = (
        select(Party)
        .join(SoldVolume, SoldVolume.supplier_id == Party.id)
        .where(SoldVolume.year == year, Party.role == PartyRole.SUPPLIER)
        .order_by(Party.name, Party.id)
    )
    return list(session.scalars(query))


def _guarantees(session: Session, *, supplier: Party, year: int) -> list[Guarantee]:
    query = (
        select(OriginGuarantee)
        .where(OriginGuarantee.supplier_id == supplier.id, OriginGuarantee.year == year)
        .order_by(OriginGuarantee.id)
    )
    return [
        Guarantee(EnergySource(row.source), row.kwh, row.transferred)
        for row in session.scalars(query)
    ]


def _exchange(session: Session, *, supplier: Party, year: int) -> list[ExchangeVolume]:
    query = (
        select(ExchangePurchase)
        .where(ExchangePurchase.supplier_id == supplier.id, ExchangePurchase.year == year)
        .order_by(ExchangePurchase.id)
    )
    return [
        ExchangeVolume(
            kwh=row.kwh,
            mix=Mix(
                row.renewable_pct,
                row.nuclear_pct,
                row.fossil_pct,
                row.co2_g_per_kwh,
                row.waste_mg_per_kwh,
            ),
            source=row.source,
        )
        for row in session.scalars(query)
    ]


def _check_decimals(kwh: Decimal) -> None:
    # The columns keep kWh to the Wh: refuse what they would have to round.
    if kwh != kwh.quantize(KWH):
        raise Invalid(f"kWh take at most 3 decimals: {kwh}.", code="invalid_kwh")


def _check_year(year: int) -> None:
    if not _FIRST_YEAR <= year <= 9999:
        raise Invalid(f"{year} is not a year a disclosure can be for.", code="invalid_year")

"""Mina sidor – Översikt and Anläggning (TPA-11): the customer's installations and grid terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.requests import Request

from elkund.api.deps import DbSession
from elkund.core.localtime import local_date, utcnow
from elkund.grid import service as grid
from elkund.grid.errors import UnknownInstallation
from elkund.grid.models import GridTariff, Installation
from elkund.grid.municipalities import municipalities
from elkund.parties.models import Party
from elkund.portal.auth import ActingCustomer
from elkund.portal.auth.pages import render
from elkund.portal.components.i18n import Lang, language_of, translate

router = APIRouter(prefix="/mina-sidor", include_in_schema=False)


@dataclass(frozen=True, slots=True)
class TariffView:
    name: str
    fixed_fee: str
    transfer_fee: str
    power_fee: str | None
    terms_url: str


@dataclass(frozen=True, slots=True)
class InstallationView:
    gsrn: str
    direction: str
    address: str
    municipality: str
    grid_area: str
    bidding_zone: str
    remote_read: bool
    resolution: str
    fuse_amperes: int
    supplier: str | None
    tariff: TariffView


def _number(amount: Decimal, lang: Lang) -> str:
    """A fee as written in ``lang``: whole numbers bare, others with two decimals; a decimal
    comma in Swedish, a point in English."""
    text = f"{amount.normalize():f}" if amount == amount.to_integral() else f"{amount:.2f}"
    return text.replace(".", ",") if lang == "sv" else text


def _view(
    session: Session, installation: Installation, today: date, lang: Lang
) -> InstallationView:
    tariff = session.get(GridTariff, installation.tariff_id)
    assert tariff is not None
    supplier_id = grid.supplier_on(session, installation=installation, day=today)
    supplier = session.get(Party, supplier_id) if supplier_id else None
    place = municipalities().get(installation.municipality_code)
    power = tariff.power_fee_sek_per_kw_month
    return InstallationView(
        gsrn=installation.gsrn,
        direction=installation.direction,
        address=f"{installation.street}, {installation.postal_code} {installation.city}",
        municipality=place.name if place else installation.municipality_code,
        grid_area=installation.grid_area,
        bidding_zone=installation.bidding_zone,
        remote_read=installation.remote_read,
        resolution=installation.resolution,
        fuse_amperes=installation.fuse_amperes,
        supplier=supplier.name if supplier else None,
        tariff=TariffView(
            name=tariff.name,
            fixed_fee=_number(tariff.fixed_fee_sek_per_year, lang),
            transfer_fee=_number(tariff.transfer_fee_ore_per_kwh, lang),
            power_fee=_number(power, lang) if power is not None else None,
            terms_url=tariff.terms_url,
        ),
    )


@router.get("", response_class=HTMLResponse)
def overview(request: Request, customer: ActingCustomer, session: DbSession) -> HTMLResponse:
    today = local_date(utcnow())
    held = grid.installations_of(session, customer=customer, day=today)
    lang = language_of(request)
    views = [_view(session, i, today, lang) for i in held]
    return render(request, "pages/overview.html", {"customer": customer, "installations": views})


@router.get("/anlaggning/{gsrn}", response_class=HTMLResponse)
def installation_page(
    request: Request, gsrn: str, customer: ActingCustomer, session: DbSession
) -> HTMLResponse:
    """TPA-11: the installation and the terms of the grid agreement — the customer's own only."""
    today = local_date(utcnow())
    held = {i.gsrn: i for i in grid.installations_of(session, customer=customer, day=today)}
    if gsrn not in held:
        raise UnknownInstallation(translate("error_unknown_installation", "sv"))
    view = _view(session, held[gsrn], today, language_of(request))
    return render(request, "pages/installation.html", {"i": view})

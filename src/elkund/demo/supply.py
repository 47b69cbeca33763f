"""The demo's supplier side: both suppliers' profiles, four products each, a contract for every
supply period of the demo installations (with the accepted SUP-21 notice that began it), three
years of day-ahead prices for SE1–SE4, and the guarantees of origin behind each supplier's
energy-source disclosure (SUP-16, SUP-17; shown on invoices of years with a known residual mix).

Contracts follow the supply periods the grid already has: the customer is whoever held the
installation when the period began, and a period that ended did so because the customer switched
supplier or moved out. Production installations get none: what a supplier pays for fed-in
electricity is another kind of agreement.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session
from stdnum import luhn

from elkund.core.localtime import STOCKHOLM, utcnow
from elkund.demo.people import fictional_landline
from elkund.demo.plan import DemoPlan, PartyPlan
from elkund.demo.spot_prices import demo_prices
from elkund.grid import repository as grid_repository
from elkund.grid.models import Direction, Installation, SupplyPeriod
from elkund.metering.domain import Resolution
from elkund.parties.models import Party, PartyRole
from elkund.parties.service import find_party
from elkund.supply import price_store
from elkund.supply.contracts import EndReason
from elkund.supply.demo_origin import add_demo_origin
from elkund.supply.models import (
    Contract,
    ContractStatus,
    NoticeKind,
    NoticeStatus,
    Product,
    ProductKind,
    SupplyNotice,
)
from elkund.supply.products import ProductDraft, create_product
from elkund.supply.suppliers import ProfileDraft, WebsitePages, save_profile

NOTICE_DAYS = 14  # the notice went to the grid company two weeks before supply began
# How often customers pick each product; dynamic prices need a quarter-hour meter.
_WEIGHTS = {"RORLIGT": 40, "KVARTSPRIS": 25, "FAST-24": 25, "ANVISAT": 10}
_FREE_TERMINATION = (
    "Avtalet kan sägas upp när som helst med en månads uppsägningstid, utan avgift, på Mina sidor"
    " eller via kundservice."
)
_OFFICES = (("Kraftverksgatan 12", "90326", "Umeå"), ("Strandvägen 40", "21119", "Malmö"))


@dataclass(frozen=True, slots=True)
class _Prices:
    fixed: Decimal
    markup: Decimal
    dynamic_markup: Decimal
    default_markup: Decimal
    fee: Decimal
    certificates: Decimal


_PRICES = (
    _Prices(Decimal("89.00"), Decimal("4.90"), Decimal("3.50"), Decimal("12.00"), Decimal("39"),
            Decimal("0.60")),
    _Prices(Decimal("92.50"), Decimal("3.95"), Decimal("2.95"), Decimal("14.50"), Decimal("45"),
            Decimal("0.45")),
)  # fmt: skip


def load_supply(
    session: Session,
    plan: DemoPlan,
    installations: list[Installation],
    *,
    seed: int,
    first_day: date,
    end_day: date,
) -> int:
    """Profiles, products, contracts, prices and origin; returns the number of contracts."""
    suppliers = [_supplier(session, p) for p in plan.suppliers]
    add_demo_origin(session, suppliers=suppliers, today=end_day)
    catalogue: dict[int, dict[str, Product]] = {}
    for index, (supplier, party_plan) in enumerate(zip(suppliers, plan.suppliers, strict=True)):
        save_profile(session, supplier=supplier, draft=_profile(index, party_plan))
        catalogue[supplier.id] = _products(session, supplier, party_plan, _PRICES[index])
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    contracts = [
        contract
        for installation in installations
        if installation.direction == Direction.CONSUMPTION
        for contract in _contracts(session, installation, catalogue, rng)
    ]
    price_store.insert_new(session, demo_prices(first_day, end_day, seed=seed), now=utcnow())
    return len(contracts)


def _supplier(session: Session, plan: PartyPlan) -> Party:
    party = find_party(session, role=PartyRole.SUPPLIER, org_number=plan.org_number)
    assert party is not None
    return party


def _profile(index: int, plan: PartyPlan) -> ProfileDraft:
    street, postal_code, city = _OFFICES[index % len(_OFFICES)]
    site = plan.website
    return ProfileDraft(
        f_skatt=True,
        street=street,
        postal_code=postal_code,
        city=city,
        customer_service_phone=fictional_landline(90 + index),
        customer_service_email=plan.email.replace("kontakt@", "kundservice@"),
        bankgiro=_bankgiro(index),
        website=site,
        pages=WebsitePages(
            termination_url=f"{site}/avtal/uppsagning",
            switching_url=f"{site}/byta-elavtal",
            price_comparison_url="https://www.elpriskollen.se",
            other_services_url=f"{site}/tjanster",
            compensation_url=f"{site}/kundservice/ersattning",
            complaints_url=f"{site}/kundservice/klagomal",
            consumer_rights_url="https://www.energimarknadsinspektionen.se/konsument",
            dispute_resolution_url="https://www.arn.se",
        ),
    )


def _bankgiro(index: int) -> str:
    body = f"505{index:01d}105"
    digits = body + luhn.calc_check_digit(body)
    return f"{digits[:4]}-{digits[4:]}"


def _products(
    session: Session, supplier: Party, plan: PartyPlan, prices: _Prices
) -> dict[str, Product]:
    terms = f"{plan.website}/avtalsvillkor"
    fixed = ProductDraft(
        code="FAST-24",
        name="Fast elpris 24 månader",
        kind=ProductKind.FIXED,
        terms_url=f"{terms}/fast-24",
        termination_text="Avtalet löper till periodens slut. Vid uppsägning i förtid tas en"
        " brytavgift ut enligt avtalsvillkoren.",
        termination_free=False,
        energy_price_ore_per_kwh=prices.fixed,
        term_months=24,
        monthly_fee_sek=prices.fee,
        certificate_ore_per_kwh=prices.certificates,
    )
    spot = (
        ("RORLIGT", "Rörligt elpris (månadsmedel)", ProductKind.VARIABLE, prices.markup, None),
        ("KVARTSPRIS", "Kvartspris (dynamiskt elpris)", ProductKind.DYNAMIC,
         prices.dynamic_markup, "PT15M"),
        ("ANVISAT", "Anvisat avtal", ProductKind.DEFAULT, prices.default_markup, None),
    )  # fmt: skip
    drafts = [fixed] + [
        ProductDraft(
            code=code,
            name=name,
            kind=kind,
            terms_url=f"{terms}/{code.lower()}",
            termination_text=_FREE_TERMINATION,
            termination_free=True,
            markup_ore_per_kwh=markup,
            price_resolution=resolution,
            monthly_fee_sek=prices.fee,
            certificate_ore_per_kwh=prices.certificates,
        )
        for code, name, kind, markup, resolution in spot
    ]
    return {d.code: create_product(session, supplier=supplier, draft=d) for d in drafts}


def _contracts(
    session: Session,
    installation: Installation,
    catalogue: dict[int, dict[str, Product]],
    rng: random.Random,
) -> list[Contract]:
    periods = grid_repository.supply_periods(session, installation.id)
    contracts = []
    for index, period in enumerate(periods):
        holder = grid_repository.holder_on(session, installation.id, period.start_date)
        if holder is None:
            continue
        following = periods[index + 1] if index + 1 < len(periods) else None
        product = _choose(catalogue[period.supplier_id], installation, rng)
        contract = _contract(installation, period, holder.customer_id, product, following)
        session.add(contract)
        session.flush()
        session.add(_notice(installation, period, contract))
        contracts.append(contract)
    session.flush()
    return contracts


def _choose(
    products: dict[str, Product], installation: Installation, rng: random.Random
) -> Product:
    quarter_hours = installation.resolution == Resolution.PT15M.value
    codes = [c for c in _WEIGHTS if quarter_hours or c != "KVARTSPRIS"]
    code = rng.choices(codes, weights=[_WEIGHTS[c] for c in codes])[0]
    return products[code]


def _contract(
    installation: Installation,
    period: SupplyPeriod,
    customer_id: int,
    product: Product,
    following: SupplyPeriod | None,
) -> Contract:
    reason = None
    if period.end_date is not None:
        switched = following is not None and following.start_date == period.end_date
        reason = EndReason.SWITCHED if switched else EndReason.MOVED_OUT
    return Contract(
        installation_id=installation.id,
        customer_id=customer_id,
        supplier_id=period.supplier_id,
        product_id=product.id,
        name=product.name,
        start_date=period.start_date,
        end_date=period.end_date,
        # SUP-7: remote-read meters monthly here; meters read by hand once a quarter.
        billing_interval_months=1 if installation.remote_read else 3,
        status=ContractStatus.ACTIVE if period.end_date is None else ContractStatus.ENDED,
        end_reason=reason,
    )


def _notice(installation: Installation, period: SupplyPeriod, contract: Contract) -> SupplyNotice:
    sent = _at_nine(period.start_date - timedelta(days=NOTICE_DAYS))
    return SupplyNotice(
        kind=NoticeKind.START,
        supplier_id=period.supplier_id,
        installation_ref=installation.gsrn,
        installation_id=installation.id,
        customer_id=contract.customer_id,
        contract_id=contract.id,
        start_date=period.start_date,
        sent_at=sent,
        status=NoticeStatus.ACCEPTED,
        supply_period_id=period.id,
        answered_at=sent,
    )


def _at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=STOCKHOLM)

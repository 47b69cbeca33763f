"""The demo world as plain data: parties, customers, tariffs, and installations with who held and
supplied each when. Pure and deterministic: the same seed and window give the same plan.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from elkund.demo.people import (
    BUSINESS_STREETS,
    COTTAGE_PLACES,
    COTTAGE_ROADS,
    HOUSE_STREETS,
    TOWN_STREETS,
    TOWNS,
    Address,
    Place,
    ascii_slug,
    fictional_landline,
    fictional_org_number,
    fictional_person,
    street_address,
)
from elkund.demo.profiles import TYPICAL_KWH, WATTS_PER_AMPERE, LoadKind
from elkund.grid.gsrn import make_installation_id
from elkund.grid.models import BiddingZone, Direction

GRID_COMPANY_NAME = "Elkund Nät AB"
SUPPLIER_NAMES = ("Norrbäck Energi AB", "Solvik Elhandel AB")
ESCO_NAMES = ("Wattkollen AB", "Effektsmart Sverige AB", "Hemenergi Insikt AB")
# (name, kind of load, number of sites)
BUSINESSES = (
    ("Norrskensgårdens Fastigheter AB", LoadKind.OFFICE, 6),
    ("Fjällbäckens Sportbutik AB", LoadKind.SHOP, 5),
    ("Lilla Torgets Livs AB", LoadKind.SHOP, 4),
    ("Tallåsens Tandvård AB", LoadKind.OFFICE, 3),
    ("Sjöviks Bilverkstad AB", LoadKind.OFFICE, 3),
    ("Solgläntans Förskola AB", LoadKind.OFFICE, 3),
    ("Kvarnbäckens Snickeri AB", LoadKind.OFFICE, 2),
    ("Café Lingonblom AB", LoadKind.SHOP, 2),
    ("Västanvinds Redovisning AB", LoadKind.OFFICE, 2),
    ("Ekdalens Gårdsmejeri AB", LoadKind.SHOP, 1),
)
HOME_KINDS = {LoadKind.APARTMENT: 13, LoadKind.HOUSE: 16, LoadKind.ELECTRIC_HEATING: 9}
PRIVATE_CUSTOMERS = 40  # one per home, and two who have since moved out of the grid
COTTAGES = 10
NOT_REMOTE_READ = 4
# Customer i holds home i. The moves the demo shows: customer 0 moved within the grid from home 3
# into home 0, which customer 38 left; customer 39 left home 4. Customer 37 has a samordningsnummer.
_MOVER, _MOVER_FROM = 0, 3
_LEFT_HOME_0, _LEFT_HOME_4 = 38, 39
_SAMORDNING = 37
_FUSES = (16, 20, 25, 35, 50, 63, 80, 100, 125)
# Letters and digits that cannot be mistaken for each other when read off the accounts file.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105


@dataclass(frozen=True, slots=True)
class PartyPlan:
    name: str
    org_number: str  # 10 digits
    email: str
    website: str


@dataclass(frozen=True, slots=True)
class LoginPlan:
    username: str
    password: str


@dataclass(frozen=True, slots=True)
class CustomerPlan:
    name: str
    identity_number: str  # 12 digits for persons, 10 for companies
    email: str
    phone: str
    login: LoginPlan | None = None


@dataclass(frozen=True, slots=True)
class TariffPlan:
    code: str
    name: str
    fixed_fee_sek_per_year: Decimal
    transfer_fee_ore_per_kwh: Decimal
    power_fee_sek_per_kw_month: Decimal | None = None

    @property
    def terms_url(self) -> str:
        return f"https://elkund-nat.example/natavtal/{self.code.lower()}"


@dataclass(frozen=True, slots=True)
class Tenancy:
    customer: int  # index into DemoPlan.customers
    move_in: date
    move_out: date | None = None


@dataclass(frozen=True, slots=True)
class Supply:
    supplier: int  # index into DemoPlan.suppliers
    start: date


@dataclass(frozen=True, slots=True)
class InstallationPlan:
    gsrn: str
    address: Address
    kind: LoadKind
    annual_kwh: float
    fuse_amperes: int
    tariff: str  # TariffPlan.code
    tenancies: tuple[Tenancy, ...]
    supplies: tuple[Supply, ...]
    minutes: int = 15
    remote_read: bool = True

    @property
    def zone(self) -> BiddingZone:
        return self.address.zone

    @property
    def direction(self) -> Direction:
        return Direction.PRODUCTION if self.kind is LoadKind.SOLAR else Direction.CONSUMPTION


@dataclass(frozen=True, slots=True)
class DemoPlan:
    grid_company: PartyPlan
    suppliers: tuple[PartyPlan, ...]
    escos: tuple[PartyPlan, ...]
    tariffs: tuple[TariffPlan, ...]
    customers: tuple[CustomerPlan, ...]
    installations: tuple[InstallationPlan, ...]


TARIFFS = (
    TariffPlan("S16", "Säkringstariff 16 A", Decimal("3600"), Decimal("29.0")),
    TariffPlan("S25", "Säkringstariff 20–25 A", Decimal("6100"), Decimal("29.0")),
    TariffPlan("S63", "Säkringstariff 35–63 A", Decimal("16500"), Decimal("24.5")),
    TariffPlan("EFT", "Effekttariff företag", Decimal("12000"), Decimal("9.5"), Decimal("62.0")),
)


@dataclass
class _Draw:
    """The random source and what has been drawn, so that nothing is drawn twice."""

    rng: random.Random
    first_day: date
    end_day: date
    org_numbers: set[str] = field(default_factory=set)
    person_numbers: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    addresses: set[tuple[str, str]] = field(default_factory=set)
    serials: list[int] = field(default_factory=list)

    def installation_id(self) -> str:
        if not self.serials:
            self.serials = self.rng.sample(range(10**7, 10**8), 200)
        return make_installation_id(self.serials.pop())

    def since(self) -> date:
        """When a customer who holds an installation from before the window moved in."""
        return self.first_day - timedelta(days=self.rng.randint(90, 5000))

    def during(self) -> date:
        """A day well inside the window, for moves and supplier switches."""
        span = (self.end_day - self.first_day).days
        return self.first_day + timedelta(days=int(span * self.rng.uniform(0.2, 0.8)))


def build_plan(seed: int, *, first_day: date, end_day: date) -> DemoPlan:
    """The demo world for values from local ``first_day`` up to (not including) ``end_day``."""
    # Reproducible on purpose: demo passwords are printed in the accounts file, not secrets.
    draw = _Draw(random.Random(seed), first_day, end_day)  # noqa: S311
    grid = _party(draw, GRID_COMPANY_NAME)
    suppliers = tuple(_party(draw, name) for name in SUPPLIER_NAMES)
    escos = tuple(_party(draw, name) for name in ESCO_NAMES)
    people = _private_customers(draw)
    companies = _business_customers(draw, first_index=len(people))
    homes = _homes(draw)
    extras = _cottages_and_solar(draw, homes)
    sites = _business_sites(draw, first_index=len(people))
    return DemoPlan(
        grid_company=grid,
        suppliers=suppliers,
        escos=escos,
        tariffs=TARIFFS,
        customers=(*people, *companies),
        installations=(*homes, *extras, *sites),
    )


def _party(draw: _Draw, name: str) -> PartyPlan:
    slug = ascii_slug(name.removesuffix(" AB"))
    return PartyPlan(
        name=name,
        org_number=fictional_org_number(draw.rng, draw.org_numbers),
        email=f"kontakt@{slug}.example",
        website=f"https://{slug}.example",
    )


def _private_customers(draw: _Draw) -> list[CustomerPlan]:
    customers = []
    for index in range(PRIVATE_CUSTOMERS):
        person = fictional_person(
            draw.rng,
            phone_index=index,
            taken_numbers=draw.person_numbers,
            taken_names=draw.names,
            samordningsnummer=index == _SAMORDNING,
        )
        customers.append(
            CustomerPlan(person.name, person.identity_number, person.email, person.phone)
        )
    return customers


def _business_customers(draw: _Draw, *, first_index: int) -> list[CustomerPlan]:
    customers = []
    for index, (name, _, _) in enumerate(BUSINESSES):
        slug = ascii_slug(name.removesuffix(" AB"))
        login = LoginPlan(username=slug, password=_password(draw.rng))
        customers.append(
            CustomerPlan(
                name=name,
                identity_number=fictional_org_number(draw.rng, draw.org_numbers),
                email=f"info@{slug}.example",
                phone=fictional_landline(first_index + index),
                login=login,
            )
        )
    return customers


def _password(rng: random.Random) -> str:
    groups = ("".join(rng.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def _home_kinds(rng: random.Random) -> list[LoadKind]:
    # Home 0 is the house the mover moved into, home 3 the apartment they left.
    rest = [kind for kind, count in HOME_KINDS.items() for _ in range(count)]
    rest.remove(LoadKind.HOUSE)
    rest.remove(LoadKind.APARTMENT)
    rng.shuffle(rest)
    return [LoadKind.HOUSE, *rest[:2], LoadKind.APARTMENT, *rest[2:]]


def _home_places(rng: random.Random, count: int) -> list[Place]:
    # Homes 4–7 cover the four bidding zones; the mover stayed in the same town.
    places = [rng.choice(TOWNS) for _ in range(count)]
    for offset, zone in enumerate(BiddingZone):
        places[4 + offset] = rng.choice([p for p in TOWNS if p.zone is zone])
    places[_MOVER_FROM] = places[0]
    return places


def _homes(draw: _Draw) -> list[InstallationPlan]:
    kinds = _home_kinds(draw.rng)
    places = _home_places(draw.rng, len(kinds))
    tenancies = _home_tenancies(draw, len(kinds))
    # One apartment still has a meter that is read by hand.
    manual = next(i for i, kind in enumerate(kinds) if kind is LoadKind.APARTMENT and i > 7)
    homes = []
    for index, (kind, place) in enumerate(zip(kinds, places, strict=True)):
        streets = TOWN_STREETS if kind is LoadKind.APARTMENT else HOUSE_STREETS
        address = street_address(draw.rng, place, streets, draw.addresses)
        remote = index != manual
        homes.append(_installation(draw, kind, address, tenancies[index], remote_read=remote))
    return homes


def _home_tenancies(draw: _Draw, homes: int) -> list[tuple[Tenancy, ...]]:
    tenancies: list[tuple[Tenancy, ...]] = [(Tenancy(i, draw.since()),) for i in range(homes)]
    moved = draw.during()
    tenancies[0] = (Tenancy(_LEFT_HOME_0, draw.since(), moved), Tenancy(_MOVER, moved))
    tenancies[_MOVER_FROM] = (Tenancy(_MOVER, draw.since(), moved), Tenancy(_MOVER_FROM, moved))
    left = draw.during()
    tenancies[4] = (Tenancy(_LEFT_HOME_4, draw.since(), left), Tenancy(4, left))
    return tenancies


def _cottages_and_solar(draw: _Draw, homes: list[InstallationPlan]) -> list[InstallationPlan]:
    owners = [h for h in homes if h.kind is not LoadKind.APARTMENT and len(h.tenancies) == 1]
    extras = []
    for number, home in enumerate(draw.rng.sample(owners, COTTAGES)):
        place = draw.rng.choice(COTTAGE_PLACES)
        address = street_address(draw.rng, place, COTTAGE_ROADS, draw.addresses)
        tenancy = (Tenancy(home.tenancies[-1].customer, draw.since()),)
        # Some cottages far out still have meters read by hand.
        remote = number >= NOT_REMOTE_READ - 1
        extras.append(_installation(draw, LoadKind.COTTAGE, address, tenancy, remote_read=remote))
    solar_home = draw.rng.choice([h for h in owners if h.kind is LoadKind.HOUSE])
    extras.append(_solar(draw, solar_home))
    return extras


def _solar(draw: _Draw, home: InstallationPlan) -> InstallationPlan:
    """A roof producing into the grid: its own anläggnings-ID at the house's address."""
    peak_kw = draw.rng.choice((6, 8, 10, 12))
    return InstallationPlan(
        gsrn=draw.installation_id(),
        address=home.address,
        kind=LoadKind.SOLAR,
        annual_kwh=peak_kw * 900,  # a south-facing roof in Sweden gives about 900 kWh per kWp
        fuse_amperes=home.fuse_amperes,
        tariff=home.tariff,
        tenancies=home.tenancies,
        supplies=home.supplies[:1],
    )


def _business_sites(draw: _Draw, *, first_index: int) -> list[InstallationPlan]:
    sites = []
    for index, (_, kind, count) in enumerate(BUSINESSES):
        home_town = draw.rng.choice(TOWNS)
        for _ in range(count):
            # Chains have shops and offices in several towns; the rest stay in one.
            place = draw.rng.choice(TOWNS) if count >= 4 else home_town
            address = street_address(draw.rng, place, BUSINESS_STREETS, draw.addresses)
            tenancy = (Tenancy(first_index + index, draw.since()),)
            sites.append(_installation(draw, kind, address, tenancy, scale=(0.35, 2.5)))
    return sites


def _installation(
    draw: _Draw,
    kind: LoadKind,
    address: Address,
    tenancies: tuple[Tenancy, ...],
    *,
    remote_read: bool = True,
    scale: tuple[float, float] = (0.75, 1.3),
) -> InstallationPlan:
    annual = round(TYPICAL_KWH[kind] * draw.rng.uniform(*scale), -1)
    fuse = _fuse_for(kind, annual, draw.rng)
    hourly = not remote_read or draw.rng.random() < 0.2
    return InstallationPlan(
        gsrn=draw.installation_id(),
        address=address,
        kind=kind,
        annual_kwh=annual,
        fuse_amperes=fuse,
        tariff=_tariff_for(fuse),
        tenancies=tenancies,
        supplies=_supplies(draw, tenancies),
        minutes=60 if hourly else 15,
        remote_read=remote_read,
    )


def _fuse_for(kind: LoadKind, annual_kwh: float, rng: random.Random) -> int:
    if kind in (LoadKind.APARTMENT, LoadKind.COTTAGE):
        return 16
    if kind is LoadKind.HOUSE:
        return rng.choice((16, 20))
    if kind is LoadKind.ELECTRIC_HEATING:
        return rng.choice((20, 25))
    # Businesses: a fuse that carries about three times the average load.
    mean_watts = annual_kwh * 1000 / 8766
    return next(f for f in _FUSES if f >= 35 and f * WATTS_PER_AMPERE >= 3 * mean_watts)


def _tariff_for(fuse: int) -> str:
    if fuse <= 16:
        return "S16"
    if fuse <= 25:
        return "S25"
    # Larger businesses pay for their peak power, which rewards them for flattening it.
    return "S63" if fuse < 63 else "EFT"


def _supplies(draw: _Draw, tenancies: tuple[Tenancy, ...]) -> tuple[Supply, ...]:
    """A supplier chosen at each move-in; about a quarter of the rest switch during the window."""
    supplies = [Supply(draw.rng.randrange(len(SUPPLIER_NAMES)), t.move_in) for t in tenancies]
    if len(tenancies) == 1 and draw.rng.random() < 0.25:
        other = 1 - supplies[0].supplier
        supplies.append(Supply(other, draw.during()))
    return tuple(supplies)

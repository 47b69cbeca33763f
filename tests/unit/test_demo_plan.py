"""The demo world's plan: test-range identities, Swedish places, moves and supplier switches."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest

from elkund.customers.identity import (
    IdentityKind,
    parse_organisation_number,
    parse_person_number,
)
from elkund.demo.people import (
    COTTAGE_PLACES,
    TOWNS,
    ascii_slug,
    bidding_zone_for,
    demo_personnummer,
    fictional_org_number,
)
from elkund.demo.plan import DemoPlan, build_plan
from elkund.demo.profiles import LoadKind
from elkund.grid.gsrn import parse_installation_id
from elkund.grid.models import BiddingZone, Direction
from elkund.grid.municipalities import municipalities

FIRST, END = date(2023, 11, 23), date(2026, 11, 23)


@pytest.fixture(scope="module")
def plan() -> DemoPlan:
    return build_plan(2026, first_day=FIRST, end_day=END)


def persons(plan: DemoPlan) -> list[str]:
    return [c.identity_number for c in plan.customers if c.login is None]


def test_the_same_seed_gives_the_same_plan(plan: DemoPlan) -> None:
    assert build_plan(2026, first_day=FIRST, end_day=END) == plan
    other = build_plan(2027, first_day=FIRST, end_day=END)
    assert persons(other) != persons(plan)


def test_the_plan_has_the_size_the_demo_promises(plan: DemoPlan) -> None:
    kinds = Counter(c.login is None for c in plan.customers)
    assert (kinds[True], kinds[False]) == (40, 10)
    assert len(plan.installations) == 80
    assert (len(plan.suppliers), len(plan.escos)) == (2, 3)
    assert {t.code for t in plan.tariffs} == {"S16", "S25", "S63", "EFT"}


def test_every_personnummer_is_a_valid_test_number(plan: DemoPlan) -> None:
    numbers = [parse_person_number(n, today=END) for n in persons(plan)]
    assert all(980 <= int(n.value[8:11]) <= 999 for n in numbers)
    kinds = Counter(n.kind for n in numbers)
    assert kinds[IdentityKind.SAMORDNINGSNUMMER] == 1
    assert len(set(persons(plan))) == 40


def test_every_organisation_number_is_valid_and_unique(plan: DemoPlan) -> None:
    numbers = [c.identity_number for c in plan.customers if c.login is not None]
    numbers += [p.org_number for p in (plan.grid_company, *plan.suppliers, *plan.escos)]
    assert all(parse_organisation_number(n) for n in numbers)
    assert len(set(numbers)) == len(numbers) == 16


def test_demo_personnummer_refuses_serials_outside_the_test_range() -> None:
    assert demo_personnummer(date(1890, 1, 1), 980) == "189001019802"
    assert demo_personnummer(date(1990, 1, 1), 980, samordningsnummer=True) == "199001619809"
    with pytest.raises(ValueError, match="980-999"):
        demo_personnummer(date(1990, 1, 1), 123)


def test_fictional_org_numbers_do_not_repeat() -> None:
    taken: set[str] = set()
    rng = random.Random(1)
    numbers = [fictional_org_number(rng, taken) for _ in range(200)]
    assert len(set(numbers)) == 200
    assert all(n.startswith("559") for n in numbers)


@pytest.mark.parametrize(
    ("municipality", "zone"),
    [
        ("2580", BiddingZone.SE1),  # Luleå, Norrbotten
        ("2480", BiddingZone.SE2),  # Umeå
        ("2180", BiddingZone.SE2),  # Gävle
        ("0180", BiddingZone.SE3),  # Stockholm
        ("1480", BiddingZone.SE3),  # Göteborg
        ("1280", BiddingZone.SE4),  # Malmö
        ("1080", BiddingZone.SE4),  # Karlskrona
        ("0780", BiddingZone.SE4),  # Växjö
    ],
)
def test_bidding_zone_follows_the_county(municipality: str, zone: BiddingZone) -> None:
    assert bidding_zone_for(municipality) is zone


def test_places_are_real_municipalities_with_five_digit_postal_codes(plan: DemoPlan) -> None:
    assert all(p.municipality_code in municipalities() for p in (*TOWNS, *COTTAGE_PLACES))
    for installation in plan.installations:
        assert len(installation.address.postal_code) == 5
        assert installation.address.postal_code.isdigit()
    assert {i.zone for i in plan.installations} == set(BiddingZone)


def test_installation_ids_are_valid_and_unique(plan: DemoPlan) -> None:
    ids = [parse_installation_id(i.gsrn) for i in plan.installations]
    assert len(set(ids)) == 80


def test_some_customers_moved(plan: DemoPlan) -> None:
    moved = [i for i in plan.installations if len(i.tenancies) > 1]
    assert len(moved) == 3
    for installation in moved:
        before, after = installation.tenancies
        assert before.move_out == after.move_in
        assert FIRST <= after.move_in < END
    held_now = {i.tenancies[-1].customer for i in plan.installations}
    assert len(held_now) == 48  # two former customers have left the grid


def test_every_installation_has_a_supplier_and_some_switched(plan: DemoPlan) -> None:
    for installation in plan.installations:
        starts = [s.start for s in installation.supplies]
        assert starts == sorted(starts)
        assert starts[0] == installation.tenancies[0].move_in
    switched = [i for i in plan.installations if len(i.supplies) > len(i.tenancies)]
    assert len(switched) >= 5


def test_houses_have_cottages_and_one_a_solar_roof(plan: DemoPlan) -> None:
    holders = Counter(i.tenancies[-1].customer for i in plan.installations)
    assert sum(1 for count in holders.values() if count > 1) >= 10
    (solar,) = [i for i in plan.installations if i.direction is Direction.PRODUCTION]
    (house,) = [i for i in plan.installations if i.address == solar.address and i is not solar]
    assert solar.kind is LoadKind.SOLAR
    assert house.tenancies == solar.tenancies


def test_resolutions_and_manual_reading(plan: DemoPlan) -> None:
    by_resolution = Counter(i.minutes for i in plan.installations)
    assert by_resolution[15] > by_resolution[60] > 0
    manual = [i for i in plan.installations if not i.remote_read]
    assert len(manual) == 4
    assert all(i.minutes == 60 for i in manual)


def test_business_logins_are_unique_and_long(plan: DemoPlan) -> None:
    logins = [c.login for c in plan.customers if c.login is not None]
    assert len({login.username for login in logins}) == 10
    assert all(len(login.password) >= 16 for login in logins)


def test_ascii_slug_drops_swedish_letters() -> None:
    assert ascii_slug("Café Lingonblom AB") == "cafe-lingonblom-ab"
    assert ascii_slug("Åsa Öberg", ".") == "asa.oberg"

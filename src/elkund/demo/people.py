"""Fictional people, companies, places and addresses for demo data. Pure: no I/O, no database.

Names are common Swedish first names and surnames drawn at random, so no demo person is meant to be
anyone real; every personnummer uses a birth serial in 980–999, Skatteverket's test range.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from elkund.customers.identity import with_check_digit
from elkund.grid.models import BiddingZone
from elkund.grid.municipalities import municipalities

TEST_SERIALS = range(980, 1000)  # Skatteverket's test personnummer use these birth serials

FEMALE_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Kristina", "Lena", "Emma", "Kerstin", "Ingrid",
    "Malin", "Jenny", "Hanna", "Linda", "Elin", "Sofia", "Johanna", "Ida", "Annika", "Margareta",
    "Birgitta", "Elsa", "Maja", "Astrid", "Frida", "Cecilia", "Helena", "Louise", "Åsa", "Ylva",
)  # fmt: skip
MALE_NAMES = (
    "Lars", "Mikael", "Anders", "Johan", "Erik", "Per", "Karl", "Peter", "Jan", "Thomas",
    "Daniel", "Fredrik", "Hans", "Andreas", "Stefan", "Mats", "Magnus", "Mattias", "Jonas", "Oskar",
    "Nils", "Gustav", "Olof", "Henrik", "Björn", "Göran", "Axel", "Viktor", "Emil", "Sven",
)  # fmt: skip
SURNAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Hansson", "Bengtsson", "Jönsson",
    "Lindberg", "Magnusson", "Lindström", "Olofsson", "Lindqvist", "Lindgren", "Axelsson",
    "Bergström", "Lundberg", "Lundgren", "Mattsson", "Berglund", "Fredriksson", "Sandberg",
    "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Håkansson", "Lundin",
    "Björk", "Bergman", "Holm", "Wikström", "Isaksson", "Nyström", "Öberg", "Åberg", "Hedlund",
)  # fmt: skip
TOWN_STREETS = (
    "Storgatan", "Kyrkogatan", "Drottninggatan", "Skolgatan", "Stationsgatan", "Hamngatan",
    "Nygatan", "Västra Långgatan", "Östra Järnvägsgatan", "Bergsgatan", "Torggatan", "Köpmangatan",
)  # fmt: skip
HOUSE_STREETS = (
    "Björkvägen", "Tallvägen", "Ekvägen", "Granvägen", "Lärkvägen", "Ängsvägen", "Rönnvägen",
    "Parkvägen", "Solvägen", "Hagvägen", "Linvägen", "Vallmovägen", "Smedjevägen", "Skogsbrynet",
)  # fmt: skip
COTTAGE_ROADS = ("Sjöstigen", "Badvägen", "Strandvägen", "Fäbodvägen", "Udden", "Viksvägen")
BUSINESS_STREETS = (
    "Industrigatan",
    "Verkstadsvägen",
    "Företagsvägen",
    "Storgatan",
    "Hantverkargatan",
)


@dataclass(frozen=True, slots=True)
class Place:
    """A post town in a real municipality, with the first three digits of its postal codes."""

    municipality_code: str
    city: str
    postal_prefixes: tuple[str, ...]

    @property
    def zone(self) -> BiddingZone:
        return bidding_zone_for(self.municipality_code)


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    postal_code: str
    city: str
    municipality_code: str

    @property
    def zone(self) -> BiddingZone:
        return bidding_zone_for(self.municipality_code)


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    identity_number: str  # 12 digits
    email: str
    phone: str


TOWNS = (
    Place("2580", "Luleå", ("972", "973", "975")),
    Place("2581", "Piteå", ("941", "943")),
    Place("2584", "Kiruna", ("981",)),
    Place("2480", "Umeå", ("903", "904", "906")),
    Place("2482", "Skellefteå", ("931", "934")),
    Place("2281", "Sundsvall", ("852", "854", "856")),
    Place("2380", "Östersund", ("831",)),
    Place("2180", "Gävle", ("802", "803", "806")),
    Place("2184", "Hudiksvall", ("824",)),
    Place("0180", "Stockholm", ("113", "116", "118", "120", "124")),
    Place("0182", "Nacka", ("131", "132")),
    Place("0380", "Uppsala", ("752", "753", "756")),
    Place("1480", "Göteborg", ("411", "413", "416", "418")),
    Place("0580", "Linköping", ("582", "583", "586")),
    Place("1880", "Örebro", ("702", "703")),
    Place("1980", "Västerås", ("722", "723", "724")),
    Place("0680", "Jönköping", ("553", "554", "556")),
    Place("1780", "Karlstad", ("652", "653", "654")),
    Place("2080", "Falun", ("791",)),
    Place("0880", "Kalmar", ("392",)),
    Place("1280", "Malmö", ("211", "214", "216", "217")),
    Place("1281", "Lund", ("222", "224", "226")),
    Place("1283", "Helsingborg", ("252", "254", "256")),
    Place("1080", "Karlskrona", ("371",)),
    Place("0780", "Växjö", ("352",)),
)
COTTAGE_PLACES = (
    Place("0980", "Visby", ("621", "622")),
    Place("0188", "Norrtälje", ("761",)),
    Place("0885", "Borgholm", ("387",)),
    Place("1291", "Simrishamn", ("272",)),
    Place("1286", "Ystad", ("271",)),
    Place("1435", "Grebbestad", ("457",)),
    Place("1421", "Henån", ("473",)),
    Place("2321", "Åre", ("837",)),
    Place("2361", "Funäsdalen", ("840",)),
    Place("2505", "Arvidsjaur", ("933",)),
)


def bidding_zone_for(municipality_code: str) -> BiddingZone:
    """The bidding zone of a municipality, roughly by county (zones do not follow county lines)."""
    county = municipalities()[municipality_code].county_code
    if county == "25":  # Norrbotten
        return BiddingZone.SE1
    if county in ("21", "22", "23", "24"):  # Gävleborg, Västernorrland, Jämtland, Västerbotten
        return BiddingZone.SE2
    if county in ("07", "10", "12"):  # Kronoberg, Blekinge, Skåne
        return BiddingZone.SE4
    return BiddingZone.SE3


def demo_personnummer(born: date, serial: int, *, samordningsnummer: bool = False) -> str:
    """A 12-digit personnummer (or samordningsnummer: day + 60) in Skatteverket's test range."""
    if serial not in TEST_SERIALS:
        raise ValueError("Demo and test personnummer use birth serials 980-999")
    day = born.day + 60 if samordningsnummer else born.day
    return f"{born.year // 100:02d}" + with_check_digit(f"{born:%y%m}{day:02d}{serial:03d}")


def fictional_org_number(rng: random.Random, taken: set[str]) -> str:
    """A 10-digit organisationsnummer of an aktiebolag (group 5, third digit 9), Luhn-valid."""
    while True:
        number = with_check_digit(f"559{rng.randrange(10**6):06d}")
        if number not in taken:
            taken.add(number)
            return number


def fictional_person(
    rng: random.Random,
    *,
    phone_index: int,
    taken_numbers: set[str],
    taken_names: set[str],
    samordningsnummer: bool = False,
) -> Person:
    female = rng.random() < 0.5
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    last = rng.choice(SURNAMES)
    while f"{first} {last}" in taken_names:
        last = rng.choice(SURNAMES)
    taken_names.add(f"{first} {last}")
    number = _unused_personnummer(
        rng, female=female, taken=taken_numbers, samordning=samordningsnummer
    )
    return Person(
        name=f"{first} {last}",
        identity_number=number,
        email=f"{ascii_slug(first, '.')}.{ascii_slug(last, '.')}@example.com",
        phone=fictional_mobile(phone_index),
    )


def _unused_personnummer(
    rng: random.Random, *, female: bool, taken: set[str], samordning: bool
) -> str:
    while True:
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
        # The last digit of the birth serial is even for women and odd for men.
        serial = rng.choice([s for s in TEST_SERIALS if s % 2 == (0 if female else 1)])
        number = demo_personnummer(born, serial, samordningsnummer=samordning)
        if number not in taken:
            taken.add(number)
            return number


def fictional_mobile(index: int) -> str:
    """PTS keeps 070-174 06 05 to 070-174 06 99 for fiction; they never reach a real person."""
    return f"070-174 06 {5 + index % 95:02d}"


def fictional_landline(index: int) -> str:
    """PTS keeps 08-465 004 00 to 08-465 004 99 for fiction."""
    return f"08-465 004 {index % 100:02d}"


def street_address(
    rng: random.Random, place: Place, streets: tuple[str, ...], taken: set[tuple[str, str]]
) -> Address:
    """A unique street address in ``place`` on one of ``streets``."""
    while True:
        street = f"{rng.choice(streets)} {rng.randint(1, 60)}{rng.choice(['', '', '', 'A', 'B'])}"
        if (street, place.city) not in taken:
            taken.add((street, place.city))
            postal = rng.choice(place.postal_prefixes) + f"{rng.randint(10, 99)}"
            return Address(street, postal, place.city, place.municipality_code)


def ascii_slug(text: str, separator: str = "-") -> str:
    """``Café Lingonblom AB`` → ``cafe-lingonblom-ab``: for usernames and e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return separator.join(words)

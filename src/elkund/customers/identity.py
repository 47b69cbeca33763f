"""Swedish identity numbers: personnummer, samordningsnummer and organisationsnummer.

Every number is stored normalised to 12 digits (``YYYYMMDDNNNC`` for persons, ``16NNNNNNNNNC`` for
organisations) and never written to a log in clear text: use ``mask``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from stdnum import luhn

from elkund.core.errors import Invalid
from elkund.core.localtime import utcnow


class IdentityKind(StrEnum):
    PERSONNUMMER = "personnummer"
    SAMORDNINGSNUMMER = "samordningsnummer"
    ORGANISATIONSNUMMER = "organisationsnummer"


class InvalidIdentityNumber(Invalid):
    code = "invalid_identity_number"


@dataclass(frozen=True, slots=True)
class IdentityNumber:
    kind: IdentityKind
    value: str  # 12 digits

    @property
    def is_person(self) -> bool:
        return self.kind is not IdentityKind.ORGANISATIONSNUMMER

    def masked(self) -> str:
        return mask(self.value)


_PERSON = re.compile(r"^(\d{2})?(\d{6})([-+]?)(\d{4})$")
_ORG = re.compile(r"^(16)?(\d{6})-?(\d{4})$")


def parse_identity_number(raw: str, *, today: date | None = None) -> IdentityNumber:
    """Parse any accepted spelling of a person's or organisation's number."""
    text = raw.strip().replace(" ", "")
    digits = text.replace("-", "").replace("+", "")
    if digits and not (digits.isdecimal() and digits.isascii()):
        raise InvalidIdentityNumber("An identity number is made of digits, a hyphen or a plus.")
    prefixed = len(digits) == 12 and digits.startswith("16")
    if prefixed or (len(digits) == 10 and int(digits[2]) >= 2):
        return parse_organisation_number(text)
    return parse_person_number(text, today=today)


def parse_person_number(raw: str, *, today: date | None = None) -> IdentityNumber:
    """Personnummer or samordningsnummer, with or without century, validated by date and Luhn."""
    match = _PERSON.match(raw.strip().replace(" ", ""))
    if not match:
        raise InvalidIdentityNumber("A personnummer has 10 or 12 digits: ÅÅÅÅMMDD-NNNN.")
    century, short_date, separator, tail = match.groups()
    if not luhn.is_valid(short_date + tail):
        raise InvalidIdentityNumber("The check digit of the personnummer is wrong.")
    year2, month, day = int(short_date[:2]), int(short_date[2:4]), int(short_date[4:6])
    kind = IdentityKind.PERSONNUMMER
    if day > 60:
        kind, day = IdentityKind.SAMORDNINGSNUMMER, day - 60
    today = today or utcnow().date()
    full_year = int(century) * 100 + year2 if century else _infer_year(year2, separator, today)
    try:
        born = date(full_year, month, day)
    except ValueError:
        raise InvalidIdentityNumber("The personnummer does not contain a valid date.") from None
    if born > today:
        raise InvalidIdentityNumber("The personnummer has a birth date in the future.")
    return IdentityNumber(kind, f"{full_year // 100:02d}{short_date}{tail}")


def _infer_year(year2: int, separator: str, today: date) -> int:
    # Without a century, '-' means younger than 100 and '+' means 100 or older.
    year = today.year - (today.year - year2) % 100
    return year - 100 if separator == "+" else year


def parse_organisation_number(raw: str) -> IdentityNumber:
    """Organisationsnummer (10 digits, or 12 with the prefix 16), validated by Luhn."""
    match = _ORG.match(raw.strip().replace(" ", ""))
    if not match:
        raise InvalidIdentityNumber("An organisationsnummer has 10 digits: NNNNNN-NNNN.")
    _, head, tail = match.groups()
    if int(head[2]) < 2:
        raise InvalidIdentityNumber("The third digit of an organisationsnummer is at least 2.")
    if not luhn.is_valid(head + tail):
        raise InvalidIdentityNumber("The check digit of the organisationsnummer is wrong.")
    return IdentityNumber(IdentityKind.ORGANISATIONSNUMMER, f"16{head}{tail}")


def format_number(value: str) -> str:
    """The usual written form: ``19900101-1234`` or ``556036-0793``."""
    if value.startswith("16"):
        return f"{value[2:8]}-{value[8:]}"
    return f"{value[:8]}-{value[8:]}"


def mask(value: str) -> str:
    """A form safe for logs and support: the birth date or company prefix, never the serial."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 12 and digits.startswith("16"):
        return f"{digits[2:8]}-****"
    if len(digits) == 12:
        return f"{digits[:8]}-****"
    if len(digits) == 10:
        return f"{digits[:6]}-****"
    return "****"


def with_check_digit(first_nine: str) -> str:
    """Complete nine digits (YYMMDDNNN or an organisation's) with their Luhn check digit."""
    return first_nine + luhn.calc_check_digit(first_nine)

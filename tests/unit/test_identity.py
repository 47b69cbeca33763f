"""EU-5: identity numbers are validated, normalised to 12 digits and masked."""

from __future__ import annotations

from datetime import date

import pytest

from elkund.customers.identity import (
    IdentityKind,
    InvalidIdentityNumber,
    format_number,
    mask,
    parse_identity_number,
    parse_organisation_number,
    parse_person_number,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("189001019802", "189001019802"),
        ("18900101-9802", "189001019802"),
        ("900101+9802", "189001019802"),
        ("19121212-9819", "191212129819"),
        ("121212-9819", "201212129819"),
        ("20121212+9819", "201212129819"),
    ],
)
def test_personnummer_spellings_normalise_to_twelve_digits(raw: str, normalised: str) -> None:
    assert parse_person_number(raw, today=TODAY).value == normalised


def test_samordningsnummer_has_day_plus_sixty() -> None:
    number = parse_person_number("19900161-9809", today=TODAY)
    assert number.kind is IdentityKind.SAMORDNINGSNUMMER
    assert number.value == "199001619809"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("18900101-9803", "check digit"),
        ("19900231-9805", "valid date"),
        ("19900101-980", "10 or 12 digits"),
        ("1990-01-01-9802", "10 or 12 digits"),
        ("abcdefghij", "digits"),
        ("١٩٩٠٠١٠١٩٨٠٢", "digits"),
        ("", "10 or 12 digits"),
    ],
)
def test_invalid_personnummer_is_refused_with_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIdentityNumber, match=reason) as caught:
        parse_identity_number(raw, today=TODAY)
    assert caught.value.code == "invalid_identity_number"


def test_birth_date_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidIdentityNumber, match="future"):
        parse_person_number("20301231-9806", today=TODAY)


def test_organisationsnummer_accepts_ten_or_prefixed_twelve_digits() -> None:
    assert parse_organisation_number("556036-0793").value == "165560360793"
    assert parse_identity_number("165560360793").kind is IdentityKind.ORGANISATIONSNUMMER
    assert parse_identity_number("5560360793").value == "165560360793"


@pytest.mark.parametrize("raw", ["556036-0794", "551036-0793", "55603607"])
def test_invalid_organisationsnummer_is_refused(raw: str) -> None:
    with pytest.raises(InvalidIdentityNumber):
        parse_organisation_number(raw)


def test_mask_keeps_birth_date_and_hides_serial() -> None:
    assert mask("189001019802") == "18900101-****"
    assert mask("165560360793") == "556036-****"
    assert format_number("189001019802") == "18900101-9802"
    assert format_number("165560360793") == "556036-0793"

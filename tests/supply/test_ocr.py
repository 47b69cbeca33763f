"""OCR references for bankgiro payments: length digit and 10-modul (Luhn) check digit."""

from __future__ import annotations

import pytest

from elkund.core.errors import AppError
from elkund.supply.ocr import is_valid_ocr, luhn_check_digit, make_ocr

# Published valid references: Bankgirot's length-and-check-digit examples as collected by the
# open-source generators banktools-se (README) and zerodep/ocrgenerator (tests).
KNOWN_VALID_WITH_LENGTH_DIGIT = [
    "12351",
    "201912193",
    "18108401345678778",
    "18196701475307475",
    "1018966492531",
    "1019080881039",
    "03368912618",
    "1202951008",
    "1636976",
]


def test_luhn_check_digit_matches_the_textbook_example() -> None:
    assert luhn_check_digit("7992739871") == "3"  # 79927398713


def test_make_ocr_matches_published_examples() -> None:
    assert make_ocr("123") == "12351"  # 123 + length 5 + check 1
    assert make_ocr("2019121") == "201912193"
    assert make_ocr(123, length_digit=False) == "1230"


@pytest.mark.parametrize("reference", KNOWN_VALID_WITH_LENGTH_DIGIT)
def test_known_valid_references_are_accepted(reference: str) -> None:
    assert is_valid_ocr(reference)
    assert make_ocr(reference[:-2]) == reference


def test_length_digit_wraps_at_ten() -> None:
    reference = make_ocr("12345678")  # 10 digits in all: length digit 0
    assert reference[-2] == "0"
    assert is_valid_ocr(reference)


def test_leading_zeros_are_kept() -> None:
    assert make_ocr("0042").startswith("0042")
    assert is_valid_ocr(make_ocr("0042"))


@pytest.mark.parametrize(
    "reference",
    [
        "12352",  # wrong check digit
        "12344",  # check digit right, length digit wrong (4, not 5)
        "13251",  # two digits swapped
        "1235",  # a digit dropped
        "123 51",  # not digits only
        "1",  # too short
        "",
        "1" * 26,  # too long
        "１２３５１",  # full-width digits are not ASCII digits
    ],
)
def test_invalid_references_are_refused(reference: str) -> None:
    assert not is_valid_ocr(reference)


def test_plain_check_digit_variant_ignores_the_length() -> None:
    assert is_valid_ocr("1230", length_digit=False)
    assert not is_valid_ocr("1230")  # its second-last digit is no length digit
    assert not is_valid_ocr("1231", length_digit=False)


@pytest.mark.parametrize("number", ["12-34", "", "abc", "9" * 24])
def test_make_ocr_refuses_non_digits_and_overlong_numbers(number: str) -> None:
    with pytest.raises(AppError) as caught:
        make_ocr(number)
    assert caught.value.code == "invalid_ocr_number"

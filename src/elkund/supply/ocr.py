"""OCR references for bankgiro payments (Bankgirot's "OCR-referenskontroll").

The variant elkund uses: the invoice's number, then a **length digit**, then a **check digit**.

- Check digit: Bankgirot's 10-modul, i.e. Luhn: from the right, every second digit (starting
  with the one just left of the check digit) is doubled, the digit sums are added, and the check
  digit tops the total up to a multiple of ten.
- Length digit: the reference's total length, check and length digits included, modulo 10.
  It lets the bank's "variabel längd" control refuse a reference with a dropped or added digit,
  which the check digit alone misses for some typos; the length digit is itself covered by the
  check digit.
- A reference has 2–25 digits (Bankgirot's limits).

``make_ocr(number, length_digit=False)`` and ``is_valid_ocr(s, length_digit=False)`` give the
plain check-digit variant ("hård/mjuk kontroll") for suppliers whose bank agreement has no
length control.
"""

from __future__ import annotations

from elkund.core.errors import Invalid

MIN_LENGTH = 2
MAX_LENGTH = 25


class InvalidOcrNumber(Invalid):
    code = "invalid_ocr_number"


def luhn_check_digit(digits: str) -> str:
    """The 10-modul (Luhn) digit to append to ``digits``."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def make_ocr(number: int | str, *, length_digit: bool = True) -> str:
    """The OCR reference for an invoice number (digits only, leading zeros kept)."""
    body = str(number)
    if not body.isascii() or not body.isdigit():
        raise InvalidOcrNumber(f"An OCR reference is built from digits only, not {body!r}.")
    if length_digit:
        body += str((len(body) + 2) % 10)
    reference = body + luhn_check_digit(body)
    if len(reference) > MAX_LENGTH:
        raise InvalidOcrNumber(f"An OCR reference has at most {MAX_LENGTH} digits.")
    return reference


def is_valid_ocr(reference: str, *, length_digit: bool = True) -> bool:
    """Whether a bank's OCR control of this variant accepts ``reference``."""
    if not reference.isascii() or not reference.isdigit():
        return False
    if not MIN_LENGTH <= len(reference) <= MAX_LENGTH:
        return False
    if length_digit and (len(reference) < 3 or int(reference[-2]) != len(reference) % 10):
        return False
    return luhn_check_digit(reference[:-1]) == reference[-1]

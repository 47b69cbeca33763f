"""The anläggnings-ID: an 18-digit GSRN with the Swedish prefix 735999 and a GS1 check digit."""

from __future__ import annotations

import re

from elkund.core.errors import Invalid

SWEDISH_PREFIX = "735999"
_EIGHTEEN_DIGITS = re.compile(r"^\d{18}$")


class InvalidInstallationId(Invalid):
    code = "invalid_installation_id"


def gs1_check_digit(body: str) -> str:
    """The GS1 modulo-10 check digit: weights 3 and 1 from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def parse_installation_id(raw: str) -> str:
    text = raw.strip().replace(" ", "")
    if not _EIGHTEEN_DIGITS.match(text):
        raise InvalidInstallationId("An anläggnings-ID has exactly 18 digits.")
    if not text.startswith(SWEDISH_PREFIX):
        raise InvalidInstallationId(f"A Swedish anläggnings-ID starts with {SWEDISH_PREFIX}.")
    if gs1_check_digit(text[:17]) != text[17]:
        raise InvalidInstallationId("The check digit of the anläggnings-ID is wrong.")
    return text


def make_installation_id(serial: int) -> str:
    """A valid anläggnings-ID for a grid company's serial number (11 digits)."""
    body = f"{SWEDISH_PREFIX}{serial:011d}"
    return body + gs1_check_digit(body)

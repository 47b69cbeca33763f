"""What the notice letters (SUP-22, SUP-23) share: how a party and a customer are addressed, and
how a letter's PDF is kept.

elkund keeps no postal address of its own for a customer: as on the invoice, a letter goes to the
installation's address.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from elkund.customers.identity import format_number
from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.parties.models import Party
from elkund.portal.components.formatting import format_number as format_decimal
from elkund.supply.letters import Letter, LetterParty, letter_pdf

VAT_FACTOR = Decimal("1.25")  # prices to consumers are quoted including 25 % VAT


def postal_line(postal_code: str, city: str) -> str:
    """``11122``, ``Stockholm`` → ``111 22 Stockholm``, as Swedish addresses are written."""
    code = postal_code.replace(" ", "")
    spaced = f"{code[:3]} {code[3:]}" if len(code) == 5 and code.isdigit() else code
    return f"{spaced} {city}"


def customer_recipient(customer: Customer, installation: Installation) -> LetterParty:
    address = (installation.street, postal_line(installation.postal_code, installation.city))
    return LetterParty(customer.name, address)


def party_contact(party: Party) -> tuple[str, ...]:
    """Telephone, e-mail, website (those the party has) and the organisationsnummer."""
    lines = [f"Telefon {party.phone}" if party.phone else None, party.email, party.website]
    return (*[line for line in lines if line], f"Org.nr {format_number(party.org_number)}")


def ore_with_vat(ore_per_kwh: Decimal) -> str:
    """An öre/kWh price excluding VAT as a consumer reads it: ``4,5`` → ``5,63 öre/kWh``."""
    with_vat = (ore_per_kwh * VAT_FACTOR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{format_decimal(with_vat, 'sv', decimals=2)}\u00a0öre/kWh"


def store_letter(
    letter: Letter, path: Path, *, render: Callable[[Letter], bytes] = letter_pdf
) -> str:
    """Render ``letter`` as PDF to ``path``, replacing a file only whole; the path as stored."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(render(letter))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return str(path)

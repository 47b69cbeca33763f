"""The demo accounts file: who to sign in as, written next to the database after a demo load.

It is built from the plan and checked against the database, so a second run (which creates
nothing) writes the same file. Passwords appear only if they still match the stored hash.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from elkund.customers.identity import format_number, parse_organisation_number
from elkund.customers.passwords import verify_password
from elkund.customers.service import find_business_login, find_customer
from elkund.demo.plan import CustomerPlan, DemoPlan, PartyPlan
from elkund.grid.service import installations_of
from elkund.parties.credentials import active_client, secret_matches
from elkund.parties.models import PartyRole
from elkund.parties.service import find_party

NOTE = (
    "Demo data only: fictional people and companies. Personnummer use birth serials 980-999,"
    " Skatteverket's test range; passwords are for this demo database alone."
)
ESCO_NOTE = (
    "Demo OAuth client: POST /api/v1/oauth/token with grant_type=client_credentials."
    " Real ESCOs get theirs from `elkund esco create`."
)


def demo_client_id(number: int) -> str:
    return f"elk_demo_esco_{number}"


def demo_client_secret(seed: int, org_number: str) -> str:
    """Derived from the seed, so the file can be written again without storing any secret."""
    return hashlib.sha256(f"elkund-demo:{seed}:{org_number}".encode()).hexdigest()[:40]


def write_accounts(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def accounts_document(
    session: Session, plan: DemoPlan, *, seed: int, today: date, just_created: bool = False
) -> dict[str, Any]:
    """Everything a demo user signs in with; entries missing from the database are left out.

    ``just_created`` skips checking the passwords against their hashes (slow by design), as the
    logins were made from this very plan.
    """
    return {
        "note": NOTE,
        "seed": seed,
        "grid_company": _party(session, PartyRole.GRID_COMPANY, plan.grid_company),
        "suppliers": _parties(session, PartyRole.SUPPLIER, plan.suppliers),
        "escos": [
            entry
            for number, esco in enumerate(plan.escos, start=1)
            if (entry := _esco(session, esco, number, seed)) is not None
        ],
        "customers": [
            entry for c in plan.customers if (entry := _customer(session, c, today)) is not None
        ],
        "business_logins": [
            entry
            for c in plan.customers
            if (entry := _login(session, c, check=not just_created)) is not None
        ],
    }


def _parties(
    session: Session, role: PartyRole, parties: tuple[PartyPlan, ...]
) -> list[dict[str, Any]]:
    return [entry for p in parties if (entry := _party(session, role, p)) is not None]


def _party(session: Session, role: PartyRole, party: PartyPlan) -> dict[str, Any] | None:
    if find_party(session, role=role, org_number=party.org_number) is None:
        return None
    number = parse_organisation_number(party.org_number).value
    return {"name": party.name, "org_number": format_number(number)}


def _esco(session: Session, plan: PartyPlan, number: int, seed: int) -> dict[str, Any] | None:
    party = find_party(session, role=PartyRole.ESCO, org_number=plan.org_number)
    entry = _party(session, PartyRole.ESCO, plan)
    if party is None or entry is None:
        return None
    client = active_client(session, party=party)
    secret = demo_client_secret(seed, plan.org_number)
    known = client is not None and secret_matches(client, secret)
    return entry | {
        "client_id": client.client_id if client else None,
        "client_secret": secret if known else None,
        "note": ESCO_NOTE,
    }


def _customer(session: Session, plan: CustomerPlan, today: date) -> dict[str, Any] | None:
    customer = find_customer(session, identity_number=plan.identity_number)
    if customer is None:
        return None
    held = installations_of(session, customer=customer, day=today)
    return {
        "name": customer.name,
        "type": str(customer.kind),
        "identity_number": format_number(customer.identity_number),
        "installations": [installation.gsrn for installation in held],
    }


def _login(session: Session, plan: CustomerPlan, *, check: bool) -> dict[str, Any] | None:
    if plan.login is None:
        return None
    login = find_business_login(session, username=plan.login.username)
    if login is None:
        return None
    known = not check or verify_password(login.password_hash, plan.login.password)
    return {
        "company": plan.name,
        "username": login.username,
        "password": plan.login.password if known else None,
    }

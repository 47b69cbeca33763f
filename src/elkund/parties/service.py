"""Registering the companies that take part, and the operator's hold on ESCOs."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError, Invalid
from elkund.customers.identity import parse_organisation_number
from elkund.parties import credentials
from elkund.parties.models import OAuthClient, Party, PartyRole, PartyStatus

# Plain http only where nothing crosses a network: a receiver on the operator's own machine.
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})
_MAX_URL_LENGTH = 500  # the column's length


class PartyExists(AppError):
    code = "party_exists"
    status = 409


class InvalidWebhookUrl(Invalid):
    code = "invalid_webhook_url"


@dataclass(frozen=True, slots=True)
class EscoRegistration:
    """A newly registered ESCO with the secrets it is shown once."""

    party: Party
    client_id: str
    client_secret: str
    webhook_secret: str | None


def register_party(
    session: Session,
    *,
    role: PartyRole,
    name: str,
    org_number: str,
    email: str | None = None,
    phone: str | None = None,
    website: str | None = None,
) -> Party:
    number = parse_organisation_number(org_number).value
    if find_party(session, role=role, org_number=number) is not None:
        raise PartyExists(f"A {role.value} with this organisationsnummer is already registered.")
    party = Party(
        role=role, name=name, org_number=number, email=email, phone=phone, website=website
    )
    session.add(party)
    session.flush()
    return party


def find_party(session: Session, *, role: PartyRole, org_number: str) -> Party | None:
    number = parse_organisation_number(org_number).value
    query = select(Party).where(Party.role == role, Party.org_number == number)
    return session.scalars(query).one_or_none()


def grid_company(session: Session) -> Party | None:
    """The grid company that operates this deployment."""
    query = select(Party).where(Party.role == PartyRole.GRID_COMPANY).order_by(Party.id)
    return session.scalars(query).first()


def register_esco(
    session: Session, *, name: str, org_number: str, webhook_url: str | None = None
) -> EscoRegistration:
    """Register an ESCO with OAuth2 client credentials and, given a URL, a webhook secret."""
    if webhook_url is not None:
        check_webhook_url(webhook_url)
    party = register_party(session, role=PartyRole.ESCO, name=name, org_number=org_number)
    client, client_secret = credentials.issue_client(session, party=party)
    webhook_secret = set_webhook(session, party=party, url=webhook_url)
    return EscoRegistration(party, client.client_id, client_secret, webhook_secret)


def set_webhook(session: Session, *, party: Party, url: str | None) -> str | None:
    """Set (or with ``None`` clear) where the party is notified.

    Returns the signing secret when one was created now; an existing secret is kept, so the
    receiver need not change when only the URL does.
    """
    party.webhook_url = None if url is None else check_webhook_url(url)
    created = None
    if party.webhook_url is not None and party.webhook_secret is None:
        party.webhook_secret = created = new_webhook_secret()
    session.flush()
    return created


def check_webhook_url(url: str) -> str:
    """The URL if notifications may go there: https, or http to this machine only."""
    try:
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        scheme, host = "", None
    allowed = scheme == "https" or (scheme == "http" and host in _LOCAL_HOSTS)
    if not allowed or not host or any(char.isspace() for char in url):
        raise InvalidWebhookUrl("A webhook URL must use https (http only for localhost).")
    if len(url) > _MAX_URL_LENGTH:
        raise InvalidWebhookUrl(f"A webhook URL has at most {_MAX_URL_LENGTH} characters.")
    return url


def new_webhook_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def suspend_party(session: Session, *, party: Party) -> None:
    """The party can do nothing more: no new tokens, and the ones it holds stop at once."""
    party.status = PartyStatus.SUSPENDED
    session.flush()
    credentials.revoke_tokens(session, party=party)


def list_parties(session: Session, *, role: PartyRole) -> Sequence[Party]:
    return session.scalars(select(Party).where(Party.role == role).order_by(Party.id)).all()


def find_party_by_client_id(session: Session, *, client_id: str) -> Party | None:
    query = select(Party).join(OAuthClient, OAuthClient.party_id == Party.id)
    return session.scalars(query.where(OAuthClient.client_id == client_id)).one_or_none()

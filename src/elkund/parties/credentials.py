"""OAuth2 client credentials and bearer tokens (RFC 6749 §4.4) for ESCOs and other parties.

Client secrets and tokens are long random strings, so a SHA-256 hash is enough to store them
safely (a slow password hash buys nothing against 256 bits of entropy and would slow every call).
Tokens live in the database, so suspending a party or rotating its secret stops them at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError
from elkund.parties.models import AccessToken, OAuthClient, Party

TOKEN_LIFETIME = timedelta(hours=1)


class InvalidClient(AppError):
    code = "invalid_client"
    status = 401


class InvalidToken(AppError):
    code = "invalid_token"
    status = 401


class PartySuspended(AppError):
    code = "party_suspended"
    status = 403


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int  # seconds


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_client(
    session: Session, *, party: Party, client_id: str | None = None, secret: str | None = None
) -> tuple[OAuthClient, str]:
    """New client credentials for ``party``; the secret is returned once and never stored.

    ``client_id`` and ``secret`` are chosen at random unless given (the demo data fixes them).
    """
    secret = secret or secrets.token_urlsafe(32)
    client = OAuthClient(
        party_id=party.id,
        client_id=client_id or f"elk_{secrets.token_hex(12)}",
        secret_hash=_digest(secret),
    )
    session.add(client)
    session.flush()
    return client, secret


def rotate_secret(session: Session, *, party: Party) -> tuple[OAuthClient, str]:
    """A new secret for the party's client; the old secret and every token issued stop working."""
    client = active_client(session, party=party)
    if client is None:
        return issue_client(session, party=party)
    secret = secrets.token_urlsafe(32)
    client.secret_hash = _digest(secret)
    revoke_tokens(session, party=party)
    return client, secret


def secret_matches(client: OAuthClient, secret: str) -> bool:
    return hmac.compare_digest(client.secret_hash, _digest(secret))


def active_client(session: Session, *, party: Party) -> OAuthClient | None:
    query = select(OAuthClient).where(
        OAuthClient.party_id == party.id, OAuthClient.revoked_at.is_(None)
    )
    return session.scalars(query.order_by(OAuthClient.id.desc())).first()


def revoke_tokens(session: Session, *, party: Party) -> None:
    session.execute(delete(AccessToken).where(AccessToken.party_id == party.id))


def issue_token(session: Session, *, client_id: str, secret: str, now: datetime) -> IssuedToken:
    """A bearer token for valid, unrevoked credentials of an active party."""
    client = session.scalars(
        select(OAuthClient).where(OAuthClient.client_id == client_id)
    ).one_or_none()
    # Compare even when the client is unknown, so timing does not tell which part was wrong.
    expected = client.secret_hash if client else _digest(secrets.token_urlsafe(32))
    if not hmac.compare_digest(expected, _digest(secret)) or client is None or client.revoked_at:
        raise InvalidClient("Unknown client or wrong secret.")
    party = session.get(Party, client.party_id)
    if party is None or not party.is_active:
        raise PartySuspended("This party is suspended and can do nothing.")
    token = secrets.token_urlsafe(32)
    session.add(
        AccessToken(
            token_hash=_digest(token),
            client_id=client.id,
            party_id=party.id,
            expires_at=now + TOKEN_LIFETIME,
        )
    )
    session.flush()
    return IssuedToken(token, int(TOKEN_LIFETIME.total_seconds()))


def party_for_token(session: Session, *, token: str, now: datetime) -> Party:
    """The active party a bearer token was issued to; refused if expired, revoked or suspended."""
    stored = session.get(AccessToken, _digest(token))
    if stored is None or stored.expires_at <= now:
        raise InvalidToken("The access token is unknown, revoked or expired.")
    party = session.get(Party, stored.party_id)
    if party is None or not party.is_active:
        raise PartySuspended("This party is suspended and can do nothing.")
    return party

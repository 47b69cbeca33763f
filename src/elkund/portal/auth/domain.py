"""Pure parts of portal sign-in: tokens, session liveness and safe return paths. No I/O."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

TOKEN_BYTES = 32


@dataclass(frozen=True, slots=True)
class PortalUser:
    """Who is signed in to "Mina sidor", as page authors see it.

    ``person_number`` is set after an e-ID sign-in (12 digits; sensitive, never log it),
    ``business_login_id`` after a company's username + password sign-in. ``customer_ids`` are the
    customers this user may act for right now; ``acting_for`` is the one whose pages are shown,
    always one of them. ``csrf_token`` goes into every form (``{{ csrf_field() }}``).
    """

    person_number: str | None = field(repr=False)
    business_login_id: int | None
    customer_ids: frozenset[int]
    acting_for: int
    csrf_token: str = field(repr=False)

    @property
    def is_person(self) -> bool:
        return self.person_number is not None

    def may_act_for(self, customer_id: int) -> bool:
        return customer_id in self.customer_ids


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The stored id of a session: a leaked table does not give usable cookies."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_username(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


def is_live(
    *, last_seen_at: datetime, expires_at: datetime, now: datetime, idle_timeout: timedelta
) -> bool:
    return now < expires_at and now < last_seen_at + idle_timeout


def safe_next(path: str | None, *, default: str = "/mina-sidor") -> str:
    """Only a local path may be a return address: no open redirect to another site."""
    if not path or not path.startswith("/") or path.startswith(("//", "/\\")):
        return default
    if any(ch in path for ch in "\r\n\\"):
        return default
    return path

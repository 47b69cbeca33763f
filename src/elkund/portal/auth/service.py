"""Portal sign-in use cases: start, resume and end sessions; check company passwords.

Services only flush; the request that calls them commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from elkund.core.db import begin_writing
from elkund.customers.models import BusinessLogin, Customer
from elkund.customers.passwords import hash_password, verify_password
from elkund.customers.service import find_business_login
from elkund.portal.auth import repository
from elkund.portal.auth.domain import (
    PortalUser,
    hash_token,
    hash_username,
    is_live,
    new_token,
)
from elkund.portal.auth.errors import TooManyAttempts, UnknownPerson
from elkund.portal.auth.models import PortalSession
from elkund.portal.auth.settings import AuthSettings

# Writing last_seen_at on every request would make every page a write; a minute is precise enough.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class StartedSession:
    token: str  # for the cookie only; the database keeps its hash
    user: PortalUser


def start_person_session(
    db: Session, *, person_number: str, now: datetime, settings: AuthSettings
) -> StartedSession:
    """A session for a person signed in with e-ID, acting for themself first."""
    customer_ids = repository.customer_ids_of_person(db, person_number=person_number)
    if not customer_ids:
        raise UnknownPerson("Vi hittar ingen kund med ditt personnummer.")
    return _start(
        db, now=now, settings=settings, customer_ids=customer_ids, person_number=person_number
    )


def start_business_session(
    db: Session, *, login: BusinessLogin, now: datetime, settings: AuthSettings
) -> StartedSession:
    return _start(
        db, now=now, settings=settings, customer_ids=[login.customer_id], business_login=login
    )


def _start(
    db: Session,
    *,
    now: datetime,
    settings: AuthSettings,
    customer_ids: Sequence[int],
    person_number: str | None = None,
    business_login: BusinessLogin | None = None,
) -> StartedSession:
    token = new_token()
    record = PortalSession(
        id=hash_token(token),
        person_number=person_number,
        business_login_id=business_login.id if business_login else None,
        acting_for=customer_ids[0],
        csrf_token=new_token(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + settings.lifetime,
    )
    repository.add_session(db, record)
    return StartedSession(token, _user(record, customer_ids))


@dataclass(frozen=True, slots=True)
class ResumedSession:
    """A live session's user and the customer it acts for, read in the same statement (so the
    pages' ``ActingCustomer`` needs no query of its own; ``acting_customer`` still checks it)."""

    user: PortalUser
    acting_customer: Customer | None


def resume_session(
    db: Session, *, token: str, now: datetime, settings: AuthSettings
) -> PortalUser | None:
    """The user of a live session; an expired one, or one that lost its customer, is deleted."""
    resumed = resume(db, token=token, now=now, settings=settings)
    return resumed.user if resumed else None


def resume(
    db: Session, *, token: str, now: datetime, settings: AuthSettings
) -> ResumedSession | None:
    """``resume_session``, with the customer the session acts for read in the same statement."""
    record = repository.session_access(db, session_id=hash_token(token))
    if record is None:
        return None
    live = is_live(
        last_seen_at=record.last_seen_at,
        expires_at=record.expires_at,
        now=now,
        idle_timeout=settings.idle_timeout,
    )
    if not live or record.acting_for not in record.customer_ids:
        begin_writing(db)
        repository.delete_session(db, session_id=record.id)
        return None
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        begin_writing(db)  # most requests are GETs, which begin as readers
        repository.touch_session(db, session_id=record.id, now=now)
    return ResumedSession(_user(record, record.customer_ids), record.acting_customer)


def end_session(db: Session, *, token: str) -> None:
    repository.delete_session(db, session_id=hash_token(token))


def delete_expired_sessions(db: Session, *, now: datetime) -> int:
    """For a periodic job: sessions past their lifetime (idle ones go when next seen)."""
    return repository.delete_expired_sessions(db, now=now)


def _user(
    record: PortalSession | repository.SessionAccess, customer_ids: Iterable[int]
) -> PortalUser:
    return PortalUser(
        person_number=record.person_number,
        business_login_id=record.business_login_id,
        customer_ids=frozenset(customer_ids),
        acting_for=record.acting_for,
        csrf_token=record.csrf_token,
    )


_UNKNOWN_USER_HASH = hash_password("no such user: this hash only spends time")


def check_business_password(
    db: Session, *, username: str, password: str, now: datetime, settings: AuthSettings
) -> BusinessLogin | None:
    """The login if the password is right; a failure is recorded (commit it, do not raise).

    Raises ``TooManyAttempts`` while the username has too many recent failures, before the
    password is even looked at, so guessing gains nothing.
    """
    key = hash_username(username)
    since = now - settings.failure_window
    if repository.count_failures(db, username_hash=key, since=since) >= settings.login_max_failures:
        raise TooManyAttempts("För många misslyckade försök. Vänta en stund och försök igen.")
    login = find_business_login(db, username=username)
    # An unknown username costs the same Argon2 work as a wrong password: timing tells nothing.
    known_hash = login.password_hash if login is not None else _UNKNOWN_USER_HASH
    if not verify_password(known_hash, password) or login is None:
        repository.add_failure(db, username_hash=key, now=now)
        return None
    repository.clear_failures(db, username_hash=key)
    return login


def demo_persons(db: Session, *, limit: int = 50) -> Sequence[Customer]:
    return repository.private_customers(db, limit=limit)

"""The one statement every portal request starts with (``repository.session_access``) and what
``resume`` makes of it: whom a session may act for, its liveness, and the denials (EU-5, TPA-5)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from anyio.from_thread import start_blocking_portal
from sqlalchemy import delete, event, update
from sqlalchemy.orm import Session

from elkund.core.localtime import utcnow
from elkund.customers.authorised import AuthorisedUser, add_authorised_user
from elkund.customers.models import Customer, CustomerKind
from elkund.customers.service import create_business_login
from elkund.portal.auth import deps, repository
from elkund.portal.auth.deps import acting_customer
from elkund.portal.auth.domain import hash_token
from elkund.portal.auth.errors import NotActingFor
from elkund.portal.auth.models import PortalSession
from elkund.portal.auth.service import (
    TOUCH_INTERVAL,
    ResumedSession,
    StartedSession,
    resume,
    resume_session,
    start_business_session,
    start_person_session,
)
from elkund.portal.auth.settings import AuthSettings
from tests.factories import fake_personnummer, make_customer, org_number

PERSON = fake_personnummer("19800101", 984)
SETTINGS = AuthSettings()


@dataclass(frozen=True)
class People:
    person: Customer
    company: Customer  # registered the person as an authorised user
    other_company: Customer  # did not
    stranger: Customer


@pytest.fixture
def people(session: Session) -> People:
    person = make_customer(session, identity_number=PERSON, name="Anna Andersson")
    company = make_customer(session, identity_number=org_number(601), name="Bygg AB")
    other = make_customer(session, identity_number=org_number(602), name="Annat AB")
    stranger = make_customer(session, identity_number=fake_personnummer("19700101", 985))
    login = create_business_login(session, customer=company, username="bygg", password="x" * 16)
    add_authorised_user(
        session, company=company, person_number=PERSON, name="Anna", created_by=login
    )
    return People(person, company, other, stranger)


def _sign_in(session: Session, *, now: datetime | None = None) -> StartedSession:
    return start_person_session(
        session, person_number=PERSON, now=now or utcnow(), settings=SETTINGS
    )


def _access(session: Session, started: StartedSession) -> repository.SessionAccess:
    access = repository.session_access(session, session_id=hash_token(started.token))
    assert access is not None
    return access


def _stored(session: Session, started: StartedSession) -> PortalSession | None:
    session.expire_all()
    return session.get(PortalSession, hash_token(started.token))


def _act_for(session: Session, started: StartedSession, customer: Customer) -> None:
    repository.set_acting_for(
        session, session_id=hash_token(started.token), customer_id=customer.id
    )


@contextmanager
def _statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = session.get_bind()

    def record(*args: Any) -> None:
        seen.append(args[2])

    listener: Callable[..., None] = record
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


# --- session_access ------------------------------------------------------------------------


def test_a_person_may_act_for_themself_and_the_companies_that_registered_them(
    session: Session, people: People
) -> None:
    now = utcnow()
    started = _sign_in(session, now=now)
    access = _access(session, started)
    assert access == repository.SessionAccess(
        id=hash_token(started.token),
        person_number=PERSON,
        business_login_id=None,
        acting_for=people.person.id,
        csrf_token=started.user.csrf_token,
        last_seen_at=access.last_seen_at,
        expires_at=access.expires_at,
        customer_ids=frozenset({people.person.id, people.company.id}),
        acting_customer=people.person,
    )
    # Timestamps come back as stored (whole seconds on SQLite).
    assert abs(access.last_seen_at - now) < timedelta(seconds=1)
    assert abs(access.expires_at - (now + SETTINGS.lifetime)) < timedelta(seconds=1)


def test_an_unknown_session_is_none(session: Session, people: People) -> None:
    _sign_in(session)
    assert repository.session_access(session, session_id=hash_token("made-up")) is None


def test_a_company_login_acts_for_its_own_company_only(session: Session, people: People) -> None:
    login = create_business_login(
        session, customer=people.other_company, username="annat", password="y" * 16
    )
    started = start_business_session(session, login=login, now=utcnow(), settings=SETTINGS)
    access = _access(session, started)
    assert (access.person_number, access.business_login_id) == (None, login.id)
    assert access.customer_ids == frozenset({people.other_company.id})
    assert access.acting_customer is people.other_company


def test_removing_the_authorised_user_removes_the_company_at_once(
    session: Session, people: People
) -> None:
    started = _sign_in(session)
    session.execute(delete(AuthorisedUser).where(AuthorisedUser.company_id == people.company.id))
    assert _access(session, started).customer_ids == frozenset({people.person.id})


def test_a_person_without_any_customer_may_act_for_nobody(session: Session, people: People) -> None:
    started = _sign_in(session)
    session.execute(delete(AuthorisedUser))
    session.execute(
        update(Customer).where(Customer.id == people.person.id).values(kind=CustomerKind.BUSINESS)
    )
    assert _access(session, started).customer_ids == frozenset()


def test_the_acting_customer_is_persistent_and_needs_no_more_sql(
    session: Session, people: People
) -> None:
    started = _sign_in(session)
    _act_for(session, started, people.company)
    company_id = people.company.id
    session.expunge_all()  # as in a new request: nothing loaded yet
    access = _access(session, started)
    with _statements(session) as seen:
        customer = session.get(Customer, company_id)
        session.flush()
    assert seen == []
    assert customer is access.acting_customer
    assert customer is not None
    assert (customer.id, customer.name, customer.kind) == (company_id, "Bygg AB", "business")
    assert customer in session
    assert (list(session.new), list(session.dirty), list(session.deleted)) == ([], [], [])


def test_an_instance_the_session_holds_already_is_kept(session: Session, people: People) -> None:
    started = _sign_in(session)
    assert _access(session, started).acting_customer is people.person


# --- resume ---------------------------------------------------------------------------------


def test_resume_gives_the_user_and_the_acting_customer(session: Session, people: People) -> None:
    started = _sign_in(session)
    _act_for(session, started, people.company)
    resumed = resume(session, token=started.token, now=utcnow(), settings=SETTINGS)
    assert resumed is not None
    assert resumed.user.acting_for == people.company.id
    assert resumed.user.customer_ids == frozenset({people.person.id, people.company.id})
    assert resumed.user.csrf_token == started.user.csrf_token
    assert resumed.acting_customer is people.company


def test_an_unknown_token_resumes_nothing(session: Session, people: People) -> None:
    assert resume_session(session, token="made-up", now=utcnow(), settings=SETTINGS) is None


def test_an_idle_session_is_deleted(session: Session, people: People) -> None:
    now = utcnow()
    started = _sign_in(session, now=now - SETTINGS.idle_timeout - timedelta(seconds=1))
    assert resume_session(session, token=started.token, now=now, settings=SETTINGS) is None
    assert _stored(session, started) is None


def test_an_expired_session_is_deleted_even_when_just_used(
    session: Session, people: People
) -> None:
    now = utcnow()
    started = _sign_in(session, now=now - SETTINGS.lifetime - timedelta(seconds=1))
    session.execute(update(PortalSession).values(last_seen_at=now - timedelta(seconds=5)))
    assert resume_session(session, token=started.token, now=now, settings=SETTINGS) is None
    assert _stored(session, started) is None


def test_a_session_for_a_company_that_removed_the_person_is_deleted(
    session: Session, people: People
) -> None:
    started = _sign_in(session)
    _act_for(session, started, people.company)
    session.execute(delete(AuthorisedUser).where(AuthorisedUser.company_id == people.company.id))
    assert resume_session(session, token=started.token, now=utcnow(), settings=SETTINGS) is None
    assert _stored(session, started) is None


def test_a_session_acting_for_a_company_that_never_registered_the_person_is_deleted(
    session: Session, people: People
) -> None:
    started = _sign_in(session)
    _act_for(session, started, people.other_company)
    assert resume_session(session, token=started.token, now=utcnow(), settings=SETTINGS) is None
    assert _stored(session, started) is None


def test_last_seen_is_written_at_most_once_a_minute(session: Session, people: People) -> None:
    now = utcnow().replace(microsecond=0)  # SQLite keeps whole seconds
    started = _sign_in(session, now=now - TOUCH_INTERVAL + timedelta(seconds=2))
    assert resume_session(session, token=started.token, now=now, settings=SETTINGS) is not None
    stored = _stored(session, started)
    assert stored is not None
    assert stored.last_seen_at == now - TOUCH_INTERVAL + timedelta(seconds=2)

    later = now + timedelta(seconds=2)
    assert resume_session(session, token=started.token, now=later, settings=SETTINGS) is not None
    stored = _stored(session, started)
    assert stored is not None
    assert stored.last_seen_at == later


# --- acting_customer ------------------------------------------------------------------------


def test_acting_customer_takes_the_loaded_customer_only_if_it_is_the_acting_one(
    session: Session, people: People
) -> None:
    started = _sign_in(session)
    user = started.user
    assert acting_customer(user, session, loaded=people.person) is people.person
    assert acting_customer(user, session, loaded=people.company) is people.person
    assert acting_customer(user, session) is people.person


def test_acting_customer_refuses_a_customer_the_user_may_not_act_for(
    session: Session, people: People
) -> None:
    user = _sign_in(session).user  # may act for the person and the company only
    forged = type(user)(
        person_number=user.person_number,
        business_login_id=None,
        customer_ids=user.customer_ids,
        acting_for=people.stranger.id,
        csrf_token=user.csrf_token,
    )
    with pytest.raises(NotActingFor):
        acting_customer(forged, session, loaded=people.stranger)
    with pytest.raises(NotActingFor):
        acting_customer(forged, session)


def test_the_dependency_reads_in_a_thread_only_a_customer_resume_did_not_read(
    session: Session, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = _sign_in(session).user
    in_thread: list[object] = []

    async def recorded(function: Callable[..., Customer], *args: Any) -> Customer:
        in_thread.append(function)
        return function(*args)

    monkeypatch.setattr(deps, "run_in_threadpool", recorded)
    with start_blocking_portal() as portal:  # its own event loop: another may run in this thread
        read = ResumedSession(user, people.person)
        assert portal.call(deps._acting_customer, read, session) is people.person
        assert in_thread == []
        for loaded in (None, people.company):  # not read, or not the acting one
            resumed = ResumedSession(user, loaded)
            assert portal.call(deps._acting_customer, resumed, session) is people.person
    assert in_thread == [acting_customer, acting_customer]


# --- sign-in: the same definition of whom a person may act for -----------------------------


def test_sign_in_acts_for_the_person_first_then_lists_companies_by_name(
    session: Session, people: People
) -> None:
    first = make_customer(session, identity_number=org_number(603), name="Aaa AB")
    login = create_business_login(session, customer=first, username="aaa", password="z" * 16)
    add_authorised_user(session, company=first, person_number=PERSON, name=None, created_by=login)
    ids = repository.customer_ids_of_person(session, person_number=PERSON)
    assert ids == [people.person.id, first.id, people.company.id]
    started = _sign_in(session)
    assert started.user.acting_for == people.person.id
    assert _access(session, started).customer_ids == frozenset(ids)

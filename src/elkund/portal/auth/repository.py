"""All SQL of portal sign-in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    RowMapping,
    Select,
    bindparam,
    delete,
    func,
    inspect,
    literal,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import Session, make_transient_to_detached

from elkund.customers.authorised import AuthorisedUser
from elkund.customers.models import BusinessLogin, Customer, CustomerKind
from elkund.portal.auth.models import LoginFailure, PortalSession


@dataclass(frozen=True, slots=True)
class SessionAccess:
    """A stored session as plain values, with the customers its identity may act for now."""

    id: str
    person_number: str | None
    business_login_id: int | None
    acting_for: int
    csrf_token: str
    last_seen_at: datetime
    expires_at: datetime
    customer_ids: frozenset[int]
    acting_customer: Customer | None  # persistent in the session it was read with


def _customers_of_person(
    person_number: str | ColumnElement[str | None],
) -> tuple[Select[Any], Select[Any]]:
    """Whom a person may act for, as ``(id, rank, name)``: the private customer with their
    number (rank 0) and the companies that registered them as an authorised user (rank 1).

    The one definition for signing in and for every request after (``session_access``).
    """
    customers, authorised = Customer.__table__, AuthorisedUser.__table__
    private = select(customers.c.id, literal(0).label("rank"), customers.c.name).where(
        customers.c.identity_number == person_number, customers.c.kind == CustomerKind.PRIVATE
    )
    companies = (
        select(customers.c.id, literal(1).label("rank"), customers.c.name)
        .join_from(authorised, customers, customers.c.id == authorised.c.company_id)
        .where(authorised.c.person_number == person_number)
    )
    return private, companies


def _session_access_query() -> Select[Any]:
    """One row per customer the session's identity may act for (one row with a NULL
    ``customer_id`` if none): a person whom ``_customers_of_person`` gives, a company login its
    own company. Each row carries the session's columns and those of the customer it acts for
    (``acting_*``)."""
    sessions, customers = PortalSession.__table__, Customer.__table__
    logins = BusinessLogin.__table__
    current = select(sessions).where(sessions.c.id == bindparam("session_id")).cte("current")
    person = union_all(*_customers_of_person(current.c.person_number)).subquery("person")
    company_login = select(logins.c.customer_id).join_from(
        current, logins, logins.c.id == current.c.business_login_id
    )
    allowed = union_all(select(person.c.id), company_login).subquery("allowed")
    acting = customers.alias("acting")
    return (
        select(
            current,
            allowed.c.id.label("customer_id"),
            *(column.label(f"acting_{column.name}") for column in acting.c),
        )
        .select_from(current)
        .outerjoin(allowed, true())
        .outerjoin(acting, acting.c.id == current.c.acting_for)
    )


# Built once: building this statement costs more Python than running it.
_SESSION_ACCESS = _session_access_query()
_CUSTOMER_FIELDS = tuple(
    (field.key, f"acting_{field.columns[0].name}") for field in inspect(Customer).column_attrs
)


def session_access(db: Session, *, session_id: str) -> SessionAccess | None:
    """The session ``session_id``, whom its identity may act for now and the customer it acts
    for, in one round trip (every portal request asks), read as plain rows: the customer is made
    persistent in ``db`` as if a query had loaded it, without loading or tracking the session."""
    rows = db.execute(_SESSION_ACCESS, {"session_id": session_id}).all()
    if not rows:
        return None
    first = rows[0]
    return SessionAccess(
        id=first.id,
        person_number=first.person_number,
        business_login_id=first.business_login_id,
        acting_for=first.acting_for,
        csrf_token=first.csrf_token,
        last_seen_at=first.last_seen_at,
        expires_at=first.expires_at,
        customer_ids=frozenset(row.customer_id for row in rows if row.customer_id is not None),
        acting_customer=_acting_customer(db, first._mapping),
    )


def _acting_customer(db: Session, row: RowMapping) -> Customer | None:
    """The ``acting_*`` columns as a persistent ``Customer`` of ``db`` (no SQL); an instance
    ``db`` holds already is kept, as a query would keep it."""
    if row["acting_id"] is None:
        return None
    held = db.identity_map.get(db.identity_key(Customer, row["acting_id"]))
    if isinstance(held, Customer):
        return held
    customer = Customer(**{key: row[label] for key, label in _CUSTOMER_FIELDS})
    make_transient_to_detached(customer)  # as if loaded: no pending changes, no INSERT
    db.add(customer)
    return customer


def touch_session(db: Session, *, session_id: str, now: datetime) -> None:
    db.execute(update(PortalSession).where(PortalSession.id == session_id).values(last_seen_at=now))


def add_session(db: Session, record: PortalSession) -> None:
    db.add(record)
    db.flush()


def delete_session(db: Session, *, session_id: str) -> None:
    db.execute(delete(PortalSession).where(PortalSession.id == session_id))


def delete_expired_sessions(db: Session, *, now: datetime) -> int:
    result = db.execute(delete(PortalSession).where(PortalSession.expires_at <= now))
    return int(result.rowcount)  # type: ignore[attr-defined]


def customer_ids_of_person(db: Session, *, person_number: str) -> list[int]:
    """The customers a person may act for: themself as a private customer first, then the
    companies that registered them as an authorised user (TPA-5), by name."""
    both = union_all(*_customers_of_person(person_number)).subquery()
    query = select(both.c.id).order_by(both.c.rank, both.c.name, both.c.id)
    return list(db.scalars(query))


def get_business_login(db: Session, *, login_id: int) -> BusinessLogin | None:
    return db.get(BusinessLogin, login_id)


def private_customers(db: Session, *, limit: int) -> Sequence[Customer]:
    query = (
        select(Customer)
        .where(Customer.kind == CustomerKind.PRIVATE)
        .order_by(Customer.name, Customer.id)
        .limit(limit)
    )
    return db.scalars(query).all()


def count_failures(db: Session, *, username_hash: str, since: datetime) -> int:
    query = select(func.count()).where(
        LoginFailure.username_hash == username_hash, LoginFailure.failed_at > since
    )
    return int(db.scalar(query) or 0)


def add_failure(db: Session, *, username_hash: str, now: datetime) -> None:
    db.add(LoginFailure(username_hash=username_hash, failed_at=now))
    db.flush()


def clear_failures(db: Session, *, username_hash: str) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.username_hash == username_hash))


def set_acting_for(db: Session, *, session_id: str, customer_id: int) -> None:
    """Show another customer's pages in this session; the caller checks the user may act for it."""
    db.execute(
        update(PortalSession).where(PortalSession.id == session_id).values(acting_for=customer_id)
    )

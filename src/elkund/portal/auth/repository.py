"""All SQL of portal sign-in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, literal, select, union_all, update
from sqlalchemy.orm import Session

from elkund.customers.authorised import AuthorisedUser
from elkund.customers.models import BusinessLogin, Customer, CustomerKind
from elkund.portal.auth.models import LoginFailure, PortalSession


def get_session(db: Session, *, session_id: str) -> PortalSession | None:
    return db.get(PortalSession, session_id)


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
    companies that registered them as an authorised user (TPA-5), by name.

    One query (every portal request asks): a rank puts the private customer first.
    """
    private = select(Customer.id, literal(0).label("rank"), Customer.name).where(
        Customer.identity_number == person_number, Customer.kind == CustomerKind.PRIVATE
    )
    companies = (
        select(Customer.id, literal(1).label("rank"), Customer.name)
        .join(AuthorisedUser, AuthorisedUser.company_id == Customer.id)
        .where(AuthorisedUser.person_number == person_number)
    )
    both = union_all(private, companies).subquery()
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

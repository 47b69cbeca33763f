"""Authorised users of a business customer (TPA-5).

A company signs in with its username and password and registers the persons who may act for it
by personnummer. Such a person signs in with e-ID and may then act for themself and for every
company that registered them. Removing the registration takes effect at once: the portal works
out whom a person may act for on every request (EU-5: nobody sees another customer's data).

Services only flush; the request that calls them commits.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ForeignKey, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from elkund.core.db import Base, TimestampedMixin
from elkund.core.errors import AppError, Invalid, NotFound
from elkund.customers.identity import parse_person_number
from elkund.customers.models import BusinessLogin, Customer, CustomerKind


class AuthorisedUser(TimestampedMixin, Base):
    """A person who may act for a business customer in "Mina sidor" (TPA-5)."""

    __tablename__ = "authorised_users"
    __table_args__ = (UniqueConstraint("company_id", "person_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    # Personnummer or samordningsnummer, 12 digits. Sensitive: never log it.
    person_number: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    created_by_login_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_logins.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"AuthorisedUser(id={self.id!r}, company_id={self.company_id!r})"


class AuthorisedUserExists(AppError):
    code = "authorised_user_exists"
    status = 409


class NotABusiness(Invalid):
    code = "not_a_business"


class UnknownAuthorisedUser(NotFound):
    code = "unknown_authorised_user"


def add_authorised_user(
    db: Session,
    *,
    company: Customer,
    person_number: str,
    name: str | None,
    created_by: BusinessLogin,
) -> AuthorisedUser:
    """Register a person (any spelling of a valid personnummer) as a user of the company."""
    if company.kind != CustomerKind.BUSINESS:
        raise NotABusiness("Only a business customer has authorised users.")
    number = parse_person_number(person_number).value
    if _find(db, company_id=company.id, person_number=number) is not None:
        raise AuthorisedUserExists("This person is already a user of the company.")
    user = AuthorisedUser(
        company_id=company.id,
        person_number=number,
        name=(name or "").strip() or None,
        created_by_login_id=created_by.id,
    )
    db.add(user)
    db.flush()
    return user


def list_authorised_users(db: Session, *, company: Customer) -> Sequence[AuthorisedUser]:
    query = (
        select(AuthorisedUser)
        .where(AuthorisedUser.company_id == company.id)
        .order_by(AuthorisedUser.created_at, AuthorisedUser.id)
    )
    return db.scalars(query).all()


def remove_authorised_user(db: Session, *, company: Customer, authorised_user_id: int) -> None:
    """Remove one of the company's users; another company's user is not found (EU-5)."""
    result = db.execute(
        delete(AuthorisedUser).where(
            AuthorisedUser.id == authorised_user_id, AuthorisedUser.company_id == company.id
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise UnknownAuthorisedUser("No such user of this company.")


def _find(db: Session, *, company_id: int, person_number: str) -> AuthorisedUser | None:
    query = select(AuthorisedUser).where(
        AuthorisedUser.company_id == company_id, AuthorisedUser.person_number == person_number
    )
    return db.scalars(query).one_or_none()

"""Registering and finding customers by identity number, and the logins of companies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from elkund.core.errors import AppError, Invalid
from elkund.customers.identity import parse_identity_number
from elkund.customers.models import BusinessLogin, Customer, CustomerKind
from elkund.customers.passwords import hash_password

MIN_PASSWORD_LENGTH = 12


class CustomerExists(AppError):
    code = "customer_exists"
    status = 409


class LoginExists(AppError):
    code = "login_exists"
    status = 409


class WeakPassword(Invalid):
    code = "weak_password"


def register_customer(
    session: Session,
    *,
    identity_number: str,
    name: str,
    email: str | None = None,
    phone: str | None = None,
) -> Customer:
    """A private customer for a person's number, a business customer for an organisation's."""
    number = parse_identity_number(identity_number)
    if find_customer(session, identity_number=number.value) is not None:
        raise CustomerExists("A customer with this identity number is already registered.")
    kind = CustomerKind.PRIVATE if number.is_person else CustomerKind.BUSINESS
    customer = Customer(
        kind=kind, identity_number=number.value, name=name, email=email, phone=phone
    )
    session.add(customer)
    session.flush()
    return customer


def find_customer(session: Session, *, identity_number: str) -> Customer | None:
    number = parse_identity_number(identity_number).value
    return session.scalars(select(Customer).where(Customer.identity_number == number)).one_or_none()


def create_business_login(
    session: Session, *, customer: Customer, username: str, password: str
) -> BusinessLogin:
    """The username and password a company signs in with; only an Argon2 hash is stored."""
    if customer.kind != CustomerKind.BUSINESS:
        raise Invalid("Only a business customer signs in with a username and password.")
    name = username.strip().lower()
    if not name:
        raise Invalid("A username is required.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"A password has at least {MIN_PASSWORD_LENGTH} characters.")
    if find_business_login(session, username=name) is not None:
        raise LoginExists("This username is taken.")
    login = BusinessLogin(
        customer_id=customer.id, username=name, password_hash=hash_password(password)
    )
    session.add(login)
    session.flush()
    return login


def find_business_login(session: Session, *, username: str) -> BusinessLogin | None:
    query = select(BusinessLogin).where(BusinessLogin.username == username.strip().lower())
    return session.scalars(query).one_or_none()

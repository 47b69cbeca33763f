"""TPA-5: a company signs in first with a username and password; only a hash is stored."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from elkund.core.errors import Invalid
from elkund.customers import passwords
from elkund.customers.service import (
    LoginExists,
    WeakPassword,
    create_business_login,
    find_business_login,
)
from tests.factories import make_customer, org_number


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)


def test_a_company_gets_a_login_found_by_username(session: Session) -> None:
    company = make_customer(session, identity_number=org_number(7001), name="Bageriet AB")
    login = create_business_login(
        session, customer=company, username=" Bageriet ", password="long enough secret"
    )
    assert login.username == "bageriet"
    assert find_business_login(session, username="BAGERIET") == login
    assert passwords.verify_password(login.password_hash, "long enough secret")
    assert find_business_login(session, username="someone-else") is None


def test_a_username_is_taken_once(session: Session) -> None:
    first = make_customer(session, identity_number=org_number(7002), name="Ett AB")
    second = make_customer(session, identity_number=org_number(7003), name="Två AB")
    create_business_login(session, customer=first, username="firma", password="x" * 12)
    with pytest.raises(LoginExists) as caught:
        create_business_login(session, customer=second, username="Firma", password="y" * 12)
    assert (caught.value.code, caught.value.status) == ("login_exists", 409)


def test_a_short_password_is_refused(session: Session) -> None:
    company = make_customer(session, identity_number=org_number(7004), name="Kort AB")
    with pytest.raises(WeakPassword) as caught:
        create_business_login(session, customer=company, username="kort", password="x" * 11)
    assert caught.value.code == "weak_password"


def test_a_person_signs_in_with_e_id_not_a_password(session: Session) -> None:
    person = make_customer(session)
    with pytest.raises(Invalid, match="business customer"):
        create_business_login(session, customer=person, username="privat", password="x" * 12)

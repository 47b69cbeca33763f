"""Business-login passwords are stored only as Argon2id hashes."""

from __future__ import annotations

from argon2 import PasswordHasher

from elkund.customers.passwords import hash_password, needs_rehash, verify_password


def test_a_password_verifies_against_its_hash_only() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse battery!")


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("same password") != hash_password("same password")


def test_a_malformed_hash_is_a_mismatch_not_an_error() -> None:
    assert not verify_password("not-a-hash", "anything")
    assert not verify_password("", "anything")


def test_hashes_made_with_weaker_parameters_need_rehashing() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("old password")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("new password"))

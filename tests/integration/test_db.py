"""Units of work on real transactions: a reader that must write after all (a GET with a log)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import begin_writing, session_scope
from elkund.customers.models import Customer
from tests.factories import make_customer


def count_customers(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Customer)) or 0


def test_a_reader_can_write_after_another_connection_wrote(
    committed: sessionmaker[Session],
) -> None:
    with session_scope(committed) as reader:
        before = count_customers(reader)  # the reader's snapshot starts here
        with session_scope(committed, write=True) as other:
            make_customer(other)
        begin_writing(reader)
        make_customer(reader)
    with session_scope(committed) as session:
        assert count_customers(session) == before + 2


def test_without_it_sqlite_refuses_the_stale_reader_at_once(
    committed: sessionmaker[Session],
) -> None:
    """Why ``begin_writing`` exists: WAL mode does not wait for a snapshot that went stale."""
    if committed.kw["bind"].dialect.name != "sqlite":
        pytest.skip("PostgreSQL lets a reader write after others did")
    reader = committed()
    try:
        count_customers(reader)
        with session_scope(committed, write=True) as other:
            make_customer(other)
        reader.add(Customer(kind="private", identity_number="198001019802", name="Sent"))
        with pytest.raises(OperationalError, match="database is locked"):
            reader.flush()
    finally:
        reader.rollback()
        reader.close()


def test_changes_before_it_are_refused_not_committed_half_way(
    committed: sessionmaker[Session],
) -> None:
    with session_scope(committed) as session:
        before = count_customers(session)
        session.add(Customer(kind="private", identity_number="198001019802", name="Halvvägs"))
        with pytest.raises(RuntimeError, match="after changes"):
            begin_writing(session)
        session.rollback()
    with session_scope(committed) as session:
        assert count_customers(session) == before


def test_a_writer_goes_on_in_the_same_transaction(committed: sessionmaker[Session]) -> None:
    with session_scope(committed, write=True) as session:
        make_customer(session)
        transaction = session.get_transaction()
        begin_writing(session)
        assert session.get_transaction() is transaction

"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, event, text

from elkund.core.db import create_db_engine, make_session_factory, session_scope
from elkund.migrate import alembic_config


def test_models_and_migrations_agree(engine: Engine) -> None:
    config = alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises if autogenerate would find any difference


def test_a_writing_unit_of_work_takes_the_sqlite_write_lock_up_front(tmp_path: object) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path}/lock.db")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cu, sql, *_: statements.append(sql))
    factory = make_session_factory(engine)
    with session_scope(factory, write=True) as session:
        session.execute(text("SELECT 1"))
    with session_scope(factory) as session:
        session.execute(text("SELECT 1"))
    engine.dispose()
    assert statements == ["BEGIN IMMEDIATE", "SELECT 1", "BEGIN", "SELECT 1"]


def test_invoice_documents_are_compressed_with_lz4_on_postgresql(engine: Engine) -> None:
    """Migration 5a0b1e000011: a billing run's ~4 kB documents are stored with lz4, not pglz."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite does not compress")
    with engine.connect() as connection:
        method = connection.execute(
            text(
                "SELECT attcompression FROM pg_attribute"
                " WHERE attrelid = 'invoices'::regclass AND attname = 'document'"
            )
        ).scalar_one()
    assert method == "l"

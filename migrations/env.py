"""Alembic environment: the URL comes from the caller's connection or from ELKUND_DATABASE_URL."""

from alembic import context

from elkund.core.db import create_db_engine
from elkund.core.settings import get_settings
from elkund.schema import metadata

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_db_engine(
        config.get_main_option("sqlalchemy.url") or get_settings().database_url
    )
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

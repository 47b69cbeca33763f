"""Running the Alembic migrations from code (CLI, tests, benchmarks)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from elkund.core.db import create_db_engine

_ROOT = Path(__file__).resolve().parent
_CANDIDATES = (_ROOT.parent.parent / "alembic.ini", _ROOT / "alembic.ini")


def alembic_config() -> Config:
    for path in _CANDIDATES:
        if path.exists():
            return Config(str(path))
    raise FileNotFoundError("alembic.ini not found next to the project")


def upgrade(url: str, revision: str = "head") -> None:
    engine = create_db_engine(url)
    try:
        upgrade_engine(engine, revision)
    finally:
        engine.dispose()


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

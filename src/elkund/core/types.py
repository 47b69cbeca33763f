"""Column types shared by every domain."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class UtcTimestamp(TypeDecorator[datetime]):
    """An aware UTC instant: ``timestamptz`` on PostgreSQL, integer epoch seconds on SQLite.

    Integers keep SQLite rows small and make range scans cheap; PostgreSQL has a native type.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: every instant must carry a time zone")
        if dialect.name == "sqlite":
            return int(value.timestamp())
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, int):
            return datetime.fromtimestamp(value, UTC)
        assert isinstance(value, datetime)
        return value.astimezone(UTC)


class ScaledDecimal(TypeDecorator[Decimal]):
    """An exact decimal stored as a scaled integer on every database.

    SQLite has no exact decimal type; a scaled integer is exact, sortable and summable in SQL.
    """

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int = 4) -> None:
        super().__init__()
        self.scale = scale
        self._factor = Decimal(10) ** scale

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * self._factor
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimals")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)) / self._factor

"""Meter values, their superseded versions, and the daily rollup.

``meter_values`` holds the current version of each interval, keyed by (installation, start), so
that reads never have to pick the latest version. A correction moves the old row to
``meter_value_revisions`` and bumps ``version``; history is kept there.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base
from elkund.core.localtime import utcnow


class MeterValue(Base):
    __tablename__ = "meter_values"
    __table_args__ = {"sqlite_with_rowid": False}

    installation_id: Mapped[int] = mapped_column(
        ForeignKey("installations.id"), primary_key=True, autoincrement=False
    )
    start: Mapped[datetime] = mapped_column(primary_key=True)  # interval start, UTC
    resolution: Mapped[int] = mapped_column(SmallInteger)  # minutes: 15 or 60
    wh: Mapped[int] = mapped_column(Integer)
    quality: Mapped[int] = mapped_column(SmallInteger)
    version: Mapped[int] = mapped_column(SmallInteger, default=1)


class MeterValueRevision(Base):
    """A version of a meter value that a later correction replaced."""

    __tablename__ = "meter_value_revisions"
    __table_args__ = {"sqlite_with_rowid": False}

    installation_id: Mapped[int] = mapped_column(
        ForeignKey("installations.id"), primary_key=True, autoincrement=False
    )
    start: Mapped[datetime] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    resolution: Mapped[int] = mapped_column(SmallInteger)
    wh: Mapped[int] = mapped_column(Integer)
    quality: Mapped[int] = mapped_column(SmallInteger)
    superseded_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeterValueDay(Base):
    """Daily rollup per installation and local (Europe/Stockholm) date, kept in step with ingest.

    ``changed_at`` marks the last time any value of the day changed, which is how deliveries find
    new and corrected values without a timestamp on every value.
    """

    __tablename__ = "meter_value_days"
    __table_args__ = {"sqlite_with_rowid": False}

    installation_id: Mapped[int] = mapped_column(
        ForeignKey("installations.id"), primary_key=True, autoincrement=False
    )
    local_date: Mapped[date] = mapped_column(primary_key=True)
    wh: Mapped[int] = mapped_column(BigInteger)
    minutes_present: Mapped[int] = mapped_column(Integer)  # minutes covered by non-missing values
    estimated_count: Mapped[int] = mapped_column(Integer)
    missing_count: Mapped[int] = mapped_column(Integer)  # values flagged missing by the meter
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Σ Wh × 4·öre/kWh·10^7 of every value of the day at its zone's day-ahead prices
    # (``price_grid``'s rules), and the version of the zone's prices of that day it was computed
    # with (``price_days``). None when a value had no price or the sum could leave int64; a
    # reader trusts ``cost`` only while ``prices_version`` is the day's current one (ADR 0022).
    cost: Mapped[int | None] = mapped_column(BigInteger)
    prices_version: Mapped[int | None] = mapped_column(Integer)

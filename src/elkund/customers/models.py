"""Electricity customers: private persons and companies, and the logins of companies."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base, TimestampedMixin


class CustomerKind(StrEnum):
    PRIVATE = "private"
    BUSINESS = "business"


class Customer(TimestampedMixin, Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CustomerKind] = mapped_column(String(16))
    # Personnummer/samordningsnummer or organisationsnummer, 12 digits. Sensitive: never log it.
    identity_number: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))

    def __repr__(self) -> str:
        return f"Customer(id={self.id!r}, kind={self.kind!r})"


class BusinessLogin(TimestampedMixin, Base):
    """The username and password a company first signs in with (TPA-5)."""

    __tablename__ = "business_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))

"""The companies that take part: the grid company running elkund, suppliers and ESCOs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base, TimestampedMixin


class PartyRole(StrEnum):
    GRID_COMPANY = "grid_company"
    SUPPLIER = "supplier"
    ESCO = "esco"
    AGGREGATOR = "aggregator"  # provides aggregation services (SUP-21)


class PartyStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class Party(TimestampedMixin, Base):
    __tablename__ = "parties"
    __table_args__ = (UniqueConstraint("role", "org_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[PartyRole] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str] = mapped_column(String(12))  # normalised, 16NNNNNNNNNC
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[PartyStatus] = mapped_column(
        String(16), default=PartyStatus.ACTIVE, server_default=PartyStatus.ACTIVE.value
    )
    # Where an ESCO receives signed notifications, and the secret they are signed with (kept in
    # clear because signing needs it; it is shown to the ESCO once, like its client secret).
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    webhook_secret: Mapped[str | None] = mapped_column(String(100))

    @property
    def is_active(self) -> bool:
        return self.status == PartyStatus.ACTIVE


class OAuthClient(TimestampedMixin, Base):
    """OAuth2 client credentials of a party; only a hash of the secret is stored."""

    __tablename__ = "oauth_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(128))
    revoked_at: Mapped[datetime | None]


class AccessToken(TimestampedMixin, Base):
    """An issued bearer token, stored as a hash so a leaked table grants nothing."""

    __tablename__ = "access_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("oauth_clients.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    expires_at: Mapped[datetime]

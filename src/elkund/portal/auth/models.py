"""Server-side sessions of "Mina sidor" and the failed password sign-ins that throttle logins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from elkund.core.db import Base


class PortalSession(Base):
    """One signed-in browser. The cookie holds a random token; only its SHA-256 is stored here.

    Exactly one of ``person_number`` (signed in with e-ID) and ``business_login_id`` (a company's
    username and password) is set. ``acting_for`` is the customer whose pages are shown.
    """

    __tablename__ = "portal_sessions"
    __table_args__ = (
        CheckConstraint(
            "(person_number IS NULL) <> (business_login_id IS NULL)", name="one_identity"
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Personnummer or samordningsnummer, 12 digits. Sensitive: never log it.
    person_number: Mapped[str | None] = mapped_column(String(12), index=True)
    business_login_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_logins.id", ondelete="CASCADE"), index=True
    )
    acting_for: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginFailure(Base):
    """A failed username + password sign-in; the username is stored as a SHA-256 only."""

    __tablename__ = "portal_login_failures"
    __table_args__ = (Index(None, "username_hash", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username_hash: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime]

"""Förbrukning fragments rendered ahead of time, kept in the database (``portal_fragments``).

When meter values are stored for an installation, a background job renders the page's usual
views for its current holder (``consumption.prerender``) and writes them here, so a customer's
first view of those periods is read, not rendered. A row names the installation, the view (period,
resolution, the holder's first day, language: the comparison with the year before is always shown)
and the version of the values it was made from (``metering.repository.days_version``); it is
served only when that version is still the current one, so a new or corrected value is never hidden
behind an older rendering (SUP-12). This module only stores and loads: who may see a fragment is
checked by the page before it asks for one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import ForeignKey, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from elkund.core.bulk import INTEGRITY_ERRORS
from elkund.core.db import Base
from elkund.portal.components.deflated import Deflated, deflate

_LEVEL = 6  # zlib's default: a year by day (~270 kB) shrinks about tenfold in a few ms


class PortalFragment(Base):
    """One rendered chart and table of one installation, for one version of its values."""

    __tablename__ = "portal_fragments"

    installation_id: Mapped[int] = mapped_column(
        ForeignKey("installations.id", ondelete="CASCADE"), primary_key=True
    )
    view_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    values_version: Mapped[str] = mapped_column(String(200))
    html: Mapped[bytes] = mapped_column(LargeBinary)  # UTF-8 as ``Deflated.stored``
    created_at: Mapped[datetime]


def version_text(version: Sequence[int]) -> str:
    """``days_version`` as stored: exact, so equal text means equal values."""
    return ",".join(str(part) for part in version)


def compress(html: Markup) -> Deflated:
    """A rendered fragment as the store keeps it and the page sends it."""
    return deflate(str(html).encode(), _LEVEL)


def load(session: Session, *, installation_id: int, view_key: str, version: str) -> Deflated | None:
    """The stored fragment of this view if it was made from exactly this version of the values,
    still deflated: the page sends it as it is (``components.deflated``)."""
    query = select(PortalFragment.html).where(
        PortalFragment.installation_id == installation_id,
        PortalFragment.view_key == view_key,
        PortalFragment.values_version == version,
    )
    stored = session.scalar(query)
    return None if stored is None else Deflated.from_stored(stored)


def replace_all(
    session: Session,
    *,
    installation_id: int,
    fragments: dict[str, tuple[str, Markup]],
    now: datetime,
) -> None:
    """The installation's fragments become exactly ``fragments`` (view key → version, HTML):
    views of earlier days and of a previous holder go."""
    session.execute(delete(PortalFragment).where(PortalFragment.installation_id == installation_id))
    session.add_all(
        _row(installation_id, view_key, version, compress(html).stored(), now)
        for view_key, (version, html) in fragments.items()
    )
    session.flush()


def save(
    session: Session,
    *,
    installation_id: int,
    view_key: str,
    version: str,
    html: Deflated,
    now: datetime,
) -> None:
    """Keep one fragment rendered by a page; a concurrent request that saved it first wins."""
    try:
        with session.begin_nested():
            session.execute(
                delete(PortalFragment).where(
                    PortalFragment.installation_id == installation_id,
                    PortalFragment.view_key == view_key,
                )
            )
            session.add(_row(installation_id, view_key, version, html.stored(), now))
    except INTEGRITY_ERRORS:
        pass  # the same view was saved by another request meanwhile


def _row(
    installation_id: int, view_key: str, version: str, stored: bytes, now: datetime
) -> PortalFragment:
    return PortalFragment(
        installation_id=installation_id,
        view_key=view_key,
        values_version=version,
        html=stored,
        created_at=now,
    )

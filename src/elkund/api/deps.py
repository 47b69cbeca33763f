"""Dependencies of the web layer: one database session per request, committed at the edge."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope

_READING = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    """A request that may write takes SQLite's write lock up front (see ``session_scope``)."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    with session_scope(factory, write=request.method not in _READING) as session:
        yield session


# "function" scope: the commit happens before the response is sent, so a client never hears
# "created" about something that then failed to commit.
DbSession = Annotated[Session, Depends(get_session, scope="function")]

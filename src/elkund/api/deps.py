"""Dependencies of the web layer: one database session per request, committed at the edge."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractContextManager
from typing import Annotated

from anyio import CancelScope, CapacityLimiter, to_thread
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope

_READING = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's unit of work (``session_scope``): committed at the end, rolled back on any
    error.

    Async, so that a request does not go to a worker thread and back only to open it: a session
    connects at its first statement, so a reading request opens it here without I/O. A request
    that may write takes SQLite's write lock up front, which waits, so in a thread. The end
    (commit or rollback, then close) runs in a thread, shielded from cancellation and outside the
    thread pool's limit, as FastAPI ends its own generator dependencies: a request whose client
    left still gives its connection back, and an end never waits for a thread held by a request
    that waits for that connection.
    """
    factory: sessionmaker[Session] = request.app.state.session_factory
    write = request.method not in _READING
    scope = session_scope(factory, write=write)
    session = await run_in_threadpool(scope.__enter__) if write else scope.__enter__()
    try:
        yield session
    except BaseException as error:
        await _end(scope, error)
        raise
    await _end(scope, None)


async def _end(scope: AbstractContextManager[Session], error: BaseException | None) -> None:
    with CancelScope(shield=True):
        await to_thread.run_sync(
            scope.__exit__,
            type(error) if error else None,
            error,
            error.__traceback__ if error else None,
            limiter=CapacityLimiter(1),
        )


# "function" scope: the commit happens before the response is sent, so a client never hears
# "created" about something that then failed to commit.
DbSession = Annotated[Session, Depends(get_session, scope="function")]

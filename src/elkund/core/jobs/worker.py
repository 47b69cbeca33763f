"""The worker loop: claim, run, finish or retry, one transaction per step."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.core.jobs.queue import Job, claim, finish, retry_later
from elkund.core.localtime import utcnow

log = structlog.get_logger(__name__)

Handler = Callable[[Session, dict[str, Any]], dict[str, Any] | None]
LEASE = timedelta(minutes=5)


class UnknownJobKind(Exception):
    pass


class RetryLater(Exception):
    """A failed attempt that leaves a trace which must outlive the rollback of its transaction.

    A handler raises it like any error: its transaction is rolled back and the job is retried with
    backoff. ``keep`` then runs in the transaction that schedules the retry, so what it writes (e.g.
    the record of a failed webhook attempt) is committed together with the job's new state.
    """

    def __init__(self, message: str, *, keep: Callable[[Session], None]) -> None:
        super().__init__(message)
        self.keep = keep


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def run_next(
    factory: sessionmaker[Session],
    handlers: Mapping[str, Handler],
    *,
    worker: str,
    now: Callable[[], datetime] = utcnow,
    lease: timedelta = LEASE,
) -> bool:
    """Run one due job, if any. Returns whether there was one."""
    with session_scope(factory, write=True) as session:
        job = claim(session, worker=worker, now=now(), lease=lease)
    if job is None:
        return False
    try:
        with session_scope(factory, write=True) as session:
            result = _handler(handlers, job)(session, job.payload)
            if not finish(session, job=job, worker=worker, now=now(), result=result):
                raise RuntimeError("lease lost: another worker took the job over")
    except Exception as error:
        with session_scope(factory, write=True) as session:
            if isinstance(error, RetryLater):
                error.keep(session)
            again = retry_later(session, job=job, worker=worker, now=now(), error=repr(error))
        log.warning(
            "job.failed", job_id=job.id, kind=job.kind, attempt=job.attempts, retry_at=str(again)
        )
        return True
    log.info("job.done", job_id=job.id, kind=job.kind, attempt=job.attempts)
    return True


def _handler(handlers: Mapping[str, Handler], job: Job) -> Handler:
    try:
        return handlers[job.kind]
    except KeyError:
        raise UnknownJobKind(job.kind) from None


def run_until_idle(
    factory: sessionmaker[Session], handlers: Mapping[str, Handler], *, worker: str
) -> int:
    count = 0
    while run_next(factory, handlers, worker=worker):
        count += 1
    return count


def run_forever(
    factory: sessionmaker[Session],
    handlers: Mapping[str, Handler],
    *,
    stop: threading.Event,
    poll_seconds: float = 1.0,
    lease: timedelta = LEASE,
) -> None:
    """Work until ``stop`` is set; a job in progress is finished first."""
    worker = worker_name()
    log.info("worker.started", worker=worker, kinds=sorted(handlers))
    while not stop.is_set():
        try:
            busy = run_next(factory, handlers, worker=worker, lease=lease)
        except Exception:  # the database may be briefly away; keep the worker alive
            log.exception("worker.error")
            busy = False
        if not busy:
            stop.wait(poll_seconds)
    log.info("worker.stopped", worker=worker)

"""Background jobs: written in the same transaction as the change they follow, run at least once.

A worker claims a due job under a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
workers never take the same job), runs its handler in a transaction that also marks the job done,
and on failure retries with exponential backoff. A worker that dies leaves a lease that expires,
after which another worker takes the job: nothing is lost on a crash or restart.
"""

from elkund.core.jobs.queue import (
    Job,
    claim,
    enqueue,
    ensure_one,
    finish,
    has_pending,
    retry_later,
)

__all__ = ["Job", "claim", "enqueue", "ensure_one", "finish", "has_pending", "retry_later"]

"""Which handler runs which job kind, and running the worker (CLI or inside ``serve``)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from elkund.access.jobs import HOUSEKEEPING_JOB, ensure_scheduled, run_housekeeping
from elkund.access.push import (
    PUSH_CONSENT_JOB,
    PUSH_JOB,
    ensure_push_scheduled,
    run_push,
    run_push_consent,
)
from elkund.core.db import create_db_engine, make_session_factory, session_scope
from elkund.core.jobs.worker import Handler, run_forever, run_until_idle, worker_name
from elkund.core.settings import Settings
from elkund.metering.jobs import IMPORT_JOB, run_import
from elkund.metering.stored_jobs import VALUES_STORED_JOB
from elkund.notify.delivery import deliver
from elkund.notify.service import DELIVER_JOB
from elkund.portal.auth.jobs import (
    SESSION_CLEANUP_JOB,
    ensure_session_cleanup,
    run_session_cleanup,
)
from elkund.portal.consumption import prerender
from elkund.supply.billing_jobs import (
    CONTRACT_JOB,
    MONTHLY_JOB,
    ensure_billing_scheduled,
    run_contract_billing,
    run_monthly_billing,
)
from elkund.supply.render_jobs import RENDER_JOB, render_invoice

HANDLERS: Mapping[str, Handler] = {
    IMPORT_JOB: run_import,
    VALUES_STORED_JOB: prerender,
    DELIVER_JOB: deliver,
    HOUSEKEEPING_JOB: run_housekeeping,
    PUSH_JOB: run_push,
    PUSH_CONSENT_JOB: run_push_consent,
    SESSION_CLEANUP_JOB: run_session_cleanup,
    MONTHLY_JOB: run_monthly_billing,
    CONTRACT_JOB: run_contract_billing,
    RENDER_JOB: render_invoice,
}


def start_periodic_jobs(factory: sessionmaker[Session]) -> None:
    """Make sure the self-rescheduling jobs (housekeeping, monthly billing, …) are queued."""
    with session_scope(factory, write=True) as session:
        ensure_scheduled(session)
        ensure_push_scheduled(session)
        ensure_session_cleanup(session)
        ensure_billing_scheduled(session)


def run_worker(settings: Settings, *, once: bool = False) -> int:
    """Run jobs until stopped by SIGTERM/SIGINT, or with ``once`` until none is due."""
    factory = make_session_factory(create_db_engine(settings.database_url))
    start_periodic_jobs(factory)
    if once:
        return run_until_idle(factory, HANDLERS, worker=worker_name())
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    run_forever(
        factory,
        HANDLERS,
        stop=stop,
        poll_seconds=settings.worker_poll_seconds,
        lease=timedelta(seconds=settings.job_lease_seconds),
    )
    return 0

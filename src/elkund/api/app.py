"""The web application: REST API under /api/v1 and the portal, sharing one database."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import configure_mappers

from elkund import __version__
from elkund.api import access, events, export, health, oauth
from elkund.api.errors import install_error_handlers
from elkund.api.responses import OrjsonResponse
from elkund.core.db import create_db_engine, make_session_factory
from elkund.core.settings import Settings, get_settings
from elkund.portal import account as portal_account
from elkund.portal import auth as portal_auth
from elkund.portal import consumption as portal_consumption
from elkund.portal import invoices as portal_invoices
from elkund.portal import pages as portal_pages
from elkund.portal import routes as portal
from elkund.portal import tpa as portal_tpa
from elkund.portal.errors import install_portal_errors

STATIC = Path(__file__).parent.parent / "portal" / "static"


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="elkund API",
        version=__version__,
        summary="Meter values and third-party access for Swedish electricity customers.",
        default_response_class=OrjsonResponse,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine or create_db_engine(settings.database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(oauth.router)
    app.include_router(events.router)
    app.webhooks.include_router(events.webhooks)
    app.include_router(access.router)
    app.include_router(export.router)
    app.mount(
        "/static",
        StaticFiles(directory=Path(__file__).parent.parent / "portal" / "static"),
        name="static",
    )
    portal_auth.install(app)
    install_portal_errors(app)
    app.include_router(portal_pages.router)
    app.include_router(portal_account.router)
    app.include_router(portal_consumption.router)
    app.include_router(portal_invoices.router)
    app.include_router(portal_tpa.router)
    app.include_router(portal.router)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """In the embedded default the job worker runs in a thread of the server."""
    from elkund.core.jobs.worker import run_forever
    from elkund.jobs_runner import HANDLERS, start_periodic_jobs

    _build_routes(app.router.routes)
    configure_mappers()  # otherwise done by the first request that uses the ORM
    stop = threading.Event()
    thread = None
    if app.state.settings.runs_worker_in_process:
        start_periodic_jobs(app.state.session_factory)
        thread = threading.Thread(
            target=run_forever,
            args=(app.state.session_factory, HANDLERS),
            kwargs={
                "stop": stop,
                "poll_seconds": app.state.settings.worker_poll_seconds,
                "lease": timedelta(seconds=app.state.settings.job_lease_seconds),
            },
            name="elkund-worker",
            daemon=True,
        )
        thread.start()
    yield
    stop.set()
    if thread is not None:
        thread.join(timeout=30)


def _build_routes(routes: Sequence[object]) -> None:
    """Build every included router's routes now, before the first request.

    FastAPI builds them (dependencies, parameters, models) when a request first reaches the
    router, tens of milliseconds under a lock that the first requests after a start all wait
    for. A FastAPI without this lazy building has nothing to build here.
    """
    for route in routes:
        for name in ("effective_candidates", "effective_low_priority_routes"):
            build = getattr(route, name, None)
            if callable(build):
                _build_routes(build())

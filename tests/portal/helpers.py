"""Building a test app with portal sign-in mounted, and signing in without a browser."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from elkund.api.app import create_app
from elkund.core.db import session_scope
from elkund.core.localtime import utcnow
from elkund.core.settings import Settings
from elkund.portal import consumption
from elkund.portal.auth import ActingCustomer, CurrentUser, install, require_csrf
from elkund.portal.auth.models import PortalSession
from elkund.portal.auth.service import start_person_session
from elkund.portal.auth.settings import AuthSettings

ME_URL = "/test/jag"
FORM_URL = "/test/formular"
SECRET = "x" * 32


def make_app(
    engine: Engine,
    *,
    env: str = "test",
    public_url: str = "http://127.0.0.1:8000",
    auth: AuthSettings | None = None,
) -> FastAPI:
    settings = Settings(
        env=env,
        database_url="sqlite://",
        secret_key=SECRET,
        worker_in_process=False,
        public_url=public_url,
    )
    app = create_app(settings, engine=engine)
    app.state.auth_settings = auth or AuthSettings(oidc_issuer="", oidc_client_id="")
    if not any(getattr(route, "path", None) == "/logga-in" for route in app.routes):
        install(app)

    @app.get(ME_URL)
    def me(user: CurrentUser, customer: ActingCustomer) -> dict[str, Any]:
        return {"acting_for": customer.id, "customer_ids": sorted(user.customer_ids)}

    @app.post(FORM_URL, dependencies=[Depends(require_csrf)])
    def form(user: CurrentUser) -> dict[str, int]:
        return {"acting_for": user.acting_for}

    return app


def client_for(app: FastAPI) -> TestClient:
    return TestClient(app, follow_redirects=False)


def sign_in_person(
    client: TestClient,
    committed: sessionmaker[Session],
    person_number: str,
    *,
    now: datetime | None = None,
) -> str:
    """Start a session as the e-ID callback would; returns its CSRF token."""
    with session_scope(committed) as db:
        started = start_person_session(
            db, person_number=person_number, now=now or utcnow(), settings=AuthSettings()
        )
    client.cookies.set("elkund_session", started.token)
    return started.user.csrf_token


def session_count(committed: sessionmaker[Session]) -> int:
    with session_scope(committed) as db:
        return int(db.scalar(select(func.count()).select_from(PortalSession)) or 0)


def consumption_app(engine: Engine) -> FastAPI:
    """The application with portal sign-in and the Förbrukning pages mounted (once)."""
    settings = Settings(
        env="test", database_url="sqlite://", secret_key=SECRET, worker_in_process=False
    )
    app = create_app(settings, engine=engine)
    if not any(getattr(r, "path", "").endswith("/forbrukning") for r in app.routes):
        if not any(getattr(r, "path", "") == "/logga-in" for r in app.routes):
            install(app)
        app.include_router(consumption.router)
    return app

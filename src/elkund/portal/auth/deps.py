"""What page authors use: ``CurrentUser``, ``require_csrf`` and ``acting_customer``."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from elkund.api.deps import DbSession
from elkund.api.errors import error_response
from elkund.core.localtime import utcnow
from elkund.customers.models import Customer
from elkund.portal.auth.cookies import SESSION_COOKIE
from elkund.portal.auth.domain import PortalUser
from elkund.portal.auth.errors import CsrfRejected, NotActingFor, PortalAuthError, SignInRequired
from elkund.portal.auth.pages import error_page
from elkund.portal.auth.service import ResumedSession, resume
from elkund.portal.auth.settings import auth_settings


def _resumed(request: Request, db: DbSession) -> ResumedSession:
    token = request.cookies.get(SESSION_COOKIE)
    resumed = None
    if token:
        resumed = resume(db, token=token, now=utcnow(), settings=auth_settings(request))
    if resumed is None:
        query = request.url.query
        raise SignInRequired(request.url.path + (f"?{query}" if query else ""))
    request.state.csrf_token = resumed.user.csrf_token
    request.state.signed_in = True  # the layout shows navigation and "Logga ut" only then
    return resumed


Resumed = Annotated[ResumedSession, Depends(_resumed)]


def current_user(resumed: Resumed) -> PortalUser:
    """The signed-in user; otherwise the browser is sent (303) to ``/logga-in?next=<path>``."""
    return resumed.user


CurrentUser = Annotated[PortalUser, Depends(current_user)]


async def require_csrf(request: Request, user: CurrentUser) -> None:
    """Refuse (403) a form POST whose ``csrf_token`` field is not the session's token."""
    form = await request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, user.csrf_token):
        raise CsrfRejected("Formuläret hade fel eller saknad säkerhetskod. Ladda om sidan.")


def acting_customer(
    user: PortalUser, session: Session, *, loaded: Customer | None = None
) -> Customer:
    """The customer the user acts for now (themself, or a company they represent).

    ``loaded`` is that customer if already read in ``session`` (with the session, by ``resume``),
    which spares a query.
    """
    customer = _already_read(user, loaded) or session.get(Customer, user.acting_for)
    if customer is None or not user.may_act_for(customer.id):
        raise NotActingFor("Du kan inte längre företräda den här kunden.")
    return customer


async def _acting_customer(resumed: Resumed, session: DbSession) -> Customer:
    """Async, as the customer is nearly always the one ``resume`` read already (no I/O); only
    otherwise is it read, in a thread."""
    loaded = _already_read(resumed.user, resumed.acting_customer)
    if loaded is not None:
        return acting_customer(resumed.user, session, loaded=loaded)
    return await run_in_threadpool(acting_customer, resumed.user, session)


def _already_read(user: PortalUser, loaded: Customer | None) -> Customer | None:
    return loaded if loaded is not None and loaded.id == user.acting_for else None


ActingCustomer = Annotated[Customer, Depends(_acting_customer)]


async def _sign_in_required(_request: Request, error: Exception) -> Response:
    assert isinstance(error, SignInRequired)
    return RedirectResponse(f"/logga-in?next={quote(error.next_path, safe='/')}", status_code=303)


async def _portal_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, PortalAuthError)
    if "text/html" in request.headers.get("accept", ""):
        return error_page(request, error)
    return error_response(error.status, error.code, error.detail)


def install_handlers(app: FastAPI) -> None:
    """Sign-in redirects and Swedish error pages; needs to run on the application itself."""
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(PortalAuthError, _portal_error)

"""Sign-in and sign-out pages: e-ID (OIDC), company username + password, development sign-in."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from elkund.api.deps import DbSession
from elkund.core.db import begin_writing
from elkund.core.localtime import utcnow
from elkund.customers.identity import format_number
from elkund.customers.models import Customer, CustomerKind
from elkund.portal.auth import service
from elkund.portal.auth.cookies import (
    LOGIN_CSRF_COOKIE,
    OIDC_COOKIE,
    OIDC_MAX_AGE,
    SESSION_COOKIE,
    clear_cookie,
    set_cookie,
    settings_of,
    sign,
    unsign,
)
from elkund.portal.auth.domain import new_token, safe_next
from elkund.portal.auth.errors import CsrfRejected, OidcFailed, OidcNotConfigured
from elkund.portal.auth.oidc import OidcClient
from elkund.portal.auth.pages import render
from elkund.portal.auth.settings import auth_settings
from elkund.portal.components.i18n import translate

router = APIRouter(include_in_schema=False)

Next = Annotated[str | None, Form()]


@router.get("/logga-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str | None = None) -> Response:
    context = {"next": safe_next(next), "oidc": auth_settings(request).oidc_configured}
    return _login_form(request, "auth/login.html", context)


@router.get("/logga-in/e-id")
def start_e_id(request: Request, next: str | None = None) -> Response:
    state, nonce, verifier = new_token(), new_token(), new_token()
    url = _oidc(request).authorization_url(state=state, nonce=nonce, code_verifier=verifier)
    pending = {"state": state, "nonce": nonce, "verifier": verifier, "next": safe_next(next)}
    response = RedirectResponse(url, status_code=303)
    key = settings_of(request).secret_key
    set_cookie(response, request, OIDC_COOKIE, sign(pending, key=key), max_age=OIDC_MAX_AGE)
    return response


@router.get("/logga-in/callback")
def e_id_callback(
    request: Request, db: DbSession, state: str = "", code: str = "", error: str = ""
) -> Response:
    key = settings_of(request).secret_key
    pending = unsign(request.cookies.get(OIDC_COOKIE), key=key, max_age=OIDC_MAX_AGE)
    if pending is None or not state or not hmac.compare_digest(state, str(pending["state"])):
        raise OidcFailed(translate("error_oidc_unverified", "sv"))
    if error or not code:
        raise OidcFailed(translate("error_oidc_cancelled", "sv"))
    person_number = _oidc(request).person_number(
        code=code, code_verifier=str(pending["verifier"]), nonce=str(pending["nonce"])
    )
    begin_writing(db)  # a GET, yet it ends one session and starts another
    _end_current(request, db)
    started = service.start_person_session(
        db, person_number=person_number, now=utcnow(), settings=auth_settings(request)
    )
    response = _signed_in(request, started.token, str(pending["next"]))
    clear_cookie(response, request, OIDC_COOKIE)
    return response


@router.post("/logga-ut")
def sign_out(request: Request, db: DbSession, csrf_token: Annotated[str, Form()] = "") -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    settings = auth_settings(request)
    user = token and service.resume_session(db, token=token, now=utcnow(), settings=settings)
    if user and not hmac.compare_digest(csrf_token, user.csrf_token):
        raise CsrfRejected(translate("error_csrf_failed", "sv"))
    if token:
        service.end_session(db, token=token)
    response = RedirectResponse("/logga-in?utloggad=1", status_code=303)
    clear_cookie(response, request, SESSION_COOKIE)
    return response


@router.get("/logga-in/foretag", response_class=HTMLResponse)
def business_page(request: Request, next: str | None = None) -> Response:
    return _login_form(request, "auth/business.html", {"next": safe_next(next)})


@router.post("/logga-in/foretag")
def business_sign_in(
    request: Request,
    db: DbSession,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form()] = "",
    next: Next = None,
) -> Response:
    _check_login_csrf(request, csrf_token)
    settings = auth_settings(request)
    login = service.check_business_password(
        db, username=username, password=password, now=utcnow(), settings=settings
    )
    if login is None:
        context = {"next": safe_next(next), "failed": True, "username": username}
        return _login_form(request, "auth/business.html", context, status=401)
    _end_current(request, db)
    started = service.start_business_session(db, login=login, now=utcnow(), settings=settings)
    return _signed_in(request, started.token, safe_next(next))


@router.get("/logga-in/test-e-legitimation", response_class=HTMLResponse)
def development_e_id_page(request: Request, db: DbSession, next: str | None = None) -> Response:
    _require_development(request)
    persons = [
        {
            "id": customer.id,
            "name": customer.name,
            "number": format_number(customer.identity_number),
        }
        for customer in service.demo_persons(db)
    ]
    context = {"next": safe_next(next), "persons": persons}
    return _login_form(request, "auth/test_e_id.html", context)


@router.post("/logga-in/test-e-legitimation")
def development_e_id_sign_in(
    request: Request,
    db: DbSession,
    customer_id: Annotated[int, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Next = None,
) -> Response:
    _require_development(request)
    _check_login_csrf(request, csrf_token)
    customer = db.get(Customer, customer_id)
    if customer is None or customer.kind != CustomerKind.PRIVATE:
        raise HTTPException(404, "No such demo person.")
    _end_current(request, db)
    started = service.start_person_session(
        db, person_number=customer.identity_number, now=utcnow(), settings=auth_settings(request)
    )
    return _signed_in(request, started.token, safe_next(next))


def _oidc(request: Request) -> OidcClient:
    settings = auth_settings(request)
    if not settings.oidc_configured:
        raise OidcNotConfigured(translate("error_oidc_not_configured", "sv"))
    callback = settings_of(request).public_url.rstrip("/") + "/logga-in/callback"
    return OidcClient(settings, redirect_uri=callback)


def _require_development(request: Request) -> None:
    if settings_of(request).env != "development":
        raise HTTPException(404, "Not Found")


def _login_form(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> Response:
    """A sign-in form with a double-submit CSRF token (there is no session yet)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_token()
    request.state.csrf_token = token
    response = render(request, name, context, status=status)
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token)
    return response


def _check_login_csrf(request: Request, sent: str) -> None:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(sent, expected):
        raise CsrfRejected(translate("error_csrf_failed", "sv"))


def _end_current(request: Request, db: DbSession) -> None:
    """A new sign-in replaces the browser's old session (no session fixation, no leftovers)."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.end_session(db, token=token)


def _signed_in(request: Request, token: str, next_path: str) -> Response:
    response = RedirectResponse(next_path, status_code=303)
    set_cookie(response, request, SESSION_COOKIE, token)
    return response

"""Mina sidor – Mitt konto (TPA-5) and choosing whom to act for.

*Mitt konto – skapa ny användare*: a company signed in with its username and password registers
the persons who may act for it, by personnummer, and removes them. A person signed in with e-ID
cannot manage users. *Växla kund*: a person acts for themself or for a company that registered
them; they choose which. Nobody can choose a customer outside their own list (EU-5): tampered
forms are refused (403), and a removed user loses the company on their very next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.requests import Request

from elkund.api.deps import DbSession
from elkund.core.errors import AppError
from elkund.customers import authorised
from elkund.customers.identity import mask
from elkund.customers.models import BusinessLogin, Customer, CustomerKind
from elkund.portal.auth import ActingCustomer, CurrentUser, PortalUser, require_csrf
from elkund.portal.auth import repository as auth_repository
from elkund.portal.auth.cookies import SESSION_COOKIE
from elkund.portal.auth.domain import hash_token
from elkund.portal.auth.errors import NotActingFor
from elkund.portal.auth.pages import render
from elkund.portal.components.i18n import error_text, language_of, translate

BASE = "/mina-sidor"
ACCOUNT = f"{BASE}/konto"
SWITCH = f"{BASE}/vaxla"
router = APIRouter(prefix=BASE, include_in_schema=False)

_FORM_ERRORS = {"invalid_identity_number", "authorised_user_exists"}
"""Refusals shown on the form itself (catalogue entry ``error_<code>``), not as an error page."""
_NOTICES = {"tillagd": "notice_user_added", "borttagen": "notice_user_removed"}


@dataclass(frozen=True, slots=True)
class AuthorisedUserView:
    id: int
    person_number: str  # masked: 19800101-****
    name: str | None


@dataclass(frozen=True, slots=True)
class CustomerChoice:
    id: int
    name: str
    is_company: bool
    current: bool


def _company_login(user: CurrentUser, customer: ActingCustomer, db: DbSession) -> BusinessLogin:
    """Only the company's own username + password sign-in manages its users (TPA-5)."""
    login = None
    if user.business_login_id is not None:
        login = auth_repository.get_business_login(db, login_id=user.business_login_id)
    if login is None or login.customer_id != customer.id:
        raise NotActingFor(translate("error_users_managed_by_company", "sv"))
    return login


CompanyLogin = Annotated[BusinessLogin, Depends(_company_login)]


def _account_page(
    request: Request,
    db: DbSession,
    company: Customer,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    users = [
        AuthorisedUserView(u.id, mask(u.person_number), u.name)
        for u in authorised.list_authorised_users(db, company=company)
    ]
    notice = _NOTICES.get(request.query_params.get("notice", ""))
    context = {
        "company": company,
        "users": users,
        "error": error,
        "notice": translate(notice, language_of(request)) if notice else None,
        "form": form or {},
    }
    return render(request, "account/index.html", context, status=status)


@router.get("/konto", response_class=HTMLResponse)
def account(
    request: Request, _login: CompanyLogin, customer: ActingCustomer, db: DbSession
) -> HTMLResponse:
    """TPA-5: Mitt konto – the company's authorised users and a form to add one."""
    return _account_page(request, db, customer)


@router.post("/konto/anvandare", dependencies=[Depends(require_csrf)])
def add_user(
    request: Request,
    login: CompanyLogin,
    customer: ActingCustomer,
    db: DbSession,
    person_number: Annotated[str, Form(max_length=20)],
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        authorised.add_authorised_user(
            db, company=customer, person_number=person_number, name=name, created_by=login
        )
    except AppError as error:
        if error.code not in _FORM_ERRORS:
            raise
        form = {"person_number": person_number, "name": name}
        message = error_text(error.detail, language_of(request), code=error.code)
        return _account_page(request, db, customer, error=message, form=form, status=error.status)
    return RedirectResponse(f"{ACCOUNT}?notice=tillagd", status_code=303)


@router.post("/konto/anvandare/{user_id}/ta-bort", dependencies=[Depends(require_csrf)])
def remove_user(
    user_id: int, _login: CompanyLogin, customer: ActingCustomer, db: DbSession
) -> Response:
    """TPA-5: the person loses the company at once; another company's user is not found."""
    authorised.remove_authorised_user(db, company=customer, authorised_user_id=user_id)
    return RedirectResponse(f"{ACCOUNT}?notice=borttagen", status_code=303)


def _choices(db: DbSession, user: PortalUser) -> list[CustomerChoice]:
    customers = [c for i in user.customer_ids if (c := db.get(Customer, i)) is not None]
    customers.sort(key=lambda c: (c.kind == CustomerKind.BUSINESS, c.name, c.id))
    return [
        CustomerChoice(c.id, c.name, c.kind == CustomerKind.BUSINESS, c.id == user.acting_for)
        for c in customers
    ]


@router.get("/vaxla", response_class=HTMLResponse)
def switch_page(request: Request, user: CurrentUser, db: DbSession) -> HTMLResponse:
    """The customers the user may act for now: themself and the companies that registered them."""
    return render(request, "account/switch.html", {"choices": _choices(db, user)})


@router.post("/vaxla", dependencies=[Depends(require_csrf)])
def switch(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    customer_id: Annotated[int, Form()],
) -> Response:
    """Act for another of the user's customers; any other customer is refused (EU-5)."""
    if not user.may_act_for(customer_id):
        raise NotActingFor(translate("error_cannot_act_for", "sv"))
    session_id = hash_token(request.cookies.get(SESSION_COOKIE, ""))
    auth_repository.set_acting_for(db, session_id=session_id, customer_id=customer_id)
    return RedirectResponse(BASE, status_code=303)

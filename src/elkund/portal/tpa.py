"""Mina sidor – Tredjepartsåtkomst (TPA-3, 4, 6, 7, 8, 9): requests, consents, companies, log.

Every action goes through ``access.service`` as the acting customer, so a customer can only ever
see or touch their own requests and consents (URL or form tampering answers 404). Every approval,
rejection and termination is recorded with the person or company login that did it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.requests import Request

from elkund.access import customer_view as view
from elkund.access import service as access
from elkund.access.domain import REQUESTABLE, is_finer
from elkund.api.deps import DbSession
from elkund.core.localtime import STOCKHOLM
from elkund.customers.identity import mask
from elkund.metering.domain import Resolution
from elkund.portal.auth import ActingCustomer, CurrentUser, PortalUser, require_csrf
from elkund.portal.auth.pages import context_lang, render, templates
from elkund.portal.components.i18n import MESSAGES, Lang, language_of, translate

BASE = "/mina-sidor/tredjepartsatkomst"
router = APIRouter(prefix=BASE, include_in_schema=False)

_NAMED = {"resolution_name": "resolution", "status_name": "status", "data_type": "data"}
"""Filters that name a stored value in the visitor's language: ``{{ c.status | status_name }}``
shows the catalogue entry ``status_<value>`` (an unknown value is shown as it is)."""


def _local_datetime(value: datetime | None) -> str:
    return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M") if value else ""


def _name_filter(prefix: str) -> Callable[[Context, str], str]:
    @pass_context
    def name(context: Context, value: str) -> str:
        key = f"{prefix}_{value}"
        return translate(key, context_lang(context)) if key in MESSAGES else value

    return name


for _filter, _prefix in _NAMED.items():
    templates.env.filters[_filter] = _name_filter(_prefix)
templates.env.filters["local_datetime"] = _local_datetime


def actor(user: PortalUser) -> str:
    """Who acted, for the audit trail, without the full personnummer."""
    if user.person_number:
        return f"person:{mask(user.person_number)}"
    return f"business_login:{user.business_login_id}"


@router.get("", response_class=HTMLResponse)
def overview(
    request: Request, customer: ActingCustomer, session: DbSession, notice: str | None = None
) -> HTMLResponse:
    active, inactive = view.consents(session, customer_id=customer.id)
    context = {
        "pending": view.pending_requests(session, customer_id=customer.id),
        "active": active,
        "inactive": inactive,
        "closed": view.closed_requests(session, customer_id=customer.id),
        "companies": view.companies_with_access(session, customer_id=customer.id),
        "log": view.share_log(session, customer_id=customer.id),
        "notice": _notice(notice, language_of(request)),
    }
    return render(request, "tpa/index.html", context)


_NOTICES = {"godkand": "notice_approved", "nekad": "notice_rejected", "avslutad": "notice_ended"}
"""``?notice=`` after a decision (Post/Redirect/Get) → the catalogue entry shown."""


def _notice(code: str | None, lang: Lang) -> str | None:
    key = _NOTICES.get(code or "")
    return translate(key, lang) if key else None


@router.get("/begaran/{request_id}", response_class=HTMLResponse)
def request_page(
    request: Request, request_id: str, customer: ActingCustomer, session: DbSession
) -> HTMLResponse:
    """The deep link an ESCO gives its customer (``portal_url`` in the API)."""
    access.request_for_customer(session, customer=customer, request_id=request_id)
    pending = {r.id: r for r in view.pending_requests(session, customer_id=customer.id)}
    if request_id not in pending:
        return RedirectResponse(BASE, status_code=303)  # type: ignore[return-value]
    shown = pending[request_id]
    asked = Resolution(shown.resolution)
    coarser = [r.value for r in REQUESTABLE if not is_finer(r, asked)]
    return render(request, "tpa/request.html", {"r": shown, "coarser": coarser})


@router.post("/begaran/{request_id}/godkann", dependencies=[Depends(require_csrf)])
def approve(
    request_id: str,
    user: CurrentUser,
    customer: ActingCustomer,
    session: DbSession,
    valid_until: Annotated[date | None, Form()] = None,
    resolution: Annotated[str | None, Form()] = None,
) -> Response:
    access.approve_request(
        session,
        customer=customer,
        request_id=request_id,
        actor=actor(user),
        valid_until=valid_until,
        resolution=Resolution(resolution) if resolution else None,
    )
    return RedirectResponse(f"{BASE}?notice=godkand", status_code=303)


@router.post("/begaran/{request_id}/neka", dependencies=[Depends(require_csrf)])
def reject(
    request_id: str, user: CurrentUser, customer: ActingCustomer, session: DbSession
) -> Response:
    access.reject_request(session, customer=customer, request_id=request_id, actor=actor(user))
    return RedirectResponse(f"{BASE}?notice=nekad", status_code=303)


@router.get("/medgivande/{consent_id}/avsluta", response_class=HTMLResponse)
def confirm_end(
    request: Request, consent_id: str, customer: ActingCustomer, session: DbSession
) -> HTMLResponse:
    access.consent_for_customer(session, customer=customer, consent_id=consent_id)
    active, _ = view.consents(session, customer_id=customer.id)
    line = next((c for c in active if c.id == consent_id), None)
    if line is None:
        return RedirectResponse(BASE, status_code=303)  # type: ignore[return-value]
    return render(request, "tpa/end.html", {"c": line})


@router.post("/medgivande/{consent_id}/avsluta", dependencies=[Depends(require_csrf)])
def end(
    consent_id: str, user: CurrentUser, customer: ActingCustomer, session: DbSession
) -> Response:
    """*Avsluta* (TPA-8): the consent ends now and the ESCO is told."""
    access.terminate_consent(session, customer=customer, consent_id=consent_id, actor=actor(user))
    return RedirectResponse(f"{BASE}?notice=avslutad", status_code=303)


@router.get("/logg.csv")
def log_csv(customer: ActingCustomer, session: DbSession) -> Response:
    """The share log as CSV for Excel (semicolons, UTF-8 with BOM), newest first (TPA-9)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Tid",
            "Företag",
            "Organisationsnummer",
            "Anläggning",
            "Från",
            "Till",
            "Upplösning",
            "Antal värden",
            "Sätt",
        ]
    )
    for e in view.share_log(session, customer_id=customer.id):
        writer.writerow(
            [
                _local_datetime(e.at),
                e.company.name,
                e.company.org_number,
                e.installation_id,
                _local_datetime(e.period_start),
                _local_datetime(e.period_end),
                e.resolution,
                e.value_count,
                e.channel,
            ]
        )
    headers = {"Content-Disposition": 'attachment; filename="delningslogg.csv"'}
    return Response(("\ufeff" + out.getvalue()).encode(), media_type="text/csv", headers=headers)

"""ESCO endpoints: access requests and consents (TPA-1, TPA-2, TPA-6, TPA-8, EU-2, EU-4)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from elkund.access import repository
from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.access.errors import REFUSAL_STATUS, RequestRefused
from elkund.access.models import AccessRequest, Consent, ConsentStatus, RequestStatus
from elkund.api.auth import CurrentEsco
from elkund.api.deps import DbSession
from elkund.api.schemas import error_responses
from elkund.core.settings import get_settings
from elkund.metering.domain import Resolution

router = APIRouter(prefix="/api/v1", tags=["third-party access"])

RequestedResolution = Literal["PT15M", "PT1H", "P1D", "P1M"]
DeliveryMode = Literal["pull", "push_daily"]


class AccessRequestCreate(BaseModel):
    """A request for the meter values of ONE installation, on behalf of its customer."""

    model_config = ConfigDict(extra="forbid")

    installation_id: str = Field(max_length=40, examples=["735999000000000013"])
    customer_identity_number: str = Field(max_length=20, examples=["18900101-9802"])
    purpose: str = Field(min_length=3, max_length=500, examples=["Energianalys av din villa"])
    data_types: list[DataType] = Field(min_length=1, max_length=2)
    resolution: RequestedResolution
    history_from: date
    valid_until: date
    delivery: DeliveryMode = "pull"


class AccessRequestRead(BaseModel):
    id: str
    status: RequestStatus
    portal_url: str
    installation_id: str
    purpose: str
    data_types: list[str]
    resolution: str
    history_from: date | None
    valid_until: date | None
    delivery: str
    created_at: datetime
    expires_at: datetime | None
    consent_id: str | None
    refusal_code: str | None


class AccessRequestList(BaseModel):
    access_requests: list[AccessRequestRead]


class ConsentRead(BaseModel):
    id: str
    request_id: str
    status: ConsentStatus
    installation_id: str
    data_types: list[str]
    resolution: str
    history_from: date
    valid_from: date
    valid_until: date
    delivery: str
    ended_at: datetime | None


class ConsentList(BaseModel):
    consents: list[ConsentRead]


def _request_read(session: DbSession, request: AccessRequest) -> AccessRequestRead:
    consent = repository.consent_for_request(session, request.id)
    return AccessRequestRead(
        id=request.id,
        status=request.status,
        portal_url=f"{get_settings().public_url}/mina-sidor/tredjepartsatkomst/begaran/{request.id}",
        installation_id=request.installation_ref,
        purpose=request.purpose,
        data_types=list(request.data_types),
        resolution=request.resolution,
        history_from=request.history_from,
        valid_until=request.valid_until,
        delivery=request.delivery,
        created_at=request.created_at,
        expires_at=request.expires_at,
        consent_id=consent.id if consent else None,
        refusal_code=request.refusal_code,
    )


def _consent_reads(session: DbSession, consents: list[Consent]) -> list[ConsentRead]:
    gsrns = repository.installation_gsrns(session, {c.installation_id for c in consents})
    return [
        ConsentRead(
            id=c.id,
            request_id=c.request_id,
            status=c.status,
            installation_id=gsrns[c.installation_id],
            data_types=list(c.data_types),
            resolution=c.resolution,
            history_from=c.history_from,
            valid_from=c.valid_from,
            valid_until=c.valid_until,
            delivery=c.delivery,
            ended_at=c.ended_at,
        )
        for c in consents
    ]


@router.post(
    "/access-requests",
    status_code=201,
    operation_id="create_access_request",
    responses=error_responses(401, 403, 404, 409, 422),
)
def create_access_request(
    body: AccessRequestCreate,
    esco: CurrentEsco,
    session: DbSession,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> AccessRequestRead:
    """Submit a request; it reaches the customer only if it passes every check (TPA-2).

    A refused request answers 4xx with a stable code and is kept for the grid company. The same
    ``Idempotency-Key`` with the same body gives the same answer again, never a second request.
    """
    draft = access.RequestDraft(
        **body.model_dump(exclude={"resolution"}),
        resolution=Resolution(body.resolution),
        idempotency_key=idempotency_key,
    )
    submitted = access.submit_request(session, esco=esco, draft=draft)
    request = submitted.request
    if request.status == RequestStatus.REFUSED:
        session.commit()  # keep the refusal for the operator, then answer with it
        code = request.refusal_code or "refused"
        raise RequestRefused(
            request.refusal_detail or code, code=code, status=REFUSAL_STATUS.get(code, 422)
        )
    response.headers["Location"] = f"/api/v1/access-requests/{request.id}"
    return _request_read(session, request)


@router.get(
    "/access-requests", operation_id="list_access_requests", responses=error_responses(401, 403)
)
def list_access_requests(
    esco: CurrentEsco, session: DbSession, status: Annotated[RequestStatus | None, Query()] = None
) -> AccessRequestList:
    """Your requests, oldest first, optionally only those with ``status``."""
    requests = repository.requests_of_esco(session, esco_id=esco.id, status=status)
    return AccessRequestList(access_requests=[_request_read(session, r) for r in requests])


@router.get(
    "/access-requests/{request_id}",
    operation_id="get_access_request",
    responses=error_responses(401, 403, 404),
)
def get_access_request(request_id: str, esco: CurrentEsco, session: DbSession) -> AccessRequestRead:
    return _request_read(
        session, access.request_for_esco(session, esco=esco, request_id=request_id)
    )


@router.delete(
    "/access-requests/{request_id}",
    operation_id="withdraw_access_request",
    responses=error_responses(401, 403, 404, 409),
)
def withdraw_access_request(
    request_id: str, esco: CurrentEsco, session: DbSession
) -> AccessRequestRead:
    """Withdraw a request the customer has not answered yet."""
    request = access.withdraw_request(session, esco=esco, request_id=request_id)
    return _request_read(session, request)


@router.get("/consents", operation_id="list_consents", responses=error_responses(401, 403))
def list_consents(
    esco: CurrentEsco, session: DbSession, status: Annotated[ConsentStatus | None, Query()] = None
) -> ConsentList:
    """Your consents with status, validity and how each ended."""
    consents = list(repository.consents_of_esco(session, esco_id=esco.id, status=status))
    return ConsentList(consents=_consent_reads(session, consents))


@router.get(
    "/consents/{consent_id}", operation_id="get_consent", responses=error_responses(401, 403, 404)
)
def get_consent(consent_id: str, esco: CurrentEsco, session: DbSession) -> ConsentRead:
    consent = access.consent_for_esco(session, esco=esco, consent_id=consent_id)
    return _consent_reads(session, [consent])[0]


@router.delete(
    "/consents/{consent_id}",
    operation_id="withdraw_consent",
    responses=error_responses(401, 403, 404),
)
def withdraw_consent(consent_id: str, esco: CurrentEsco, session: DbSession) -> ConsentRead:
    """End a consent from your side (``withdrawn_by_esco``); values stop at once."""
    consent = access.withdraw_consent(session, esco=esco, consent_id=consent_id)
    return _consent_reads(session, [consent])[0]

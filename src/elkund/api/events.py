"""Events for ESCOs: polling them, and the webhooks that push the same events (in the spec).

``webhooks`` only documents what elkund sends (``app.webhooks``); nothing is served from it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query

from elkund.api.auth import CurrentEsco
from elkund.api.deps import DbSession
from elkund.api.export import MeterValuesDelivery
from elkund.api.schemas import error_responses
from elkund.notify import schemas, service

router = APIRouter(prefix="/api/v1/events", tags=["events"])


@router.get("", operation_id="list_events", responses=error_responses(401, 403, 422))
def list_events(
    session: DbSession,
    esco: CurrentEsco,
    after: Annotated[int, Query(ge=0, description="The last cursor seen; 0 for the first.")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> schemas.EventPage:
    """The calling ESCO's events after the cursor ``after``, oldest first.

    The same events as the webhooks, with the same ids: poll with the last ``next_cursor`` to get
    every event exactly once in order, with or without a webhook.
    """
    events = service.events_after(session, party_id=esco.id, after=after, limit=limit)
    return schemas.EventPage(
        events=[schemas.EventRead.of(event) for event in events],
        next_cursor=events[-1].id if events else after,
    )


def _signed(
    webhook_id: Annotated[str, Header(description="The event id; deduplicate on it.")],
    webhook_timestamp: Annotated[str, Header(description="When it was sent, in Unix seconds.")],
    webhook_signature: Annotated[
        str,
        Header(
            description="`v1,` + base64(HMAC-SHA256(secret, `{webhook-id}.{webhook-timestamp}."
            "{body}`)) with your `whsec_` secret (Standard Webhooks)."
        ),
    ],
) -> None:
    """The Standard Webhooks headers of every webhook."""


Signed = Annotated[None, Depends(_signed)]
webhooks = APIRouter(tags=["webhooks"])
_ANSWER: dict[str, Any] = {
    "status_code": 204,
    "response_description": "Received: answer any 2xx within 10 seconds.",
    "responses": {
        "default": {
            "description": "Anything else, or no answer in time, is retried with exponential "
            "backoff (30 s doubling, at most 6 h apart), 12 attempts over about 14.5 hours. "
            "Every event also stays in `GET /api/v1/events`."
        }
    },
}


@webhooks.post(
    "access_request.pending_customer",
    operation_id="webhook_access_request_pending_customer",
    **_ANSWER,
)
def access_request_pending_customer(
    body: schemas.AccessRequestPendingCustomerEvent, _: Signed
) -> None:
    """A request was valid and now waits for the customer's answer in the portal."""


@webhooks.post(
    "access_request.refused",
    operation_id="webhook_access_request_refused",
    **_ANSWER,
)
def access_request_refused(body: schemas.AccessRequestRefusedEvent, _: Signed) -> None:
    """A request was invalid: refused with the reason code in `data.reason`, never shown to the
    customer."""


@webhooks.post(
    "access_request.approved",
    operation_id="webhook_access_request_approved",
    **_ANSWER,
)
def access_request_approved(body: schemas.AccessRequestApprovedEvent, _: Signed) -> None:
    """The customer approved a request: `data.consent_id` is the consent to fetch values under."""


@webhooks.post(
    "access_request.rejected",
    operation_id="webhook_access_request_rejected",
    **_ANSWER,
)
def access_request_rejected(body: schemas.AccessRequestRejectedEvent, _: Signed) -> None:
    """The customer rejected a request."""


@webhooks.post(
    "access_request.expired",
    operation_id="webhook_access_request_expired",
    **_ANSWER,
)
def access_request_expired(body: schemas.AccessRequestExpiredEvent, _: Signed) -> None:
    """The customer did not answer a request in time."""


@webhooks.post(
    "access_request.withdrawn",
    operation_id="webhook_access_request_withdrawn",
    **_ANSWER,
)
def access_request_withdrawn(body: schemas.AccessRequestWithdrawnEvent, _: Signed) -> None:
    """The ESCO withdrew a request before the customer answered."""


@webhooks.post(
    "consent.ended",
    operation_id="webhook_consent_ended",
    **_ANSWER,
)
def consent_ended(body: schemas.ConsentEndedEvent, _: Signed) -> None:
    """A consent ended (`data.status` says how): meter values are no longer given out under it."""


@webhooks.post(
    "meter_values.delivery",
    operation_id="webhook_meter_values_delivery",
    **_ANSWER,
)
def meter_values_delivery(body: MeterValuesDelivery, _: Signed) -> None:
    """Push consents: once a day, the values of every day that is new or corrected since the last
    push, signed like every webhook. A failed push is tried again at the next daily run."""

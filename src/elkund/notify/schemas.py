"""The shapes of events: the ``data`` of each type, webhook bodies, and the polling API.

These models are the contract with ESCOs: ``publish`` validates every event's data against them,
and the OpenAPI spec describes the webhooks with them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from elkund.notify.events import EventType
from elkund.notify.models import OutboxEvent

ConsentEndStatus = Literal[
    "terminated_by_customer", "withdrawn_by_esco", "expired", "ended_by_grid_company"
]


class AccessRequestData(BaseModel):
    """A request of the ESCO changed state."""

    model_config = ConfigDict(extra="forbid")

    request_id: str
    installation_id: str = Field(description="The anläggnings-ID (GSRN) of the installation.")
    status: str = Field(examples=["approved"])
    reason: str | None = Field(description="Why it was refused, rejected or withdrawn, if known.")
    consent_id: str | None = Field(description="The consent created by an approval, else null.")


class ConsentEndedData(BaseModel):
    """A consent of the ESCO ended: from then on no meter values are given out under it."""

    model_config = ConfigDict(extra="forbid")

    consent_id: str
    request_id: str
    installation_id: str = Field(description="The anläggnings-ID (GSRN) of the installation.")
    status: ConsentEndStatus
    reason: str | None
    ended_at: AwareDatetime


DATA_MODELS: dict[EventType, type[BaseModel]] = {
    **{kind: AccessRequestData for kind in EventType if kind.startswith("access_request.")},
    EventType.CONSENT_ENDED: ConsentEndedData,
}


class _Event(BaseModel):
    id: str = Field(
        description="The event's stable id, also sent as `webhook-id`: the same on every retry "
        "and in the polling API, so deduplicate on it."
    )
    created_at: datetime


class AccessRequestPendingCustomerEvent(_Event):
    type: Literal[EventType.ACCESS_REQUEST_PENDING_CUSTOMER]
    data: AccessRequestData


class AccessRequestRefusedEvent(_Event):
    type: Literal[EventType.ACCESS_REQUEST_REFUSED]
    data: AccessRequestData


class AccessRequestApprovedEvent(_Event):
    type: Literal[EventType.ACCESS_REQUEST_APPROVED]
    data: AccessRequestData


class AccessRequestRejectedEvent(_Event):
    type: Literal[EventType.ACCESS_REQUEST_REJECTED]
    data: AccessRequestData


class AccessRequestExpiredEvent(_Event):
    type: Literal[EventType.ACCESS_REQUEST_EXPIRED]
    data: AccessRequestData


class AccessRequestWithdrawnEvent(_Event):
    type: Literal[EventType.ACCESS_REQUEST_WITHDRAWN]
    data: AccessRequestData


class ConsentEndedEvent(_Event):
    type: Literal[EventType.CONSENT_ENDED]
    data: ConsentEndedData


class EventRead(BaseModel):
    """One event as the polling API gives it; ``cursor`` orders events."""

    cursor: int = Field(description="Pass the last one seen as `after` to get the next events.")
    id: str = Field(description="The same id as the webhook's `webhook-id`.")
    type: EventType
    created_at: datetime
    data: dict[str, Any]

    @classmethod
    def of(cls, event: OutboxEvent) -> EventRead:
        return cls(
            cursor=event.id,
            id=event.event_id,
            type=EventType(event.type),
            created_at=event.created_at,
            data=event.payload,
        )


class EventPage(BaseModel):
    events: list[EventRead]
    next_cursor: int = Field(description="`after` for the next call: the last cursor given.")

"""The event types an ESCO is notified of: the names are part of the public contract."""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """One member per state change that concerns an ESCO (TPA-6, TPA-8)."""

    ACCESS_REQUEST_PENDING_CUSTOMER = "access_request.pending_customer"
    ACCESS_REQUEST_REFUSED = "access_request.refused"
    ACCESS_REQUEST_APPROVED = "access_request.approved"
    ACCESS_REQUEST_REJECTED = "access_request.rejected"
    ACCESS_REQUEST_EXPIRED = "access_request.expired"
    ACCESS_REQUEST_WITHDRAWN = "access_request.withdrawn"
    CONSENT_ENDED = "consent.ended"

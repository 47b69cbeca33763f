"""Why a request is refused or an action is not allowed: stable codes for ESCOs and the portal."""

from __future__ import annotations

from elkund.core.errors import AppError, Invalid, NotFound


class RequestRefused(Invalid):
    """A request that failed validation (TPA-2); it is kept for the operator with this reason."""


class UnknownInstallation(NotFound):
    code = "unknown_installation"


class DuplicateRequest(AppError):
    code = "duplicate_request"
    status = 409


class RequestNotFound(NotFound):
    code = "request_not_found"


class ConsentNotFound(NotFound):
    code = "consent_not_found"


class RequestNotPending(AppError):
    code = "request_not_pending"
    status = 409


class ConsentNotActive(AppError):
    code = "consent_not_active"
    status = 403


class EscoSuspended(AppError):
    code = "esco_suspended"
    status = 409


class IdempotencyKeyReused(AppError):
    code = "idempotency_key_reused"
    status = 422


class NotNarrower(Invalid):
    """The customer may only shorten a consent or make it coarser before approving."""

    code = "not_narrower"


class OutsideConsent(Invalid):
    """Meter values asked for outside the period a consent covers."""

    code = "outside_consent"


class ResolutionNotConsented(Invalid):
    code = "resolution_not_consented"


REFUSAL_STATUS = {
    "invalid_identity_number": 422,
    "invalid_installation_id": 422,
    "unknown_installation": 404,
    "installation_not_held_by_customer": 422,
    "history_too_early": 422,
    "history_in_future": 422,
    "valid_until_in_past": 422,
    "valid_until_too_far": 422,
    "resolution_too_fine": 422,
    "data_type_not_available": 422,
    "duplicate_request": 409,
}

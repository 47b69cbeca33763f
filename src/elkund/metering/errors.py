"""Errors of the meter-value domain, each with a stable code."""

from __future__ import annotations

from elkund.core.errors import AppError, Invalid, NotFound


class UnknownInstallation(NotFound):
    code = "unknown_installation"


class MalformedFile(AppError):
    code = "malformed_file"
    status = 400


class ResolutionTooFine(Invalid):
    code = "resolution_too_fine"


class InvalidPeriod(Invalid):
    code = "invalid_period"


class RejectCode:
    """Why one row of an import was rejected; stable, documented in docs/meter-value-formats.md."""

    MALFORMED_ROW = "malformed_row"
    INVALID_INSTALLATION_ID = "invalid_installation_id"
    UNKNOWN_INSTALLATION = "unknown_installation"
    INVALID_TIMESTAMP = "invalid_timestamp"
    INVALID_RESOLUTION = "invalid_resolution"
    RESOLUTION_MISMATCH = "resolution_mismatch"
    MISALIGNED_START = "misaligned_start"
    FUTURE_INTERVAL = "future_interval"
    INVALID_VALUE = "invalid_value"
    NEGATIVE_VALUE = "negative_value"
    IMPLAUSIBLE_VALUE = "implausible_value"
    INVALID_QUALITY = "invalid_quality"
    DUPLICATE_IN_FILE = "duplicate_in_file"

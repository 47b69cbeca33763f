"""The one error contract: every failure a caller can act on is an ``AppError``.

The web layer turns it into ``{"error": code, "detail": detail}`` with ``status``.
"""

from __future__ import annotations


class AppError(Exception):
    code: str = "error"
    status: int = 400

    def __init__(self, detail: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class NotFound(AppError):
    code = "not_found"
    status = 404


class Invalid(AppError):
    """Input that is well-formed but breaks a rule of the domain."""

    code = "invalid"
    status = 422

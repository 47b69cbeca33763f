"""Shapes shared by every router."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every error: a stable machine-readable code and a human-readable detail."""

    error: str = Field(examples=["unknown_installation"])
    detail: Any = Field(examples=["No installation with this anläggnings-ID in this grid."])


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries documenting that these statuses answer with ``ErrorBody``."""
    return {status: {"model": ErrorBody} for status in statuses}

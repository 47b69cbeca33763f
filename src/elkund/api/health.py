"""Liveness and readiness for load balancers and operators."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from elkund import __version__
from elkund.api.deps import DbSession
from elkund.api.schemas import error_responses

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str
    version: str
    database: str


@router.get("/health", operation_id="get_health", responses=error_responses(500))
def health(session: DbSession) -> Health:
    """Answers 200 when the service can reach its database."""
    session.execute(text("SELECT 1"))
    return Health(status="ok", version=__version__, database=session.get_bind().dialect.name)

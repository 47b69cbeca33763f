"""The OAuth2 token endpoint: client credentials in the form body or as HTTP Basic (RFC 6749)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import unquote

from fastapi import APIRouter, Form, Request, Response
from pydantic import BaseModel

from elkund.api.deps import DbSession
from elkund.api.schemas import error_responses
from elkund.core.errors import AppError
from elkund.core.localtime import utcnow
from elkund.parties.credentials import InvalidClient, issue_token

router = APIRouter(prefix="/api/v1/oauth", tags=["authentication"])


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - the RFC 6750 token type, not a secret
    expires_in: int


class UnsupportedGrantType(AppError):
    code = "unsupported_grant_type"
    status = 400


@router.post(
    "/token",
    operation_id="create_token",
    responses=error_responses(400, 401, 403),
)
def create_token(
    request: Request,
    response: Response,
    session: DbSession,
    grant_type: Annotated[str, Form()],
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
) -> TokenResponse:
    """Exchange client credentials for a bearer token that expires after ``expires_in`` seconds."""
    if grant_type != "client_credentials":
        raise UnsupportedGrantType("Only grant_type=client_credentials is supported.")
    basic = _basic_credentials(request)
    identity, secret = basic or (client_id, client_secret)
    if not identity or not secret:
        raise InvalidClient("Send client_id and client_secret, in the form or as HTTP Basic.")
    issued = issue_token(session, client_id=identity, secret=secret, now=utcnow())
    response.headers["Cache-Control"] = "no-store"
    return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        identity, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClient("Malformed HTTP Basic credentials.") from None
    # RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
    return unquote(identity), unquote(secret)
